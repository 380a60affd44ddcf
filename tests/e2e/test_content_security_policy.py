"""The site works under its Content-Security-Policy: every behaviour that needs JavaScript runs from
the site's own files (tests/e2e/conftest.py fails any browser test whose pages broke the policy).

The language selector, the print buttons, the confirmation before a removal, the newsroom's form and
the back office (autocomplete, calendar, inline rows, history) are clicked through here; the Word
import prompt, the newsroom preview and the meeting tabs in the other browser tests."""

import re

from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Meeting, PreparationActivity
from members.models import Organisation
from notices.models import Notice

ORG = "中共重庆市人民政府党组"


def test_the_browser_tests_catch_what_the_policy_blocks(transactional_db, page, live_server, csp_violations):
    page.goto(f"{live_server.url}/")
    page.evaluate(
        """() => {
            const script = document.createElement("script");
            script.textContent = "window.inlineRan = true";
            document.body.appendChild(script);
            document.body.setAttribute("style", "color: red");
        }"""
    )
    page.evaluate("0")  # delivers the reports
    assert page.evaluate("window.inlineRan") is None  # the inline script did not run
    assert any("script-src" in v for v in csp_violations), csp_violations
    assert any("style-src-attr" in v for v in csp_violations), csp_violations
    csp_violations.clear()  # expected here: this test must not fail at teardown


def test_the_language_selector_switches_the_site_to_chinese(transactional_db, page, live_server):
    page.goto(f"{live_server.url}/notices/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    assert page.url == f"{live_server.url}/notices/"


def _stub_print(page):
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")


def test_the_print_buttons_print(demo, page, live_server, login):
    notice = Notice.objects.filter(status=Notice.Status.PUBLISHED).order_by("pk").first()
    page.goto(live_server.url + notice.get_absolute_url())
    _stub_print(page)
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") == 1

    login("secretary")
    meeting = Meeting.objects.filter(organisation__name=ORG).order_by("pk").first()
    for path in [f"/meetings/{meeting.pk}/print/", "/rectification/print/"]:
        page.goto(live_server.url + path)
        _stub_print(page)
        page.get_by_role("button", name="Print").click()
        assert page.evaluate("window.printed") == 1, path


def test_removing_asks_first_and_goes_ahead_when_confirmed(demo, page, live_server, login):
    meeting = Meeting.objects.create(
        organisation=Organisation.objects.get(name=ORG),
        kind=Meeting.Kind.ORGANISATIONAL_LIFE,
        year=2024,
        title="Meeting being prepared",
        held_on=timezone.localdate(),
        status=Meeting.Status.PREPARING,
    )
    PreparationActivity.objects.create(meeting=meeting, title="Study of the Party Constitution")
    login("secretary")
    page.goto(f"{live_server.url}/meetings/{meeting.pk}/preparation/")
    study = page.locator(".study-list")
    expect(study).to_contain_text("Study of the Party Constitution")
    page.once("dialog", lambda dialog: dialog.dismiss())
    study.get_by_role("button", name="Remove").click()
    expect(study).to_contain_text("Study of the Party Constitution")
    page.once("dialog", lambda dialog: dialog.accept())
    study.get_by_role("button", name="Remove").click()
    expect(study).not_to_contain_text("Study of the Party Constitution")
    assert not PreparationActivity.objects.filter(meeting=meeting).exists()


def test_the_newsroom_form_has_its_look_from_the_sites_script(demo, page, live_server, login):
    notice = Notice.objects.order_by("pk").first()
    login("publisher")
    page.goto(f"{live_server.url}/meetings/notices/{notice.pk}/")
    expect(page.get_by_label("Title")).to_have_class(re.compile(r"\bform-control\b"))
    expect(page.get_by_label("Body")).to_have_class(re.compile(r"\bform-control\b"))


def test_the_back_office_works_under_the_policy(demo, page, live_server, login, screenshot):
    login("admin")
    page.goto(f"{live_server.url}/admin/meetings/meeting/add/")
    # The autocomplete (select2) for the organisation.
    page.locator(".field-organisation .select2-selection").click()
    page.keyboard.type("重庆市人民政府")
    page.get_by_role("option", name=re.compile("重庆市人民政府")).first.click()
    expect(page.locator(".field-organisation .select2-selection__rendered")).to_contain_text("重庆")
    page.get_by_label("Kind").select_option("organisational_life")
    page.get_by_label("Year covered").fill("2024")
    # The calendar shortcut and a new inline row.
    page.locator(".field-held_on .datetimeshortcuts a").first.click()
    expect(page.locator("#id_held_on")).to_have_value(timezone.localdate().isoformat())
    rows = page.locator("#agenda_items-group tr.form-row:not(.empty-form)")
    before = rows.count()
    page.locator("#agenda_items-group .add-row a").click()
    expect(rows).to_have_count(before + 1)
    screenshot("admin-under-csp")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # The list's select-all box and the history page.
    page.goto(f"{live_server.url}/admin/meetings/meeting/")
    page.locator("#action-toggle").check()
    expect(page.locator(".action-counter")).to_contain_text("selected")
    meeting = Meeting.objects.filter(organisation__name=ORG).order_by("pk").first()
    page.goto(f"{live_server.url}/admin/meetings/meeting/{meeting.pk}/history/")
    expect(page.locator("#content")).to_contain_text("history", ignore_case=True)
