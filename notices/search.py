"""Full-text search of published notices, in Chinese and English.

PostgreSQL's parser does not segment Chinese, so the text is segmented here with
jieba (plus the field's own terms in ``jieba_dict.txt``: 民主生活会 stays one word) and
stored, space-separated, in ``Notice.search_vector`` (config ``simple``: lower-cased,
no stemming; title weighted A, body B). The vectors of the live notices are copied into a
narrow table of their own, ``SearchEntry`` (notice, publish_at, vector kept out of line),
under a GIN index created by migration ``notices_search_entries`` on PostgreSQL only: search
reads that table, not the notices.

The vectors and the entries are kept current by the notice services
(``update_search_vectors``), never by ``save()`` or signals; bulk loaders call it after
``bulk_create``.

Every match is counted and can be paged through (``SearchResults``), in two orders:
by date (newest first) or by relevance. Counting a word found in most notices visits every
matching row: in the narrow table that is ~1,600 pages at 100,000 notices (≈ 30 ms), where the
notices' own rows took 42,000 (≈ 0.45 s). Relevance ranks with ``ts_rank`` only a bounded window
— the newest ``RANK_WINDOW`` matches — because ``ts_rank`` over every match of a common word
unpacks every matching vector (≈600 ms at 100k notices); the matches older than the window
follow it, newest first. On SQLite, search falls back to ``icontains``.
"""

from __future__ import annotations

import datetime
import functools
import html
import re
import threading
from pathlib import Path

from django.db import connection
from django.db.models import Q
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


@functools.lru_cache(maxsize=50000)
def _segment_block(block: str) -> str:
    return " ".join(_clean(tokenizer().cut_for_search(block)))


def segment_for_index(text: str) -> str:
    """Every word and its sub-words (jieba's search mode), space-separated.

    jieba splits text into blocks of Chinese characters, letters and digits (its own
    ``re_han_default``: a clause between two punctuation marks) and segments each block on its
    own, so segmenting block by block gives the same words. Blocks are memoised: clauses recur
    across notices far more than whole sentences do (a sentence names its own people and
    places), so in the varied benchmark corpus about nine blocks in ten are found in the memo
    and indexing 100,000 notices takes about half the CPU it took when sentences were
    memoised."""
    import jieba

    blocks = (_segment_block(b) for b in jieba.re_han_default.split(text or "") if b)
    return " ".join(b for b in blocks if b)


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


#: Later than any publication: ``Notice.objects.live(EVER)`` are the notices a search entry is kept for.
EVER = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def update_search_vectors(queryset, batch_size: int = 500) -> int:
    """Recompute the search vector of each notice in the queryset, and its search entry; returns
    how many.

    On PostgreSQL one UPDATE ... FROM (VALUES ...) per batch, then the batch's rows of
    ``SearchEntry`` replaced by those of its notices that are live or scheduled (the notice
    services call this after every write, so a publication, a schedule, a withdrawal or a
    return to draft reaches the entries in the same transaction). On SQLite a no-op apart from
    the count (search falls back to icontains there)."""
    if not is_postgres():
        return queryset.count()
    from .models import Notice, SearchEntry

    table = Notice._meta.db_table
    entries = SearchEntry._meta.db_table
    done = 0
    rows = queryset.order_by("pk").values_list("pk", "title", "body")
    batch: list = []

    def flush():
        if not batch:
            return
        values = ", ".join(["(%s, %s, %s)"] * len(batch))
        params = [p for row in batch for p in row]
        ids = [row[0] for row in batch]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS n SET search_vector = "
                "setweight(to_tsvector('simple', v.t), 'A') || setweight(to_tsvector('simple', v.b), 'B') "
                f"FROM (VALUES {values}) AS v(id, t, b) WHERE n.id = v.id::bigint",
                params,
            )
            cursor.execute(f"DELETE FROM {entries} WHERE notice_id = ANY(%s)", [ids])
            # Live now or once their time comes (scheduled), without another write: live() at the end of time.
            kept = Notice.objects.live(EVER).filter(pk__in=ids, search_vector__isnull=False).order_by()
            sql, sql_params = kept.values_list("pk", "publish_at", "search_vector").query.sql_with_params()
            cursor.execute(f"INSERT INTO {entries} (notice_id, publish_at, vector) {sql}", sql_params)
        batch.clear()

    for pk, title, body in rows.iterator(chunk_size=batch_size):
        # Index what readers see: no markup, nothing the sanitiser drops.
        batch.append((pk, segment_for_index(title), segment_for_index(plain_text(body))))
        done += 1
        if len(batch) >= batch_size:
            flush()
    flush()
    return done


#: Reading the matches newest first along the date index costs a vector read (≈ 20 µs) for every
#: entry walked, matching or not; reading every match through the GIN index and sorting them costs
#: about 0.5 µs a match. The walk is taken when it reads fewer than WALK_PER_MATCH x matches +
#: WALK_BASE entries (e.g. the first pages of a common word), the sort otherwise.
WALK_PER_MATCH = 1 / 40
WALK_BASE = 100


class SearchResults:
    """The published notices matching q, counted in full and fetched a page at a time.

    A sequence of notice ids for Django's Paginator: ``len()`` is the true number of matches, a
    slice reads only that page's ids; ``page(number, per_page)`` counts and reads the page in
    one transaction. ``sort`` is "relevance" (the newest RANK_WINDOW matches ranked, the older
    ones after them by date) or "date" (newest first).

    On PostgreSQL the matches are read from ``SearchEntry`` (live notices' vectors in a narrow
    table): the count visits ~1,600 small pages at 100,000 notices instead of the notices' rows
    (0.45 s → 0.03 s for a word in 92 % of them). Notices whose search vector is not computed yet
    (saved outside the services; a partial index finds them) are matched with icontains among the
    live notices, and merged in."""

    def __init__(self, q: str, sort: str = "relevance", *, now=None):
        from django.utils import timezone

        self.terms = query_terms(q) if q else []
        self.sort = sort if sort in SORTS else SORTS[0]
        self.now = now or timezone.now()
        self._now_is_current = now is None
        self.total = 0
        self._ranked = None
        self._ids = []
        self._unindexed_total = 0
        self._entries = 0.0
        if not self.terms:
            return
        if is_postgres():
            from django.contrib.postgres.search import SearchQuery

            self.query = SearchQuery(" ".join(self.terms), config="simple", search_type="plain")
        else:
            self._ids = self._sqlite_ids()
            self.total = len(self._ids)

    def page(self, number, per_page: int):
        """Django's Paginator.get_page(number) over the matches (the last page for a number past
        it): on PostgreSQL counted and read in one transaction, whose planner settings
        (SET LOCAL) end with it. The count and the ranked window of a query are remembered for
        the publication generation (``_remembered``): the reader's next page or the other order
        does not count again."""
        from django.core.paginator import Paginator
        from django.db import transaction

        if not self.terms or not is_postgres():
            return Paginator(self, per_page).get_page(number)
        from django.utils import timezone

        recent = _remembered() if self._now_is_current else None
        if self._now_is_current:
            self.now = timezone.now()  # not before the generation was read: a notice falling due meanwhile counts
        key = tuple(self.terms)
        known = recent.get(key) if recent else None
        with transaction.atomic():
            if known:
                (self.total, self._unindexed_total, self._entries), self._ranked = known["count"], known.get("ranked")
            else:
                self.total, self._unindexed_total, self._entries = self._count()
            page = Paginator(self, per_page).get_page(number)
        if recent:
            recent.set(key, {"count": (self.total, self._unindexed_total, self._entries), "ranked": self._ranked})
        return page

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
            setting, sql, params = self._newest_sql(begin, stop)
            ids += [row[0] for row in _fetch(f"{setting}; {sql}", params)]
        return ids

    def ranked(self) -> list[int]:
        """The newest RANK_WINDOW matches, best first (title words weigh more), in one query."""
        if self._ranked is None:
            from .models import SearchEntry

            setting, window, params = self._newest_sql(0, RANK_WINDOW)
            entries = SearchEntry._meta.db_table
            sql = (
                f"{setting}; SELECT w.id FROM ({window}) w LEFT JOIN {entries} e ON e.notice_id = w.id "
                "ORDER BY ts_rank(e.vector, plainto_tsquery('simple', %s)) DESC NULLS LAST, "
                "w.publish_at DESC, w.id DESC"
            )
            self._ranked = [row[0] for row in _fetch(sql, [*params, " ".join(self.terms)])]
        return self._ranked

    # -- PostgreSQL ----------------------------------------------------------------
    def _parts(self):
        """The matching entries, and the matching live notices without a vector (usually none)."""
        from .models import Notice, SearchEntry

        # The entries are the LIVE statuses' only: publish_at completes NoticeQuerySet.live().
        entries = SearchEntry.objects.filter(vector=self.query, publish_at__lte=self.now)
        unindexed = Notice.objects.live(self.now).filter(Q(search_vector__isnull=True) & _icontains_q(self.terms))
        return entries, unindexed

    def _count(self) -> tuple[int, int, float]:
        """The true number of matches, of them without a vector, and of entries (the planner's
        estimate, for choosing how to read a page), in one statement. Sequential scans are off: a
        sequential scan of the entries would read every vector to test it, where the GIN index's
        bitmap gives the matches without reading a vector (≈ 2 s against 0.03 s for a word in most
        notices, which the planner misjudges)."""
        from .models import SearchEntry

        entries, unindexed = self._parts()
        e_sql, e_params = entries.order_by().values("pk").query.sql_with_params()
        u_sql, u_params = unindexed.order_by().values("pk").query.sql_with_params()
        sql = (
            f"SET LOCAL enable_seqscan = off; SELECT (SELECT count(*) FROM ({e_sql}) e), "
            f"(SELECT count(*) FROM ({u_sql}) u), "
            "(SELECT reltuples FROM pg_class WHERE oid = %s::regclass)"
        )
        total, unindexed_total, reltuples = _fetch(sql, [*e_params, *u_params, SearchEntry._meta.db_table])[0]
        return total + unindexed_total, unindexed_total, max(float(reltuples or 0), 0.0)

    def _newest_sql(self, start: int, stop: int) -> tuple[str, str, list]:
        """The planner settings, and the SQL of the ids and publish_at of the matches [start:stop],
        newest first.

        The entries are read along the date index when that walks few of them (the first pages of
        a common word), or through the GIN index and sorted (rarer words, deep pages), chosen from
        the counts rather than by the planner, whose guess of a word's frequency is rough and who
        does not know that testing an entry reads its vector."""
        entries, unindexed = self._parts()
        e_sql, e_params = entries.order_by().values_list("pk", "publish_at").query.sql_with_params()
        indexed = self.total - self._unindexed_total
        walked = stop * self._entries / max(indexed, 1)
        walk = walked <= indexed * WALK_PER_MATCH + WALK_BASE
        setting = "SET LOCAL enable_seqscan = off; " + (
            "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexscan = on"
            if walk
            else "SET LOCAL enable_bitmapscan = on; SET LOCAL enable_indexscan = off"
        )
        if self._unindexed_total:
            u_sql, u_params = unindexed.order_by().values_list("pk", "publish_at").query.sql_with_params()
            e_sql, e_params = f"({e_sql}) UNION ALL ({u_sql})", [*e_params, *u_params]
        sql = (
            f"SELECT * FROM ({e_sql}) m(id, publish_at) ORDER BY publish_at DESC, id DESC "
            f"LIMIT {int(stop - start)} OFFSET {int(start)}"
        )
        return setting, sql, list(e_params)

    # -- SQLite ----------------------------------------------------------------------
    def _sqlite_ids(self) -> list[int]:
        from .models import Notice

        published = Notice.objects.live(self.now)
        rows = _icontains(published, self.terms).order_by("-publish_at", "-id").values_list("pk", "title", "body")
        lowered = [t.lower() for t in self.terms]
        found = []
        for pk, title, body in rows:
            seen = f"{title} {plain_text(body)}".lower()  # what readers see, as on PostgreSQL
            if all(t in seen for t in lowered):
                found.append((-sum(1 for t in lowered if t in title.lower()), pk))
        if self.sort == "relevance":  # as on PostgreSQL: the newest RANK_WINDOW matches ranked, the rest by date
            found[:RANK_WINDOW] = sorted(found[:RANK_WINDOW], key=lambda row: row[0])  # stable: newest first
        return [pk for _score, pk in found]


class _Recent:
    """Counts and ranked windows of one generation's recent queries: bounded, as the queries are
    the readers' own words."""

    SIZE = 256

    def __init__(self):
        from collections import OrderedDict

        self._lock = threading.Lock()
        self._items: OrderedDict = OrderedDict()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key, value):
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.SIZE:
                self._items.popitem(last=False)


def _remembered() -> _Recent | None:
    """This process's counts for the current publication generation: kept in the page cache's
    memo (``notices.cache``), so dropped with it when any publication, edit, schedule, withdrawal
    or scheduled notice falling due changes the generation; off with the public page cache
    (``PUBLIC_CACHE_ENABLED``)."""
    from django.conf import settings

    from .cache import page_cache

    if not getattr(settings, "PUBLIC_CACHE_ENABLED", True):
        return None
    return page_cache.memo("search:recent", _Recent)


def _fetch(sql: str, params) -> list[tuple]:
    """Rows of one statement that may begin with SET LOCAL (psycopg sends both at once, and the
    setting lasts until the end of the enclosing transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
