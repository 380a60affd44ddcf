"""The secretary drafts the notice of a held meeting; the publisher edits and publishes it;
an anonymous reader finds it on the home page, by a Chinese search term, and in the feed."""

import datetime
import re

from playwright.sync_api import expect

from meetings.models import Meeting
from members.models import Member, Organisation

ADDED = "会议强调，要建立整改台账，明确责任人和完成时限，抓好整改落实。"


def _held_meeting():
    org = Organisation.objects.get(name="中共重庆市人民政府党组")
    hu = Member.objects.get(name="胡衡华")
    return Meeting.objects.create(
        organisation=org,
        kind=Meeting.Kind.DEMOCRATIC_LIFE,
        year=2023,
        title="市政府党组2023年度民主生活会（补充会议）",
        held_on=datetime.date(2024, 1, 25),
        presider=hu,
        presider_posts=hu.posts,
        status=Meeting.Status.HELD,
    )


def _logout(page):
    page.locator(".navbar .dropdown-toggle").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_draft_edit_publish_and_read(demo, page, live_server, login, screenshot):
    meeting = _held_meeting()

    # The secretary drafts the notice from the meeting record.
    login("secretary")
    page.get_by_role("link", name="Newsroom").click()
    row = page.get_by_role("row", name=re.compile(re.escape(meeting.title)))
    row.get_by_role("link", name="Draft a notice").click()
    expect(page.locator(".notice-body")).to_contain_text("胡衡华")
    page.get_by_role("button", name="Draft the notice").click()
    expect(page.get_by_text("A first draft was written from the meeting record")).to_be_visible()
    title = page.get_by_label("Title").input_value()
    assert title == "市政府党组召开2023年度民主生活会"  # the record is Chinese: so is its draft, whole
    expect(page.get_by_role("button", name="Publish now")).to_have_count(0)  # secretaries do not publish
    screenshot("publishing-1-draft")
    _logout(page)

    # The publisher edits, previews and publishes it.
    login("publisher")
    page.get_by_role("link", name="Newsroom").click()
    page.get_by_role("link", name=title).click()
    body = page.get_by_label("Body")
    body.fill(body.input_value() + "\n\n" + ADDED + "\n\n<script>alert('x')</script>")
    page.get_by_role("button", name="Preview").click()
    expect(page.locator("#preview")).to_contain_text(ADDED)
    # The editor is told that the script will not be published, and the preview has no Print button.
    expect(page.locator("#sanitiser-warnings")).to_contain_text("<script>")
    expect(page.locator("#preview").get_by_role("button", name="Print")).to_have_count(0)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The notice was saved.")).to_be_visible()
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("The notice is published on the public site.")).to_be_visible()
    screenshot("publishing-2-published")
    _logout(page)

    # An anonymous reader finds it on the home page ...
    page.goto(f"{live_server.url}/")
    link = page.get_by_role("link", name=title)
    expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", name=title)).to_be_visible()
    expect(page.locator(".notice-body")).to_contain_text(ADDED)
    expect(page.locator(".notice-body script")).to_have_count(0)
    # A news page: masthead, breadcrumb, date and source, the latest notices beside it.
    expect(page.locator(".public-masthead")).to_contain_text("Meeting notices")
    expect(page.locator(".breadcrumb")).to_contain_text("Notices")
    expect(page.locator(".notice-date")).to_be_visible()
    expect(page.locator(".latest-notices li").first).to_be_visible()
    expect(page.get_by_role("button", name="Print")).to_be_visible()
    screenshot("publishing-3-notice-page")

    # ... by a Chinese search term ...
    search = page.get_by_role("searchbox", name="Search notices").first
    search.fill("整改台账")
    search.press("Enter")
    expect(page.locator(".search-results")).to_contain_text(title)
    expect(page.locator(".search-results mark").first).to_have_text("整改台账")
    screenshot("publishing-4-search")

    # ... and in the Atom feed.
    feed = page.request.get(f"{live_server.url}/notices/feed/")
    assert feed.ok and "application/atom+xml" in feed.headers["content-type"]
    assert title in feed.text()
