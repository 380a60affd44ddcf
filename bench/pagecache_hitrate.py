"""How often a signed-in page is served from the page cache while others write (bench/pages.md).

40 party groups, each secretary reading their meeting record and dashboard at random, 1,200 reads; every
10th read a random group's meeting is saved and its secretary POSTs. A hit is a page answered with the
kept page's 3 queries. "global" replays the design before per-organisation versions (every change
raises the one number for all); "per-organisation" is the code as it is. Run with pytest (it needs the
test database):

    .venv/bin/python -m pytest -q -s -p no:randomly bench/pagecache_hitrate.py
"""

import random

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from meetings.models import Meeting
from members import pagecache
from members.models import Membership
from tests.factories import MeetingFactory, MemberFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

ORGS, READS, WRITE_EVERY = 40, 1200, 10


@pytest.mark.parametrize("mode", ["global", "per-organisation"])
def test_hit_rate(mode, monkeypatch):
    if mode == "global":
        monkeypatch.setattr(pagecache, "scopes_of_change", lambda *a, **k: None)
        monkeypatch.setattr(pagecache, "scopes_written_by", lambda *a, **k: None)
    rng = random.Random(7)
    people = []
    for i in range(ORGS):
        org = OrganisationFactory()
        user = UserFactory(username=f"s{i}")
        MembershipFactory(member=MemberFactory(user=user), organisation=org, role=Membership.Role.SECRETARY)
        meeting = MeetingFactory(organisation=org, status=Meeting.Status.PREPARING)
        client = Client()
        client.force_login(user)
        people.append((client, meeting, reverse("meetings:detail", args=[meeting.pk]), reverse("dashboard")))
    hits = reads = 0
    for n in range(READS):
        client, meeting, record, dashboard = rng.choice(people)
        url = rng.choice([record, dashboard])
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        reads += 1
        hits += len(ctx.captured_queries) == 3
        if n % WRITE_EVERY == 0:  # someone in a random organisation saves something
            writer, m, _r, _d = rng.choice(people)
            m = Meeting.objects.get(pk=m.pk)
            m.location = f"Room {n}"
            m.save()
            writer.post(reverse("set_language"), {"language": "en", "next": "/"})  # the write's own POST
    rate = f"{hits}/{reads} = {hits / reads:.1%}"
    print(f"\nHITRATE {mode}: {rate} ({ORGS} organisations, a write every {WRITE_EVERY} reads)")
