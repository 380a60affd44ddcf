"""Bulk data for benchmarks: many published notices, fast.

`generate_notices(count, organisations=None)` bulk-creates published notices with
realistic Chinese (and some English) bodies of 400–800 characters, combined by
`demo.corpus` from sizeable lists of places, organisations, people, posts, themes,
problems and measures in many sentence shapes (no two notices alike), readable pinyin
slugs, publication times spread over the past years, then computes their search vectors
in batches with `search.update_search_vectors`.
The rectification helper's `generate_data --notices N` calls it.
"""

from __future__ import annotations

import datetime
import random

from django.db import connection, transaction
from django.utils import timezone

from members.models import Organisation
from notices import cache, search
from notices.models import Notice
from notices.services import make_slug

from .corpus import notice_text, organisation_name

#: How many made-up organisations publish, when none are given.
ORGANISATIONS = 120


def _organisations(rng: random.Random) -> list[Organisation]:
    names = []
    while len(names) < ORGANISATIONS:
        name = organisation_name(rng)
        if name not in names:
            names.append(name)
    existing = {o.name: o for o in Organisation.objects.filter(name__in=names)}
    Organisation.objects.bulk_create(
        [
            Organisation(name=name, kind=Organisation.Kind.PARTY_GROUP, source_organ=name.removesuffix("党组"))
            for name in names
            if name not in existing
        ]
    )
    return list(Organisation.objects.filter(name__in=names))


def generate_notices(count: int, organisations=None, *, seed: int = 20230131, batch_size: int = 2000) -> int:
    """Create `count` published notices (spread over the given organisations, or a few
    made-up ones); returns how many were created."""
    rng = random.Random(seed)
    if organisations is None:
        organisations = _organisations(rng)
    organisations = list(organisations)
    now = timezone.now()
    slugs: dict[str, str] = {}
    created = 0
    first_id = None
    while created < count:
        rows = []
        for _ in range(min(batch_size, count - created)):
            org = rng.choice(organisations)
            org_name = org.short_name or org.name
            publish_at = now - datetime.timedelta(minutes=rng.randint(60, 60 * 24 * 365 * 8))
            year = timezone.localtime(publish_at).year - 1
            held = timezone.localtime(publish_at).date() - datetime.timedelta(days=1)
            title, body = notice_text(rng, org_name, year=year, held=held)
            if title not in slugs:
                slugs[title] = make_slug(title)
            rows.append(
                Notice(
                    organisation=org,
                    title=title,
                    slug=slugs[title],
                    source_organ=org.source_organ or org_name,
                    dateline=timezone.localtime(publish_at).date(),
                    body=body,
                    status=Notice.Status.PUBLISHED,
                    publish_at=publish_at,
                )
            )
        with transaction.atomic():
            made = Notice.objects.bulk_create(rows)
        if first_id is None and made and made[0].pk:
            first_id = made[0].pk
        created += len(rows)
    new = Notice.objects.filter(search_vector__isnull=True)
    if first_id is not None:
        new = new.filter(pk__gte=first_id)
    search.update_search_vectors(new, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # fresh statistics, so the planner picks the right search plan
            cursor.execute(f"ANALYZE {Notice._meta.db_table}")
    cache.bump_generation()
    return created
