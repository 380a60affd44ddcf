"""From a reviewed material's problem to a verified item, the ledger and the next meeting's report."""

import datetime
import re

from playwright.sync_api import expect

from materials.models import InspectionMaterial
from meetings.models import Meeting
from meetings.signals import meeting_held
from rectification.models import RectificationItem

MEASURE = "Spend twenty days a year researching at the grassroots, with written reports"


def _logout(page):
    page.locator(".navbar .dropdown-toggle").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()


def test_problem_to_verified_item_to_report_back(demo, page, live_server, login, screenshot):
    material = InspectionMaterial.objects.get(
        author__name="陈静",
        on_behalf_of_group=False,
        meeting__organisation__name="中共重庆市人民政府党组",
        meeting__year=2022,
    )
    meeting = material.meeting
    deadline = (datetime.date.today() + datetime.timedelta(days=60)).isoformat()

    # The secretary turns a problem of 陈静's reviewed material into a rectification item.
    login("secretary")
    page.goto(f"{live_server.url}/rectification/problems/new/?material={material.pk}")
    expect(page.get_by_role("heading", name="Record a problem")).to_be_visible()
    page.get_by_label("Description").fill("Research at the grassroots was sometimes hurried")
    page.get_by_role("button", name="Record the problem").click()
    expect(page.get_by_text("Problem recorded. Now set its rectification measure.")).to_be_visible()
    page.get_by_label("Measure").fill(MEASURE)
    page.get_by_label("Deadline").fill(deadline)
    page.get_by_role("button", name="Add the item").click()
    expect(page.get_by_role("heading", name=MEASURE)).to_be_visible()
    item = RectificationItem.objects.get(measure=MEASURE)
    assert item.responsible_member.name == "陈静" and item.problem.material == material
    _logout(page)

    # The member reports 50 %, then done, from their dashboard.
    login("member")
    page.get_by_role("link", name=re.compile("Spend twenty days a year")).click()
    page.get_by_label("What was done").fill("Ten days of research done, two reports written")
    page.get_by_label("Progress (%)").fill("50")
    page.get_by_role("button", name="Report progress").click()
    expect(page.get_by_text("Progress reported.")).to_be_visible()
    expect(page.locator(".item-status")).to_have_text("in progress")
    page.get_by_label("What was done").fill("Twenty days done, reports filed")
    page.get_by_label("Progress (%)").fill("100")
    page.get_by_label("Finished: ask for verification").check()
    page.get_by_role("button", name="Report progress").click()
    expect(page.locator(".item-status")).to_have_text("done, awaiting verification")
    screenshot("rectification-item-done")
    _logout(page)

    # The secretary verifies it.
    login("secretary")
    page.goto(f"{live_server.url}/rectification/items/{item.pk}/")
    page.get_by_label("Confirmed: close the item").check()
    page.get_by_label("Comment (required when not confirmed)").fill("Reports checked")
    page.get_by_role("button", name="Record verification").click()
    expect(page.get_by_text("Verification recorded.")).to_be_visible()
    expect(page.locator(".item-status")).to_have_text("verified")
    expect(page.locator(".item-history")).to_contain_text("Verified")

    # The ledger shows it completed.
    page.goto(f"{live_server.url}/rectification/?status=verified")
    row = page.locator(".ledger-row", has_text="Spend twenty days a year")
    expect(row).to_contain_text("verified")
    expect(row.locator(".progress-label")).to_have_text("100%")
    screenshot("rectification-ledger")

    # From the meeting's page, its Rectification tab leads to the meeting's ledger, and that to its plan.
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    page.get_by_role("link", name="Rectification", exact=True).click()
    header = page.locator(".ledger-meeting")
    expect(header).to_contain_text(str(meeting))
    expect(header.get_by_role("link", name="Record a problem")).to_be_visible()
    expect(header.get_by_role("link", name="Back to the meeting")).to_be_visible()
    screenshot("rectification-ledger-of-a-meeting")
    header.get_by_role("link", name="Rectification plan").click()
    expect(page.get_by_role("heading", name=item.plan.title)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Spend twenty days a year"))).to_be_visible()

    # The next meeting is held: its report on the previous rectification shows the item completed.
    follow_up = Meeting.objects.create(
        organisation=meeting.organisation,
        year=meeting.year + 1,
        title="2023 democratic life meeting of the party group",
        held_on=datetime.date.today(),
        previous_meeting=meeting,
        status=Meeting.Status.HELD,
    )
    meeting_held.send(sender=Meeting, meeting=follow_up, by=None)
    page.goto(f"{live_server.url}/rectification/meetings/{follow_up.pk}/report-back/")
    entry = page.locator(".report-back-entry", has_text="Spend twenty days a year")
    expect(entry).to_contain_text("verified")
    expect(page.locator(".report-back-totals")).to_contain_text(re.compile(r"7 measures: 2 verified"))
    screenshot("rectification-report-back")
