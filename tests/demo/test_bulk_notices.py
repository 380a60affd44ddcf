"""Bulk notices for benchmarks (demo.bulk.generate_notices)."""

import pytest

from demo.bulk import generate_notices
from notices.models import Notice
from tests.factories import OrganisationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]


def test_generate_notices_makes_published_searchable_notices(client):
    org = OrganisationFactory(name="Bulk party group")
    assert generate_notices(30, organisations=[org], batch_size=7) == 30
    notices = Notice.objects.live().filter(organisation=org)
    assert notices.count() == 30
    sample = notices.first()
    assert 300 <= len(sample.body) <= 900 and sample.slug and sample.source_organ
    assert any("\u4e00" <= ch <= "\u9fff" for ch in sample.body)
    html = client.get("/search/", {"q": "整改"}).content.decode()
    assert "notices found" in html and "No notice matches" not in html


def test_generated_notices_vary_as_real_ones_do(client):
    """Many places, organisations, people and sentences, not a few stock ones; a place or a person
    is found in a few notices, a common word in many."""
    import re

    from demo import corpus

    assert generate_notices(200) == 200
    notices = list(Notice.objects.live().values_list("title", "body", "organisation__name"))
    sentences = {s for _t, body, _o in notices for s in re.split(r"[。\n]", body) if s.strip()}
    assert len(sentences) > 1500  # about ten sentences a notice, nearly all different
    assert len({title for title, _b, _o in notices}) > 180
    assert len({org for _t, _b, org in notices}) > 60
    text = "".join(body for _t, body, _o in notices)
    assert sum(place in text for place in corpus.PLACES) > 30
    for _title, body, _org in notices:
        assert 300 <= len(body) <= 1200
    # Search tells them apart: 整改 is everywhere, one town in a handful of notices.
    everywhere = client.get("/search/", {"q": "整改"}).content.decode()
    assert re.search(r"(\d+) notices found", everywhere).group(1) in {str(n) for n in range(150, 201)}
    town = next(t for t in corpus.TOWNS if 0 < text.count(t) < 20)
    few = int(re.search(r"(\d+) notices? found", client.get("/search/", {"q": town}).content.decode()).group(1))
    assert 1 <= few < 20
