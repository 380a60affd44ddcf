"""A secretary records a whole meeting in the browser: plan, attendance, criticism,
concluding speech, mark held, read the minutes."""

from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect


def _serious_violations(page):
    """Accessibility problems axe rates serious or critical in the page's main content."""
    results = Axe().run(page, context="main")
    return [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_secretary_records_the_whole_meeting(demo, page, live_server, login, screenshot):
    today = timezone.localdate().isoformat()
    login("secretary")

    # Plan the meeting
    page.goto(f"{live_server.url}/meetings/")
    page.get_by_role("link", name="Plan a meeting").click()
    page.select_option("#id_kind", "democratic_life")
    page.fill("#id_year", "2023")
    page.fill("#id_title", "2023 democratic life meeting of the party group")
    page.fill("#id_theme", "Take the lead in implementing the spirit of the 20th National Congress")
    page.fill("#id_held_on", today)
    page.fill("#id_location", "Municipal Government Conference Room 1")
    page.select_option("#id_presider", label="胡衡华")
    page.select_option("#id_previous_meeting", label="市政府党组2022年度民主生活会")
    page.get_by_role("button", name="Plan the meeting").click()
    expect(page.get_by_text("Meeting planned")).to_be_visible()
    expect(page.locator(".agenda-summary li")).to_have_count(5)
    page.get_by_role("button", name="Start preparation").click()
    expect(page.get_by_text("The meeting is now being prepared.")).to_be_visible()

    # Attendance sheet: everyone present but one, on leave with a reason
    page.get_by_role("link", name="Attendance", exact=True).click()
    page.get_by_label("Attendance: 李明").select_option("on_leave")
    page.get_by_role("button", name="Save the attendance sheet").click()
    expect(page.get_by_text("An absence needs a reason.")).to_be_visible()  # nothing saved, input kept
    expect(page.get_by_label("Attendance: 李明")).to_have_value("on_leave")
    assert _serious_violations(page) == []
    screenshot("meeting-attendance-sheet-error")
    page.get_by_label("Reason for absence: 李明").fill("Attending the State Council meeting in Beijing")
    page.get_by_label("Name (1)").fill("Supervision group of the municipal party committee")
    page.get_by_role("button", name="Save the attendance sheet").click()
    expect(page.get_by_text("6 should attend, 5 present")).to_be_visible()

    # Two criticisms
    page.get_by_role("link", name="Criticism", exact=True).click()
    page.select_option("#id_from_member", label="周伟")
    page.select_option("#id_to_member", label="陈静")
    page.fill("#id_content", "Go down to the grassroots more often and stay longer.")
    page.get_by_role("button", name="Record", exact=True).click()
    page.select_option("#id_from_member", label="陈静")
    page.select_option("#id_to_member", label="Self-criticism")
    page.fill("#id_content", "My study of theory was not linked closely enough to practice.")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.locator(".criticism-list li")).to_have_count(2)
    criticisms = page.locator(".criticism-list")
    expect(criticisms.get_by_role("link", name="Mark as a problem to rectify")).to_have_count(2)
    # 李明 was on leave: a criticism from him is refused, and the typed text is kept
    page.select_option("#id_from_member", label="李明")
    page.fill("#id_content", "Words never spoken in the meeting.")
    page.get_by_role("button", name="Record", exact=True).click()
    expect(page.get_by_text("李明 is marked on leave on the attendance sheet")).to_be_visible()
    expect(page.locator("#id_content")).to_have_value("Words never spoken in the meeting.")
    # Remove asks first; saying no keeps the record
    dialogs = []
    page.once("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    criticisms.get_by_role("button", name="Remove").first.click()
    expect(page.locator(".criticism-list li")).to_have_count(2)
    assert dialogs and "cannot be undone" in dialogs[0]

    # The concluding speech with three key points
    page.get_by_role("link", name="Speeches", exact=True).click()
    page.select_option("#id_kind", "concluding")
    page.select_option("#id_speaker", label="胡衡华")
    page.fill("#id_title", "Concluding speech")
    page.fill("#id_points-0-text", "First, we must talk about politics with a clear-cut stand.")
    page.fill("#id_points-1-text", "Second, we must grasp learning comprehensively and systematically.")
    page.fill("#id_points-2-text", "Third, we must perform our duties with due diligence.")
    screenshot("meeting-speech-form")
    assert _serious_violations(page) == []
    page.get_by_role("button", name="Save the speech").click()
    expect(page.get_by_text("Speech saved.")).to_be_visible()
    # The Speeches tab now lists it, with an edit link, above the form for the next one
    page.get_by_role("link", name="Speeches", exact=True).click()
    expect(page.locator(".speech-list .speech-row")).to_have_count(1)
    expect(page.locator(".speech-list")).to_contain_text("Concluding speech — 胡衡华")
    expect(page.locator(".speech-list").get_by_role("link", name="Edit")).to_be_visible()
    page.get_by_role("link", name="Record", exact=True).click()

    # Mark held (the readiness checklist is open: the secretary writes why), then read the minutes
    expect(page.locator(".readiness-checklist .checklist-item.is-open").first).to_contain_text("Open")
    page.get_by_label("Reason for holding the meeting with open checklist items").fill(
        "Materials are approved on paper."
    )
    page.get_by_role("button", name="Mark held").click()
    expect(page.get_by_text("The meeting is marked held.")).to_be_visible()
    expect(page.locator(".meeting-status")).to_have_text("held")
    points = page.locator(".concluding-speech .key-point")
    expect(points).to_have_count(3)
    expect(points.nth(2)).to_contain_text("Third, we must perform our duties")
    expect(page.locator(".criticism")).to_have_count(2)
    expect(page.get_by_text("Supervision group of the municipal party committee")).to_be_visible()
    screenshot("meeting-record-minutes")
    assert _serious_violations(page) == []

    page.get_by_role("link", name="Print view").click()
    expect(page.locator(".a4-sheet .concluding-speech .key-point")).to_have_count(3)
    screenshot("meeting-record-print")
    page.get_by_role("link", name="Back to the record").click()

    page.get_by_role("link", name="History", exact=True).click()
    expect(page.get_by_role("cell", name="Marked held with open checklist items")).to_be_visible()
    expect(page.get_by_role("cell", name="周伟").first).to_be_visible()
