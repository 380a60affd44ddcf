"""The back office keeps Django's look, with our two accessibility fixes loaded on every page."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from tests.factories import MemberFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def test_every_back_office_page_loads_the_accessibility_fixes(client, superuser):
    member = MemberFactory()
    MembershipFactory(member=member)
    client.force_login(superuser)
    for url in (reverse("admin:index"), reverse("admin:members_member_change", args=[member.pk])):
        page = client.get(url).content.decode()
        assert re.search(r'<link rel="stylesheet" href="[^"]*/css/admin-access\.css">', page), url
        assert 'id="site-name"' in page  # still Django's own header, not a page of ours
    css = open(finders.find("css/admin-access.css")).read()
    # Breadcrumb links underlined (told apart by more than colour); a wide inline table scrolls in its box.
    assert re.search(r"div\.breadcrumbs a\s*\{[^}]*text-decoration:\s*underline", css)
    assert re.search(r"\.inline-group \.tabular\s*\{[^}]*overflow-x:\s*auto", css)
