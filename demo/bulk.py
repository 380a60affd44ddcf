"""Bulk data for benchmarks: many published notices, fast.

`generate_notices(count, organisations=None)` bulk-creates published notices with
realistic Chinese and English bodies (~500 characters, built from the field's stock
sentences), readable pinyin slugs, publication times spread over the past years, then
computes their search vectors in batches with `search.update_search_vectors`.
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

ZH_OPENINGS = [
    "{month}月{day}日，{org}召开{year}年度民主生活会。",
    "{month}月{day}日，{org}召开{year}年度组织生活会。",
    "{month}月{day}日，{org}召开{year}年度专题民主生活会。",
]
ZH_SENTENCES = [
    "会前，认真组织学习研讨，广泛征求意见建议，深入开展谈心谈话，紧扣会议主题撰写对照检查材料。",
    "会议通报了上一年度民主生活会整改措施落实情况和本次民主生活会征求意见情况。",
    "班子成员逐一进行对照检查，开展批评和自我批评，相互帮助、共同提高。",
    "会议强调，要建立整改台账，明确责任人和完成时限，确保整改落实到位。",
    "督导组到会指导并作点评，认为会议准备充分、主题鲜明、批评坦诚。",
    "要坚持以习近平新时代中国特色社会主义思想为指导，深入学习贯彻党的二十大精神。",
    "要持之以恒落实中央八项规定精神，锲而不舍纠治形式主义、官僚主义。",
    "要以此次民主生活会为新起点，增强团结、改进工作、履职尽责。",
    "要大兴调查研究之风，切实为基层减负，推动高质量发展。",
    "会议认为，这次民主生活会是一次深刻的思想洗礼、政治体检和党性锻炼。",
]
EN_SENTENCES = [
    "The meeting reviewed the implementation of the rectification measures of the previous meeting.",
    "Members made their comparison inspections one by one and carried out criticism and self-criticism.",
    "The supervision group attended the meeting and gave guidance.",
    "The meeting called for a rectification ledger with a responsible member and a deadline for every item.",
    "Heart-to-heart talks were held among all members before the meeting.",
]
ORG_NAMES = ["市政府党组", "区政府党组", "市发展改革委党组", "市教委党组", "市卫生健康委党组", "市财政局党组"]


def _title(org_name: str, year: int, rng: random.Random) -> str:
    kind = rng.choice(["民主生活会", "组织生活会", "专题民主生活会"])
    if rng.random() < 0.2:
        return f"{org_name} holds the {year} democratic life meeting"
    return f"{org_name}召开{year}年度{kind}"


def _body(org_name: str, year: int, held: datetime.date, rng: random.Random) -> str:
    parts = [rng.choice(ZH_OPENINGS).format(month=held.month, day=held.day, org=org_name, year=year)]
    parts += rng.sample(ZH_SENTENCES, k=6)
    paragraphs = ["".join(parts[:2]), "".join(parts[2:5]), "".join(parts[5:])]
    paragraphs.append(" ".join(rng.sample(EN_SENTENCES, k=2)))
    return "\n\n".join(paragraphs)


def generate_notices(count: int, organisations=None, *, seed: int = 20230131, batch_size: int = 2000) -> int:
    """Create `count` published notices (spread over the given organisations, or a few
    made-up ones); returns how many were created."""
    rng = random.Random(seed)
    if organisations is None:
        organisations = [
            Organisation.objects.get_or_create(
                name=name, defaults={"kind": Organisation.Kind.PARTY_GROUP, "source_organ": name.replace("党组", "")}
            )[0]
            for name in ORG_NAMES
        ]
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
            title = _title(org_name, year, rng)
            if title not in slugs:
                slugs[title] = make_slug(title)
            held = timezone.localtime(publish_at).date() - datetime.timedelta(days=1)
            rows.append(
                Notice(
                    organisation=org,
                    title=title,
                    slug=slugs[title],
                    source_organ=org.source_organ or org_name,
                    dateline=timezone.localtime(publish_at).date(),
                    body=_body(org_name, year, held, rng),
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
