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
