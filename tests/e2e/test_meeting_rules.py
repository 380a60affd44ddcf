"""The rules a party group's meeting runs by, walked in the browser on the demo's seed organisation.

The municipal party committee (中共重庆市委员会, account "committee") sees the roll-up of both demo
party groups and signs off a member's material; the readiness checklist refuses "held" while a
material waits for approval and a talk is missing; the secretary (the group's deputy secretary: its
secretary 胡衡华 has no account) records the talk, approves the material and drafts the group's
material on 胡衡华's behalf; the meeting is marked held over the open checklist lines with a written
reason, which the minutes keep; a problem of the group's material becomes a rectification item in one
click; the member reports it done and the deputy verifies it; the report after the meeting is drafted,
approved and filed; the meeting closes. A second test signs members in with the meeting's QR code.

The meeting walked is the seed organisation's 2023 meeting, in preparation in the demo (the seed's own
2022 meeting is already held there), whose previous meeting is the seed's.
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from materials.models import InspectionMaterial
from meetings.models import CriticismRecord, HeartToHeartTalk, Meeting, Speech
from members.models import Member
from tests.e2e.conftest import DEMO_PASSWORD, REPORT_VIOLATIONS

pytestmark = pytest.mark.django_db(transaction=True)

MEETING = "市政府党组2023年度民主生活会"
GROUP = "中共重庆市人民政府党组"
DISTRICT = "中共重庆市渝中区人民政府党组"
PROBLEMS = ["对党的创新理论学用结合还不够紧密。", "调查研究有时浮在面上。"]
MEASURES = ["1. 每季度开展一次专题学习研讨。", "2. 班子成员每年到基层调研不少于20天。"]
REASON = "上级党委已口头同意召开，书面意见随后补充；学习研讨和征求意见已另行记录在案。"


class Browsers:
    """One browser context per person (English pages), each failing the test on a CSP violation."""

    def __init__(self, browser, base_url):
        self.browser, self.base_url, self.contexts, self.violations = browser, base_url, [], []

    def open(self, username):
        context = self.browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        context.expose_binding("__reportCspViolation", lambda source, text: self.violations.append(text))
        context.add_init_script(REPORT_VIOLATIONS)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.goto(f"{self.base_url}/accounts/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form button[type=submit]:has-text('Log in')")
        expect(page.get_by_role("heading", name="What is waiting for me")).to_be_visible()
        return page

    def close(self):
        for context in self.contexts:
            for page in context.pages:
                page.evaluate("0")
            context.close()


@pytest.fixture
def people(demo, browser, live_server):
    crowd = Browsers(browser, live_server.url)
    yield crowd
    crowd.close()
    if crowd.violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(crowd.violations)))


def _field(scope, label):
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def _arrange(meeting):
    """What the walk does not test, as the secretary would have recorded it: the date, four members'
    approved materials, four of the five talks, the agenda, each member's self-criticism, the concluding
    speech. 李明's material stays submitted and his talk with 胡衡华 unrecorded."""
    today = timezone.localdate()
    meeting.held_on = today - datetime.timedelta(days=1)
    meeting.save()
    hu = Member.objects.get(name="胡衡华")
    members = [a.member for a in meeting.attendances.filter(member__isnull=False).select_related("member")]
    now = timezone.now()
    for member in members:
        if member.name == "李明":
            continue
        InspectionMaterial.objects.update_or_create(
            meeting=meeting,
            author=member,
            on_behalf_of_group=False,
            defaults={
                "title": f"{member.name}同志个人对照检查材料",
                "problem_sections": [{"aspect": a, "text": "- 学习有时不够系统。"} for a in meeting.aspect_list],
                "causes": "党性锻炼有所放松。",
                "measures": "1. 坚持学习在先。",
                "status": InspectionMaterial.Status.APPROVED,
                "submitted_at": now,
                "approved_at": now,
            },
        )
        if member != hu and member.name != "李明":
            HeartToHeartTalk.objects.get_or_create(meeting=meeting, member_a=hu, member_b=member)
        CriticismRecord.objects.create(meeting=meeting, from_member=member, content="对照检查，作自我批评。")
    CriticismRecord.objects.create(meeting=meeting, from_member=Member.objects.get(name="李明"), content="自我批评。")
    Speech.objects.create(meeting=meeting, speaker=hu, kind=Speech.Kind.CONCLUDING, title="总结讲话", order=1)
    from meetings.services import agenda_apply_standard
    from members.models import Membership

    deputy = Membership.objects.get(organisation=meeting.organisation, member__name="周伟").member.user
    if not meeting.agenda_items.exists():
        agenda_apply_standard(meeting=meeting, by=deputy)
    return meeting


def test_the_meeting_runs_by_the_rules(people, live_server):
    meeting = _arrange(Meeting.objects.get(title=MEETING))
    url = f"{live_server.url}/meetings/{meeting.pk}/"
    li_material = InspectionMaterial.objects.get(meeting=meeting, author__name="李明")

    # ---- The municipal committee sees both groups' roll-up and signs off 李明's material.
    committee = people.open("committee")
    committee.get_by_role("link", name="Roll-up of the organisations below").click()
    rows = committee.locator("tr.rollup-row")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text=GROUP)).to_contain_text(MEETING)
    expect(rows.filter(has_text=DISTRICT)).to_contain_text("渝中区政府党组2022年度民主生活会")
    expect(rows.filter(has_text=GROUP).locator(".materials-approved")).to_contain_text("5 of 7")
    rows.filter(has_text=GROUP).locator(".materials-approved a").click()
    committee.get_by_role("link", name=re.compile("李明同志")).click()
    committee.get_by_label("agreed", exact=True).check()
    _field(committee, "Comments").fill("问题查摆具体，同意。")
    committee.get_by_role("button", name="Sign off").click()
    expect(committee.locator(".sign-offs")).to_contain_text("问题查摆具体，同意。")
    # Read-only: the committee is offered no review and no editing of the record.
    expect(committee.get_by_role("button", name="Approve")).to_have_count(0)
    committee.goto(f"{url}edit/")
    expect(committee.locator("body")).not_to_contain_text("Save")

    # ---- The checklist refuses "held" while a material waits and a talk is missing.
    secretary = people.open("secretary")
    secretary.goto(url)
    checklist = secretary.locator("main")
    expect(checklist).to_contain_text("胡衡华 with 李明")
    expect(checklist).to_contain_text("李明 (submitted)")
    secretary.get_by_role("button", name="Mark held").click()
    expect(secretary.locator(".alert-danger, .alert-error, [role=alert]").first).to_contain_text("Not yet")
    expect(secretary.locator(".meeting-status")).to_have_text("preparing")

    # The talk is recorded, and the material (signed off above) approved.
    secretary.goto(f"{url}preparation/")
    _field(secretary, "Member").select_option(label="胡衡华")
    _field(secretary, "Talked with").select_option(label="李明")
    secretary.get_by_role("button", name="Record the talk").click()
    expect(secretary.get_by_text("Heart-to-heart talk recorded.")).to_be_visible()
    secretary.goto(f"{url}materials/")
    expect(secretary.locator("tr", has_text="李明").locator(".sign-off-cell")).to_contain_text("杨帆")
    secretary.goto(f"{live_server.url}/meetings/materials/{li_material.pk}/")
    secretary.get_by_role("button", name="Approve").click()
    expect(secretary.get_by_text("was approved")).to_be_visible()

    # ---- The secretary drafts the group's material for 胡衡华, who has no account.
    secretary.goto(f"{url}materials/")
    secretary.get_by_role("button", name="Draft the group's material for 胡衡华").click()
    _field(secretary, meeting.aspect_list[0]).fill("\n".join(f"- {p}" for p in PROBLEMS))
    _field(secretary, "Causes").fill("理论学习不够深入。")
    _field(secretary, "Rectification measures").fill("\n".join(MEASURES))
    secretary.get_by_role("button", name="Submit for review").click()
    expect(secretary.get_by_text("Your material was submitted for review.")).to_be_visible()
    group_material = InspectionMaterial.objects.get(meeting=meeting, on_behalf_of_group=True)
    secretary.goto(f"{live_server.url}/meetings/materials/{group_material.pk}/")
    expect(secretary.locator(".drafted-on-behalf")).to_contain_text("Drafted on behalf of 胡衡华 by 周伟")
    secretary.get_by_role("button", name="Approve").click()
    expect(secretary.get_by_text("was approved")).to_be_visible()

    # ---- Held over the open lines (study, opinions, consent) with a written reason, which the minutes keep.
    secretary.goto(url)
    expect(secretary.locator("main")).not_to_contain_text("胡衡华 with 李明")
    secretary.locator("#id_override_reason").fill(REASON)
    secretary.get_by_role("button", name="Mark held").click()
    expect(secretary.locator(".meeting-status")).to_have_text("held")
    expect(secretary.locator(".hold-override")).to_contain_text(REASON)

    # ---- A problem of the group's material becomes a rectification item in one click.
    secretary.goto(f"{live_server.url}/meetings/materials/{group_material.pk}/")
    secretary.locator(".listed-problem", has_text=PROBLEMS[1]).get_by_role(
        "button", name="Propose a rectification item"
    ).click()
    expect(_field(secretary, "Measure")).to_have_value("班子成员每年到基层调研不少于20天。")
    _field(secretary, "Responsible member").select_option(label="陈静")
    _field(secretary, "Deadline").fill((timezone.localdate() + datetime.timedelta(days=90)).isoformat())
    secretary.get_by_role("button", name="Add the item").click()
    expect(secretary.locator(".who-verifies")).to_contain_text("周伟")
    item_url = secretary.url

    # ---- 陈静 reports it done; the deputy (周伟) verifies it.
    chen = people.open("member")
    chen.goto(item_url)
    _field(chen, "What was done").fill("已到基层调研22天。")
    _field(chen, "Progress (%)").fill("100")
    _field(chen, "Finished: ask for verification").check()
    chen.get_by_role("button", name="Report progress").click()
    expect(chen.locator(".item-status")).to_have_text("done, awaiting verification")
    secretary.goto(item_url)
    secretary.get_by_label("Confirmed: close the item").check()
    secretary.get_by_role("button", name="Record verification").click()
    expect(secretary.locator(".item-status")).to_have_text("verified")

    # ---- The report after the meeting: drafted from the record, approved, filed.
    secretary.goto(url)
    expect(secretary.locator(".missing")).to_contain_text(re.compile("report", re.I))
    secretary.get_by_role("link", name="Report to the higher organisation").click()
    secretary.get_by_role("button", name="Draft the report from the record").click()
    secretary.get_by_role("button", name="Approve the report").click()
    secretary.get_by_label("Filed on").fill(timezone.localdate().isoformat())
    secretary.get_by_label("Filing reference").fill("渝府党组〔2024〕1号")
    secretary.get_by_role("button", name="File the report").click()
    expect(secretary.locator("main")).to_contain_text("渝府党组〔2024〕1号")

    # ---- The meeting closes.
    secretary.goto(url)
    secretary.get_by_role("button", name="Close the meeting").click()
    expect(secretary.locator(".meeting-status")).to_have_text("closed")
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.CLOSED and meeting.hold_override_reason == REASON


def test_members_sign_in_with_the_meetings_qr_code(people, live_server):
    meeting = Meeting.objects.get(title=MEETING)
    secretary = people.open("secretary")
    secretary.goto(f"{live_server.url}/meetings/{meeting.pk}/sign-in/")
    expect(secretary.locator(".sign-in-qr svg")).to_be_visible()
    expect(secretary.locator(".signed-in-count")).to_contain_text("0 members have signed in")
    link = secretary.locator("details code").text_content().strip()
    chen = people.open("member")
    chen.goto(link)
    chen.get_by_role("button", name=re.compile("I am here")).click()
    expect(chen.locator(".sign-in-done")).to_be_visible()
    # The secretary's list refreshes itself (static/js/sign-in-live.js), no reload.
    expect(secretary.locator(".signed-in-list")).to_contain_text("陈静", timeout=20_000)
    secretary.get_by_role("link", name="Complete the attendance sheet by hand").click()
    expect(secretary).to_have_url(re.compile(r"/attendance/$"))
