"""Search shows the true number of matches and pages through all of them, by relevance or by date."""

import re

import pytest

from notices import search as notice_search
from notices.models import Notice
from notices.search import update_search_vectors

from .search_helpers import dated_notices

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]


def _titles(html: str) -> list[str]:
    return re.findall(
        r"第(\d{3})号通知", re.sub(r"</?mark>", "", html.split('class="list-unstyled search-results"')[1])
    )


def _all_pages(client, **params) -> list[str]:
    seen, page = [], 1
    while True:
        html = client.get("/search/", {"q": "整改", "page": page, **params}).content.decode()
        seen += _titles(html)
        if "下一页" not in html and ">Next<" not in html:
            return seen
        page += 1


def test_the_true_number_of_matches_is_shown_beyond_the_old_cap_of_200(client):
    dated_notices(230)
    html = client.get("/search/", {"q": "整改"}).content.decode()
    assert re.search(r"230", html.split('id="search-summary"')[1][:200])
    last = client.get("/search/", {"q": "整改", "page": 23, "sort": "date"}).content.decode()
    assert _titles(last) == [f"{n:03d}" for n in range(220, 230)]  # the oldest ones, reachable


def test_paging_by_date_shows_every_match_once_newest_first(client):
    dated_notices(25)
    assert _all_pages(client, sort="date") == [f"{n:03d}" for n in range(25)]


def test_paging_by_relevance_ranks_the_window_then_the_rest_by_date(client, monkeypatch):
    """The newest RANK_WINDOW matches are ranked (a title match first); older ones follow by date."""
    monkeypatch.setattr(notice_search, "RANK_WINDOW", 8)
    dated_notices(25)
    old_title_match = Notice.objects.get(title="第020号通知")  # outside the window: stays in date order
    recent_title_match = Notice.objects.get(title="第005号通知")
    for notice in (old_title_match, recent_title_match):
        notice.title = notice.title + "：整改"
        notice.save()
    update_search_vectors(Notice.objects.filter(pk__in=[old_title_match.pk, recent_title_match.pk]))
    order = _all_pages(client)  # relevance is the default
    assert order[0] == "005"  # the title match ranks first within the window
    assert sorted(order[:8]) == [f"{n:03d}" for n in range(8)]
    assert order[8:] == [f"{n:03d}" for n in range(8, 25)]
    assert len(order) == len(set(order)) == 25


def test_the_page_offers_both_orders_and_keeps_the_order_while_paging(client):
    dated_notices(12)
    html = client.get("/search/", {"q": "整改"}).content.decode()
    assert 'id="search-sort"' in html
    assert "sort=date" in html  # the switch to the other order
    by_date = client.get("/search/", {"q": "整改", "sort": "date"}).content.decode()
    assert "sort=relevance" in by_date
    assert re.search(r'href="\?q=[^"]*sort=date[^"]*page=2"', by_date.replace("&amp;", "&"))
    # An unknown order is the default one, never an error.
    assert client.get("/search/", {"q": "整改", "sort": "random"}).status_code == 200
