"""One story in Simplified Chinese: the seed organisation's whole cycle, as the people who do it.

The secretary of the Chongqing municipal government's party group plans a new meeting and prepares it;
members write and submit their comparison-inspection materials; the secretary returns one with a
comment and approves them; the meeting is held and recorded; the problems found become rectification
items; members report progress; the secretary verifies the items; the notice is drafted from the record
and published by the publisher; an anonymous reader finds it by a Chinese search; the next meeting's
report on the previous rectification shows the items completed.

Each person has a browser of their own (locale zh-CN, so the site speaks zh-hans), and every step is
photographed: into test-artifacts/story/, or with SCREENSHOTS=1 into docs/images/ for the user guides
(`make screenshots`).
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from members.models import Member
from tests.e2e.conftest import ARTIFACTS, DEMO_PASSWORD, REPORT_VIOLATIONS

DOCS_IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

THEME = "深入学习贯彻习近平新时代中国特色社会主义思想，以学铸魂、以学增智、以学正风、以学促干"
ASPECTS = ["加强理论学习", "为民服务解难题", "改进工作作风"]
MEASURES = [
    "每月至少两天到分管领域基层调研，形成调研报告",
    "建立群众诉求台账，生态环境诉求按月跟踪办结",
]
ADDED = "会议要求，要建立整改台账，明确责任人和完成时限，一项一项抓好整改落实。"
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
KEY_POINTS = [
    "一要以学铸魂，坚定拥护“两个确立”、坚决做到“两个维护”。",
    "二要以学正风，力戒形式主义、官僚主义，切实为基层减负。",
    "三要以学促干，把整改落实作为检验民主生活会成效的重要标准。",
]


STORY_ARTIFACTS = ARTIFACTS / "story"


def _shots_dir() -> Path:
    """docs/images/ when the guides' screenshots are being renewed (SCREENSHOTS=1), else a fresh
    test-artifacts/story/."""
    STORY_ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if os.environ.get("SCREENSHOTS") == "1":
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        return DOCS_IMAGES
    for old in STORY_ARTIFACTS.glob("*.png"):
        old.unlink()
    return STORY_ARTIFACTS


class People:
    """One browser context per person, each failing the test if a page broke the Content-Security-Policy."""

    def __init__(self, browser, base_url):
        self.browser = browser
        self.base_url = base_url
        self.contexts = []
        self.violations = []
        self.folder = _shots_dir()

    def open(self, username=None, *, phone=False):
        context = self.browser.new_context(
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            viewport=PHONE if phone else DESKTOP,
            device_scale_factor=1,
            is_mobile=phone,
            has_touch=phone,
            reduced_motion="reduce",
        )
        context.expose_binding("__reportCspViolation", lambda source, text: self.violations.append(text))
        context.add_init_script(REPORT_VIOLATIONS)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        if username:
            page.goto(f"{self.base_url}/accounts/login/")
            expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
            page.get_by_label("用户名").fill(username)
            page.get_by_label("密码").fill(DEMO_PASSWORD)
            page.get_by_role("button", name="登录").click()
            expect(page.get_by_role("heading", name="我的待办")).to_be_visible()
        return page

    def shot(self, page, name, focus=None):
        """A screenshot of what the person sees, with `focus` (a locator) scrolled into the middle of it."""
        if focus is not None:
            focus.first.evaluate("el => el.scrollIntoView({block: 'center', behavior: 'instant'})")
        page.screenshot(path=str(self.folder / f"{name}.png"), animations="disabled", caret="hide")

    def close(self):
        for context in self.contexts:
            for page in context.pages:
                page.evaluate("0")  # a round trip delivers the reports still on their way
            context.close()


@pytest.fixture
def people(demo, browser, live_server, request):
    crowd = People(browser, live_server.url)
    failed_before = request.session.testsfailed
    yield crowd
    if request.session.testsfailed > failed_before:  # show where each person was when the story broke
        for n, context in enumerate(crowd.contexts):
            for page in context.pages:
                page.screenshot(path=str(STORY_ARTIFACTS / f"failed-{n}.png"), full_page=True)
    crowd.close()
    if crowd.violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(crowd.violations)))


def _section(page, heading):
    """A dashboard card, found by the start of its heading."""
    return page.locator("section.card", has=page.get_by_role("heading", name=re.compile("^" + re.escape(heading))))


def _field(scope, label):
    """A form field by its whole label (a required field's label ends with *)."""
    return scope.get_by_label(re.compile(rf"^\s*{re.escape(label)}\s*\*?\s*$"))


def _form(page, button):
    """The form that holds the button of this name."""
    return page.locator("form", has=page.get_by_role("button", name=button, exact=True))


def test_the_whole_cycle_in_chinese(people, live_server):
    today = timezone.localdate()
    year = today.year
    title = f"市政府党组{year}年度主题教育专题民主生活会"
    in_60_days = (today + datetime.timedelta(days=60)).isoformat()
    in_90_days = (today + datetime.timedelta(days=90)).isoformat()

    # ---- The administrator gives 王敏, a member of the group, an account of her own.
    admin = people.open("admin")
    admin.goto(f"{live_server.url}/admin/auth/user/add/")
    admin.get_by_label("用户名").fill("wangmin")
    admin.get_by_label(re.compile(r"^密码:?$")).fill(DEMO_PASSWORD)
    admin.get_by_label(re.compile(r"^密码确认:?$")).fill(DEMO_PASSWORD)
    people.shot(admin, "admin-01-add-user")
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("wangmin")
    admin.goto(f"{live_server.url}/admin/members/member/")
    admin.get_by_role("link", name="王敏", exact=True).click()
    admin.locator(".field-user .select2-selection").click()
    admin.locator(".select2-search__field").fill("wangmin")
    admin.get_by_role("option", name="wangmin", exact=True).click()
    people.shot(admin, "admin-02-link-member", focus=admin.locator(".field-user"))
    admin.get_by_role("button", name="保存", exact=True).click()
    expect(admin.locator(".messagelist")).to_contain_text("王敏")
    assert Member.objects.get(name="王敏").user.username == "wangmin"

    # ---- The secretary plans the meeting.
    secretary = people.open("secretary")
    people.shot(secretary, "secretary-01-dashboard")
    secretary.get_by_role("link", name="会议", exact=True).click()
    secretary.get_by_role("link", name="计划会议").click()
    expect(secretary.get_by_role("heading", name="计划会议")).to_be_visible()
    secretary.get_by_label("类型").select_option(label="专题民主生活会")
    secretary.get_by_label("标题").fill(title)
    secretary.get_by_label("所属年度").fill(str(year))
    secretary.get_by_label("主题", exact=True).fill(THEME)
    secretary.get_by_label("主题所列方面").fill("\n".join(ASPECTS))
    secretary.get_by_label("召开日期").fill(today.isoformat())
    secretary.get_by_label("开始时间").fill("09:00")
    secretary.get_by_label("结束时间").fill("12:00")
    secretary.get_by_label("地点").fill("市政府第一会议室")
    secretary.get_by_label("主持人", exact=True).select_option(label="胡衡华")
    secretary.get_by_label("上次会议").select_option(label="市政府党组2022年度民主生活会")
    people.shot(secretary, "secretary-02-plan-meeting", focus=secretary.get_by_label("主题所列方面"))
    secretary.get_by_role("button", name="计划会议").click()
    expect(secretary.get_by_role("heading", name=title)).to_be_visible()
    expect(secretary.get_by_text(f"已计划会议：{title}")).to_be_visible()
    meeting_url = secretary.url

    # ... and prepares it: the standard agenda is there; a study session and a solicited opinion are recorded.
    secretary.get_by_role("link", name="议程", exact=True).click()
    expect(secretary.locator("main")).to_contain_text("通报上次会议整改措施落实情况")
    people.shot(secretary, "secretary-03-agenda")
    secretary.get_by_role("link", name="记录", exact=True).click()
    secretary.get_by_role("button", name="开始筹备").click()
    expect(secretary.get_by_text("会议已进入筹备。")).to_be_visible()
    secretary.get_by_role("link", name="会前准备", exact=True).click()
    study = _form(secretary, "记录集中学习")
    study.get_by_label("标题").fill("集中学习研讨习近平新时代中国特色社会主义思想")
    study.get_by_label("日期", exact=True).fill(today.isoformat())
    study.get_by_label("概要").fill("党组成员集中学习三天，围绕会议主题开展研讨交流。")
    study.get_by_role("button", name="记录集中学习").click()
    opinion = _form(secretary, "记录意见")
    opinion.get_by_label("来源").fill("区县政府和市级部门")
    opinion.get_by_label("内容").fill("基层调研要更深入，减少陪同和层层汇报。")
    opinion.get_by_role("button", name="记录意见").click()
    expect(secretary.locator("main")).to_contain_text("集中学习 1 次，征求意见 1 条")
    people.shot(secretary, "secretary-04-preparation")
    # The attendance sheet names who should attend: the meeting now appears on their dashboards.
    secretary.get_by_role("link", name="出席情况", exact=True).click()
    expect(secretary.get_by_label("出席情况: 陈静")).to_have_value("present")
    secretary.get_by_role("button", name="保存出席名单").click()
    expect(secretary.locator("main")).to_contain_text("应到 6 人，实到 6 人")

    # ---- Members write and submit their comparison-inspection materials.
    chen = people.open("member")
    people.shot(chen, "member-01-dashboard")
    _section(chen, "我即将参加的会议").get_by_role("link", name=re.compile(re.escape(title))).click()
    chen.get_by_role("link", name="对照检查材料").first.click()
    chen.get_by_role("link", name="撰写我的材料").first.click()
    chen.get_by_role("button", name="开始撰写").click()
    expect(chen.get_by_label(ASPECTS[0])).to_be_visible()
    chen.get_by_label(ASPECTS[0]).fill("- 理论学习系统性不够，有时以干代学。")
    chen.get_by_label(ASPECTS[1]).fill("- 深入基层调研不够，有时行程安排过满、走马观花。")
    chen.get_by_label(ASPECTS[2]).fill("- 开会发文仍然偏多，基层负担没有根本减轻。")
    chen.get_by_label("原因剖析").fill("党性锻炼有所放松，宗旨意识在日常事务中有所淡化。")
    chen.get_by_label("整改措施").fill("1. 每月至少两天到分管领域基层调研。\n2. 分管部门会议和文件压减五分之一。")
    chen.get_by_role("button", name="保存草稿").click()
    expect(chen.get_by_text("草稿已保存。")).to_be_visible()
    people.shot(chen, "member-02-write-material", focus=chen.get_by_label(ASPECTS[1]))
    chen.get_by_role("button", name="提交审核").click()
    expect(chen.get_by_text("您的材料已提交审核。")).to_be_visible()
    people.shot(chen, "member-03-submitted")

    # 王敏 writes hers on her phone.
    wang = people.open("wangmin", phone=True)
    people.shot(wang, "member-04-phone-dashboard")
    _section(wang, "我即将参加的会议").get_by_role("link", name=re.compile(re.escape(title))).click()
    wang.get_by_role("link", name="对照检查材料").first.click()
    wang.get_by_role("link", name="撰写我的材料").first.click()
    wang.get_by_role("button", name="开始撰写").click()
    wang.get_by_label(ASPECTS[0]).fill("- 学习党的创新理论不够深入，联系实际不紧。")
    wang.get_by_label(ASPECTS[1]).fill("- 对群众反映的生态环境问题跟踪督办不够及时。")
    wang.get_by_label("原因剖析").fill("对新形势下为民服务的要求认识不足。")
    wang.get_by_label("整改措施").fill("1. 建立群众诉求台账，按月跟踪办理。")
    people.shot(wang, "member-05-phone-material", focus=wang.get_by_label(ASPECTS[1]))
    wang.get_by_role("button", name="提交审核").click()
    expect(wang.get_by_text("您的材料已提交审核。")).to_be_visible()

    # ---- The secretary reviews: returns 陈静's with a comment, approves 王敏's.
    secretary.goto(f"{live_server.url}/dashboard/")
    review_chen = secretary.get_by_role("link", name=re.compile(f"陈静 — {re.escape(title)}"))
    review_wang = secretary.get_by_role("link", name=re.compile(f"王敏 — {re.escape(title)}"))
    expect(review_wang).to_be_visible()
    people.shot(secretary, "secretary-05-review-queue", focus=review_chen)
    review_chen.click()
    expect(secretary.get_by_text("深入基层调研不够")).to_be_visible()
    secretary.get_by_label("给作者的意见").fill("请从思想根源上进一步剖析原因，整改措施要有时限。")
    people.shot(secretary, "secretary-06-return-with-comment", focus=secretary.get_by_label("给作者的意见"))
    secretary.get_by_role("button", name="退回并附意见").click()
    expect(secretary.get_by_text("材料已退回给陈静。")).to_be_visible()
    secretary.goto(f"{live_server.url}/dashboard/")
    review_wang.click()
    expect(secretary.get_by_text("对群众反映的生态环境问题跟踪督办不够及时")).to_be_visible()
    secretary.get_by_role("button", name="通过").click()
    expect(secretary.get_by_text("王敏的材料已审核通过。")).to_be_visible()

    # 陈静 finds the comment on her dashboard, reads it beside her text, revises and resubmits.
    chen.goto(f"{live_server.url}/dashboard/")
    returned = chen.locator("a", has_text="请从思想根源上进一步剖析原因")  # the entry quotes the comment
    people.shot(chen, "member-06-returned", focus=returned)
    returned.click()
    expect(chen.locator(".review-comments")).to_contain_text("请从思想根源上进一步剖析原因")
    chen.get_by_label("原因剖析").fill(
        "党性锻炼有所放松，宗旨意识在日常事务中有所淡化；对“两个确立”的决定性意义领悟不够深。"
    )
    chen.get_by_label("整改措施").fill(
        "1. 每月至少两天到分管领域基层调研，年底前完成。\n2. 分管部门会议和文件压减五分之一，三个月内完成。"
    )
    people.shot(chen, "member-07-revise", focus=chen.locator(".review-comments"))
    chen.get_by_role("button", name="提交审核").click()
    expect(chen.get_by_text("您的材料已提交审核。")).to_be_visible()

    secretary.goto(f"{live_server.url}/dashboard/")
    review_chen.click()
    secretary.get_by_role("button", name="通过").click()
    expect(secretary.get_by_text("陈静的材料已审核通过。")).to_be_visible()
    secretary.goto(meeting_url)
    secretary.get_by_role("link", name="材料", exact=True).click()
    expect(secretary.get_by_role("row", name=re.compile("陈静.*已通过"))).to_be_visible()
    expect(secretary.get_by_role("row", name=re.compile("王敏.*已通过"))).to_be_visible()
    people.shot(secretary, "secretary-07-materials-approved")

    # ---- The meeting is held and recorded: attendance, criticism, the concluding speech, the minutes.
    secretary.goto(meeting_url)
    secretary.get_by_role("link", name="出席情况", exact=True).click()
    secretary.get_by_label("出席情况: 李明").select_option(label="请假")
    secretary.get_by_label("缺席原因: 李明").fill("在北京参加国务院会议")
    secretary.get_by_label("姓名 (1)").fill("市委督导组")
    people.shot(secretary, "secretary-08-attendance", focus=secretary.get_by_label("出席情况: 李明"))
    secretary.get_by_role("button", name="保存出席名单").click()
    expect(secretary.locator("main")).to_contain_text("应到 6 人，实到 5 人")

    secretary.get_by_role("link", name="批评", exact=True).click()
    _field(secretary, "批评人").select_option(label="周伟")
    secretary.get_by_label("被批评人").select_option(label="陈静")
    _field(secretary, "内容").fill("陈静同志到分管领域基层调研的时间还要更多一些，要多听一线的声音。")
    secretary.get_by_role("button", name="记录", exact=True).click()
    expect(secretary.locator("main")).to_contain_text("要多听一线的声音")

    secretary.get_by_role("link", name="发言", exact=True).click()
    secretary.get_by_label("类型").select_option(label="总结讲话")
    secretary.get_by_label("发言人", exact=True).select_option(label="胡衡华")
    secretary.get_by_label("标题").fill("总结讲话")
    secretary.get_by_label("概要").fill("这次专题民主生活会准备充分、主题鲜明，达到了统一思想、明确方向的目的。")
    for n, point in enumerate(KEY_POINTS, start=1):
        secretary.get_by_label(f"要点 {n}").fill(point)
    people.shot(secretary, "secretary-09-speech", focus=secretary.get_by_label("要点 1"))
    secretary.get_by_role("button", name="保存发言").click()
    expect(secretary.get_by_text("发言已保存。")).to_be_visible()

    secretary.goto(meeting_url)
    # The readiness checklist is still open (no consent recorded, talks and materials not all done):
    # the secretary writes why the meeting is held anyway.
    secretary.locator("textarea[name=override_reason]").fill("经市委组织部同意，会议如期召开；其余事项会后补齐。")
    secretary.get_by_role("button", name="标记为已召开").click()
    expect(secretary.get_by_text("会议已标记为已召开。")).to_be_visible()
    points = secretary.locator(".concluding-speech .key-point")
    expect(points).to_have_count(3)
    expect(points.nth(2)).to_contain_text("以学促干")
    people.shot(secretary, "secretary-10-minutes", focus=secretary.locator(".concluding-speech"))
    secretary.get_by_role("link", name="打印版").click()  # the minutes on paper
    sheet = secretary.locator(".a4-sheet")
    expect(sheet.locator(".concluding-speech .key-point")).to_have_count(3)
    expect(sheet).to_contain_text("市委督导组")
    expect(sheet).to_contain_text("在北京参加国务院会议")
    secretary.goto(meeting_url)

    # ---- The problems found become rectification items with measures and deadlines.
    secretary.get_by_role("link", name="材料", exact=True).click()
    secretary.get_by_role("link", name=re.compile("陈静")).first.click()
    secretary.get_by_role("link", name="标记需整改的问题").click()
    expect(secretary.get_by_role("heading", name="记录问题")).to_be_visible()
    _field(secretary, "方面").select_option(ASPECTS[1])  # chosen from the meeting's aspects
    _field(secretary, "问题描述").fill("深入基层调研不够，有时行程安排过满、走马观花。")
    people.shot(secretary, "secretary-11-problem", focus=_field(secretary, "问题描述"))
    secretary.get_by_role("button", name="记录问题").click()
    expect(secretary.get_by_text("问题已记录。请为其制定整改措施。")).to_be_visible()
    _field(secretary, "整改措施").fill(MEASURES[0])
    _field(secretary, "责任人").select_option(label="陈静")
    _field(secretary, "完成时限").fill(in_60_days)
    people.shot(secretary, "secretary-12-item", focus=_field(secretary, "完成时限"))
    secretary.get_by_role("button", name="添加事项").click()
    expect(secretary.get_by_role("heading", name=MEASURES[0])).to_be_visible()

    secretary.goto(meeting_url)
    secretary.get_by_role("link", name="材料", exact=True).click()
    secretary.get_by_role("link", name=re.compile("王敏")).first.click()
    secretary.get_by_role("link", name="标记需整改的问题").click()
    _field(secretary, "方面").select_option(ASPECTS[1])  # chosen from the meeting's aspects
    _field(secretary, "问题描述").fill("对群众反映的生态环境问题跟踪督办不够及时。")
    secretary.get_by_role("button", name="记录问题").click()
    _field(secretary, "整改措施").fill(MEASURES[1])
    _field(secretary, "责任人").select_option(label="王敏")
    _field(secretary, "完成时限").fill(in_90_days)
    secretary.get_by_role("button", name="添加事项").click()
    expect(secretary.get_by_role("heading", name=MEASURES[1])).to_be_visible()
    secretary.get_by_role("link", name="整改方案").first.click()
    expect(secretary.get_by_role("link", name=re.compile(re.escape(MEASURES[0])))).to_be_visible()
    people.shot(secretary, "secretary-13-plan")

    # ---- Members report progress: 陈静 at her desk, 王敏 on her phone, with a scan as evidence.
    chen.goto(f"{live_server.url}/dashboard/")
    chen.get_by_role("link", name=re.compile(re.escape(MEASURES[0]))).click()
    _field(chen, "整改情况").fill("已到分管领域8个区县调研16天，形成调研报告2篇。")
    _field(chen, "进度（%）").fill("100")
    _field(chen, "已完成：申请核验").check()
    people.shot(chen, "member-08-report-progress", focus=_field(chen, "整改情况"))
    chen.get_by_role("button", name="报告进展").click()
    expect(chen.get_by_text("已报告进展。")).to_be_visible()
    expect(chen.locator(".item-status")).to_have_text("已完成，待核验")

    wang.goto(f"{live_server.url}/dashboard/")
    wang.get_by_role("link", name=re.compile(re.escape(MEASURES[1]))).click()
    _field(wang, "整改情况").fill("群众诉求台账已建立，本月办结生态环境诉求12件。")
    _field(wang, "进度（%）").fill("100")
    _field(wang, "已完成：申请核验").check()
    wang.locator("input[type=file]").set_input_files(
        files=[{"name": "诉求台账.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    people.shot(wang, "member-09-phone-progress", focus=_field(wang, "整改情况"))
    wang.get_by_role("button", name="报告进展").click()
    expect(wang.get_by_text("已报告进展。")).to_be_visible()
    expect(wang.locator(".item-status")).to_have_text("已完成，待核验")

    # ---- The secretary verifies both items; the ledger shows them closed.
    for measure in MEASURES:
        secretary.goto(f"{live_server.url}/dashboard/")
        secretary.get_by_role("link", name=re.compile(re.escape(measure))).first.click()
        _field(secretary, "确认：办结该事项").check()
        _field(secretary, "意见（不予确认时必填）").fill("调研报告和台账已查阅，整改到位。")
        if measure == MEASURES[0]:
            people.shot(secretary, "secretary-14-verify", focus=_field(secretary, "确认：办结该事项"))
        secretary.get_by_role("button", name="记录核验结果").click()
        expect(secretary.get_by_text("已记录核验结果。")).to_be_visible()
        expect(secretary.locator(".item-status")).to_have_text("已核验")
    secretary.goto(meeting_url)
    secretary.get_by_role("link", name="整改", exact=True).click()
    expect(secretary.locator(".ledger-row")).to_have_count(2)
    for row in secretary.locator(".ledger-row").all():
        expect(row).to_contain_text("已核验")
    people.shot(secretary, "secretary-15-ledger")

    # ---- The secretary drafts the notice from the record ...
    secretary.get_by_role("link", name="发布中心").click()
    row = secretary.get_by_role("row", name=re.compile(re.escape(title)))
    row.get_by_role("link", name="起草通报").click()
    expect(secretary.locator(".notice-body")).to_contain_text("以学促干")
    people.shot(secretary, "secretary-16-draft-notice")
    secretary.get_by_role("button", name="起草通报").click()
    notice_title = _field(secretary, "标题").input_value()
    assert "专题民主生活会" in notice_title, notice_title
    expect(secretary.get_by_role("button", name="立即发布")).to_have_count(0)  # secretaries do not publish
    people.shot(secretary, "secretary-17-notice-drafted")

    # ... and the publisher edits, previews and publishes it.
    publisher = people.open("publisher")
    publisher.get_by_role("link", name="发布中心").click()
    people.shot(publisher, "publisher-01-newsroom", focus=publisher.get_by_role("link", name=notice_title))
    publisher.get_by_role("link", name=notice_title).click()
    notice_title = f"市政府党组召开{year}年度主题教育专题民主生活会"
    _field(publisher, "标题").fill(notice_title)
    _field(publisher, "来源").fill("重庆市人民政府")
    body = _field(publisher, "正文")
    body.fill(body.input_value() + "\n\n" + ADDED)
    publisher.get_by_role("button", name="预览").click()
    expect(publisher.locator("#preview")).to_contain_text(ADDED)
    people.shot(publisher, "publisher-02-preview", focus=publisher.locator("#preview"))
    publisher.get_by_role("button", name="保存", exact=True).click()
    expect(publisher.get_by_text("通报已保存。")).to_be_visible()
    publisher.get_by_role("button", name="立即发布").click()
    expect(publisher.get_by_text("通报已在公开网站发布。")).to_be_visible()
    people.shot(publisher, "publisher-03-published")

    # ---- An anonymous reader finds the notice by a Chinese search, on a phone.
    reader = people.open(phone=True)
    reader.goto(f"{live_server.url}/")
    expect(reader.get_by_role("link", name=notice_title)).to_be_visible()
    people.shot(reader, "reader-01-home")
    reader.get_by_role("button", name="展开/收起导航").click()  # on a phone the search box is in the menu
    search = reader.get_by_role("searchbox", name="搜索通报").first
    search.fill("整改台账")
    search.press("Enter")
    results = reader.locator(".search-results")
    expect(results).to_contain_text(notice_title)
    expect(results.locator("mark").first).to_have_text("整改台账")
    people.shot(reader, "reader-02-search")
    results.get_by_role("link", name=notice_title).click()
    expect(reader.get_by_role("heading", name=notice_title)).to_be_visible()
    expect(reader.locator(".notice-body")).to_contain_text(ADDED)
    people.shot(reader, "reader-03-notice")

    # ---- The next meeting is planned: its report on the previous rectification shows the items completed.
    secretary.goto(f"{live_server.url}/meetings/new/")
    secretary.get_by_label("类型").select_option(label="民主生活会")
    secretary.get_by_label("所属年度").fill(str(year))
    secretary.get_by_label("主持人", exact=True).select_option(label="胡衡华")
    secretary.get_by_label("上次会议").select_option(label=title)
    secretary.get_by_role("button", name="计划会议").click()
    secretary.get_by_role("link", name="通报上次会议整改情况").click()
    entries = secretary.locator(".report-back-entry")
    expect(entries).to_have_count(2)
    for measure in MEASURES:
        expect(entries.filter(has_text=measure)).to_contain_text("已核验")
    expect(secretary.locator(".report-back-totals")).to_contain_text("已核验 2 项")
    people.shot(secretary, "secretary-18-report-back")
