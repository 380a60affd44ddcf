"""Full-text search of published notices, in Chinese and English.

PostgreSQL's parser does not segment Chinese, so the text is segmented here with
jieba (plus the field's own terms in ``jieba_dict.txt``: 民主生活会 stays one word) and
stored, space-separated, in ``Notice.search_vector`` (config ``simple``: lower-cased,
no stemming; title weighted A, body B) under a GIN index created by migration
``notices_search_gin`` on PostgreSQL only.

The vectors are kept current by the notice services (``update_search_vectors``),
never by ``save()`` or signals; bulk loaders call it after ``bulk_create``.

Every match is counted and can be paged through (``SearchResults``), in two orders:
by date (newest first: the date index, filtered by the GIN index's matches) or by
relevance. Relevance ranks with ``ts_rank`` only a bounded window — the newest
``RANK_WINDOW`` matches — because ``ts_rank`` over every match of a common word unpacks
every matching vector (≈600 ms at 100k notices); the matches older than the window
follow it, newest first. On SQLite, search falls back to ``icontains``.
"""

from __future__ import annotations

import functools
import html
import re
import threading
from pathlib import Path

from django.db import connection
from django.db.models import F, Q
from django.utils.html import escape
from django.utils.safestring import mark_safe

USER_DICT = Path(__file__).resolve().parent / "jieba_dict.txt"
MAX_QUERY_CHARS = 200
MAX_TERMS = 16
#: How many of the newest matches are ranked by relevance (the rest follow by date).
RANK_WINDOW = 1000
SORTS = ("relevance", "date")
_WORD = re.compile(r"\w", re.UNICODE)

_tokenizer = None
_tokenizer_lock = threading.Lock()


def tokenizer():
    """A jieba tokenizer of our own (the global one is left alone), loaded once."""
    global _tokenizer
    if _tokenizer is None:
        with _tokenizer_lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tk = jieba.Tokenizer()
                tk.load_userdict(str(USER_DICT))
                _tokenizer = tk
    return _tokenizer


def _clean(tokens) -> list[str]:
    out = []
    for token in tokens:
        token = token.strip().lower()
        if token and _WORD.search(token):
            out.append(token)
    return out


_PIECES = re.compile(r"[^。！？；\n]+[。！？；\n]?")


@functools.lru_cache(maxsize=50000)
def _segment_piece(piece: str) -> str:
    return " ".join(_clean(tokenizer().cut_for_search(piece)))


def segment_for_index(text: str) -> str:
    """Every word and its sub-words (jieba's search mode), space-separated.

    jieba cuts text into blocks at punctuation before segmenting, so segmenting
    sentence by sentence gives the same words; sentences are memoised, which makes
    re-indexing notices that share their stock phrases several times faster."""
    pieces = (_segment_piece(p) for p in _PIECES.findall(text or ""))
    return " ".join(p for p in pieces if p)


# Words so common that requiring them only slows the search down (their posting lists are huge).
STOP_WORDS = set(
    "的 了 和 与 及 或 是 在 等 对 把 被 之 也 就 都 而 并 其 为 将 从 以 于 这 那 "
    "a an the of and or to in on for is are was were be by with".split()
)


def query_terms(q: str) -> list[str]:
    """The words of a query (jieba's precise mode), de-duplicated, without stop words
    (unless the query is nothing else), at most MAX_TERMS."""
    q = (q or "")[:MAX_QUERY_CHARS]
    words = _clean(tokenizer().cut(q))
    useful = [w for w in words if w not in STOP_WORDS] or words
    seen: list[str] = []
    for token in useful:
        if token not in seen:
            seen.append(token)
    return seen[:MAX_TERMS]


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def update_search_vectors(queryset, batch_size: int = 500) -> int:
    """Recompute the search vector of each notice in the queryset; returns how many.

    On PostgreSQL one UPDATE ... FROM (VALUES ...) per batch; on SQLite a no-op apart
    from the count (search falls back to icontains there)."""
    if not is_postgres():
        return queryset.count()
    from .models import Notice

    table = Notice._meta.db_table
    done = 0
    rows = queryset.order_by("pk").values_list("pk", "title", "body")
    batch: list = []

    def flush():
        if not batch:
            return
        values = ", ".join(["(%s, %s, %s)"] * len(batch))
        params = [p for row in batch for p in row]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS n SET search_vector = "
                "setweight(to_tsvector('simple', v.t), 'A') || setweight(to_tsvector('simple', v.b), 'B') "
                f"FROM (VALUES {values}) AS v(id, t, b) WHERE n.id = v.id::bigint",
                params,
            )
        batch.clear()

    for pk, title, body in rows.iterator(chunk_size=batch_size):
        # Index what readers see: no markup, nothing the sanitiser drops.
        batch.append((pk, segment_for_index(title), segment_for_index(plain_text(body))))
        done += 1
        if len(batch) >= batch_size:
            flush()
    flush()
    return done


class SearchResults:
    """The published notices matching q, counted in full and fetched a page at a time.

    A sequence of notice ids for Django's Paginator: ``len()`` is the true number of matches
    (one COUNT), a slice reads only that page's ids. ``sort`` is "relevance" (the newest
    RANK_WINDOW matches ranked, the older ones after them by date) or "date" (newest first).
    Notices whose search vector is not computed yet (saved outside the services; a partial
    index finds them) are matched with icontains among the others."""

    def __init__(self, q: str, published_qs, sort: str = "relevance"):
        self.terms = query_terms(q) if q else []
        self.sort = sort if sort in SORTS else SORTS[0]
        self.published = published_qs
        self._ranked = None
        if not self.terms:
            self.total = 0
            return
        if is_postgres():
            from django.contrib.postgres.search import SearchQuery

            self.query = SearchQuery(" ".join(self.terms), config="simple", search_type="plain")
            unindexed = Q(search_vector__isnull=True) & _icontains_q(self.terms)
            self.matches = published_qs.filter(Q(search_vector=self.query) | unindexed).order_by("-publish_at", "-id")
            self.total = _count_through_index(self.matches)
        else:
            self._ids = self._sqlite_ids()
            self.total = len(self._ids)

    def __len__(self):
        return self.total

    def count(self):
        return self.total

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop, _step = index.indices(self.total)
        if stop <= start:
            return []
        if not is_postgres():
            return self._ids[start:stop]
        ids = []
        if self.sort == "relevance" and start < min(RANK_WINDOW, self.total):
            ids = self.ranked()[start:stop]
        # After the ranked window (or everything, when by date): the matches newest first.
        begin = start + len(ids)
        if begin < stop:
            ids += list(self.matches.values_list("pk", flat=True)[begin:stop])
        return ids

    def ranked(self) -> list[int]:
        """The newest RANK_WINDOW matches, best first (title words weigh more), in one query."""
        if self._ranked is None:
            from django.contrib.postgres.search import SearchRank

            window = self.matches.values("pk")[:RANK_WINDOW]
            self._ranked = list(
                self.published.filter(pk__in=window)
                .annotate(rank=SearchRank(F("search_vector"), self.query))
                .order_by(F("rank").desc(nulls_last=True), "-publish_at", "-id")
                .values_list("pk", flat=True)
            )
        return self._ranked

    def _sqlite_ids(self) -> list[int]:
        rows = _icontains(self.published, self.terms).order_by("-publish_at", "-id").values_list("pk", "title", "body")
        lowered = [t.lower() for t in self.terms]
        found = []
        for pk, title, body in rows:
            seen = f"{title} {plain_text(body)}".lower()  # what readers see, as on PostgreSQL
            if all(t in seen for t in lowered):
                found.append((-sum(1 for t in lowered if t in title.lower()), pk))
        if self.sort == "relevance":  # as on PostgreSQL: the newest RANK_WINDOW ranked, the rest by date
            found[:RANK_WINDOW] = sorted(found[:RANK_WINDOW], key=lambda row: row[0])  # stable: newest first
        return [pk for _score, pk in found]


def _count_through_index(qs) -> int:
    """COUNT of the matches read from the GIN index's bitmap. For a word in most notices the planner
    prefers a sequential scan, which unpacks every row's vector to test it (≈ 2.2 s for 63,000 of
    69,000 notices on a loaded machine); the bitmap scan needs no recheck of exact matches
    (≈ 0.4 s there). So sequential scans are turned off for this one count."""
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        return qs.order_by().count()


def _icontains(qs, terms):
    return qs.filter(_icontains_q(terms))


def _icontains_q(terms) -> Q:
    condition = Q()
    for term in terms:
        condition &= Q(title__icontains=term) | Q(body__icontains=term)
    return condition


_HIDDEN = re.compile(r"<(script|style|iframe|object|template)\b.*?(</\1\s*>|$)", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]*>")
_MARKUP = re.compile(r"!\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\([^)]*\)|[#>*_`|~]+")


def plain_text(markdown_text: str) -> str:
    """The body as plain text for snippets and descriptions: tags and Markdown markup
    removed (cheap: no rendering; the result is always HTML-escaped when shown)."""
    text = _HIDDEN.sub(" ", markdown_text or "")
    text = _TAGS.sub(" ", text)
    text = _MARKUP.sub(lambda m: m.group(1) or m.group(2) or " ", text)
    return re.sub(r"\s+", " ", html.unescape(text)).strip()


_WORDCHAR = re.compile(r"[A-Za-z0-9'’-]")


def highlight(text: str, terms: list[str], width: int = 160) -> str:
    """A snippet of the plain text around the first match, with every term in <mark>;
    HTML-escaped (safe to show)."""
    text = plain_text(text)
    lowered = text.lower()
    positions = [lowered.find(t.lower()) for t in terms if t and lowered.find(t.lower()) >= 0]
    start = max(0, min(positions) - width // 3) if positions else 0
    end = min(len(text), start + width)
    # English words are not cut: move the cut points to the nearest spaces inside the window.
    if 0 < start < len(text) and _WORDCHAR.match(text[start - 1]) and _WORDCHAR.match(text[start]):
        space = text.find(" ", start, min(end, start + width // 4))
        if space >= 0:
            start = space + 1
    if end < len(text) and _WORDCHAR.match(text[end - 1]) and _WORDCHAR.match(text[end]):
        space = text.rfind(" ", max(start, end - width // 4), end)
        if space >= 0:
            end = space
    snippet = text[start:end].strip()
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return mark_terms(prefix + snippet + suffix, terms)


def mark_terms(text: str, terms: list[str]) -> str:
    """The text HTML-escaped, with every term wrapped in <mark>."""
    usable = sorted({t for t in terms if t and t.strip()}, key=len, reverse=True)
    if not usable:
        return escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in usable), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(f"<mark>{escape(match.group(0))}</mark>")
        last = match.end()
    out.append(escape(text[last:]))
    return mark_safe("".join(out))  # noqa: S308 - every part is escaped
