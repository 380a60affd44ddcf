"""A member writes and submits her material; the secretary returns it with a comment; she revises and
resubmits; the secretary compares the two revisions and approves it."""

import datetime
import re

from playwright.sync_api import expect

from materials.models import InspectionMaterial
from meetings.models import Attendance, Meeting
from members.models import Member, Organisation
from tests.materials.samples import SAMPLE_DOCX, make_docx


def _planned_meeting():
    """A fresh 2023 meeting of the municipal group (in the demo every 2022 material is already approved)."""
    municipal = Organisation.objects.get(name="中共重庆市人民政府党组")
    previous = Meeting.objects.get(organisation=municipal, year=2022, kind=Meeting.Kind.DEMOCRATIC_LIFE)
    hu = Member.objects.get(name="胡衡华")
    meeting = Meeting.objects.create(
        organisation=municipal,
        year=2023,
        title="市政府党组2023年度民主生活会（补充会议）",
        theme="Study and implement the thought on socialism with Chinese characteristics for a new era",
        aspects="Strengthening theoretical study\nServing the people\nStyle of work",
        held_on=datetime.date(2024, 1, 25),
        presider=hu,
        previous_meeting=previous,
        status=Meeting.Status.PREPARING,
    )
    for order, name in enumerate(["胡衡华", "周伟", "陈静"], start=1):
        Attendance.objects.create(meeting=meeting, member=Member.objects.get(name=name), order=order)
    return meeting


def _switch_user(page, login, username):
    page.context.clear_cookies()
    login(username)


def test_member_writes_secretary_returns_member_revises_secretary_approves(demo, page, live_server, login, screenshot):
    meeting = _planned_meeting()

    # The member finds the meeting on her dashboard and starts writing.
    login("member")
    upcoming = page.locator("section.card", has=page.get_by_role("heading", name=re.compile("My upcoming meetings")))
    upcoming.get_by_role("link", name=meeting.title).click()
    expect(page.locator("#minutes-title")).to_have_text(meeting.title)  # the meeting page
    page.get_by_role("link", name="Comparison-inspection materials").click()
    page.get_by_role("link", name="Write my material").click()
    page.get_by_role("button", name="Start writing").click()
    expect(page.get_by_label("Serving the people")).to_be_visible()

    page.get_by_label("Serving the people").fill("- My research at the grassroots was sometimes hurried.")
    page.get_by_label("Causes").fill("I relaxed the tempering of party spirit.")
    page.get_by_label("Rectification measures").fill("1. Go to the grassroots every month.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    screenshot("material-editor")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your material was submitted for review.")).to_be_visible()
    expect(page.locator(".material-status")).to_have_text("submitted")

    # The secretary reviews it from her dashboard and returns it with a comment.
    _switch_user(page, login, "secretary")
    waiting = page.locator("section.card", has=page.get_by_role("heading", name=re.compile("waiting for my review")))
    waiting.get_by_role("link", name=re.compile("陈静")).click()
    expect(page.get_by_text("My research at the grassroots was sometimes hurried.")).to_be_visible()
    expect(page.get_by_role("link", name="Mark a problem to rectify")).to_be_visible()
    page.get_by_label("Comments for the author").fill("Please analyse the deeper causes in your thinking.")
    screenshot("material-review")
    page.get_by_role("button", name="Return with comments").click()
    expect(page.get_by_text("The material was returned to 陈静.")).to_be_visible()

    # The member sees the comment beside her text, revises and resubmits.
    _switch_user(page, login, "member")
    page.get_by_role("link", name=re.compile("Revise: ")).click()
    expect(page.locator(".review-comments")).to_contain_text("Please analyse the deeper causes in your thinking.")
    page.get_by_label("Causes").fill(
        "I relaxed the tempering of party spirit, and my sense of purpose weakened under daily pressure."
    )
    screenshot("material-revise-with-comments")
    # Importing a Word file over typed text asks first; saying no keeps the page as it is.
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.set_input_files(
        "#id_import_file",
        files=[{"name": "offline.docx", "mimeType": "application/octet-stream", "buffer": make_docx(SAMPLE_DOCX)}],
    )
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.get_by_label("Causes")).to_have_value(re.compile("sense of purpose weakened"))
    assert dialogs and "The editor already has text." in dialogs[0]
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_text("Your material was submitted for review.")).to_be_visible()

    # The secretary compares the two revisions, then approves.
    _switch_user(page, login, "secretary")
    material = InspectionMaterial.objects.get(meeting=meeting, author__name="陈静")
    page.goto(live_server.url + material.get_absolute_url())
    page.get_by_role("link", name="Compare revisions").click()
    diff = page.locator(".material-diff")
    expect(diff).to_contain_text("Revision 1")
    expect(diff).to_contain_text("Revision 2")
    expect(diff.locator(".diff_add, .diff_chg").first).to_be_visible()
    expect(diff).to_contain_text("sense of purpose weakened")
    expect(diff.locator(".diff_next")).to_have_count(0)
    expect(diff).to_contain_text(re.compile(r"Revision 1 · submitted \d{4}-\d\d-\d\d"))
    expect(page.locator(".older-comments")).to_contain_text("Please analyse the deeper causes in your thinking.")
    screenshot("material-diff")
    page.go_back()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text("The material of 陈静 was approved.")).to_be_visible()
    expect(page.locator(".material-status")).to_have_text("approved")
    material.refresh_from_db()
    assert material.status == InspectionMaterial.Status.APPROVED
    assert material.revisions.count() == 2
