"""PDF on the server (core/pdf.py, WeasyPrint through django-weasyprint): the minutes, materials, the
plan, the ledger and the notice read back with pypdf and poppler's pdffonts: every line of the record
is there, the paper is A4, the fonts are embedded, a heading is never alone at the foot of a page, the
ledger's header row repeats; and on a machine where WeasyPrint's system libraries do not load, every
other page still works and the PDF link says what to install."""

import io
import re
import subprocess
import sys

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from core import pdf
from materials.models import InspectionMaterial
from meetings.models import Attendance
from notices.models import NoticeImage
from rectification.models import RectificationItem

from ..factories import (
    AgendaItemFactory,
    AttendanceFactory,
    CriticismFactory,
    ItemFactory,
    KeyPointFactory,
    MaterialFactory,
    MemberFactory,
    NoticeFactory,
    PlanFactory,
    SpeechFactory,
)

A4 = (595, 842)
PAGE_NUMBER = re.compile(r"—\s*\d+\s*—")
APPROVED = InspectionMaterial.Status.APPROVED


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"


def _pdf(client, url, tmp_path, name="doc.pdf"):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    content = response.content
    assert content.startswith(b"%PDF")
    path = tmp_path / name
    path.write_bytes(content)
    return PdfReader(io.BytesIO(content)), path


def _squash(text: str) -> str:
    """Text without any whitespace: lines wrap and letter-spacing adds spaces wherever the layout wants."""
    return re.sub(r"\s+", "", text)


def _all_text(reader) -> str:
    return _squash("".join(page.extract_text() for page in reader.pages))


def _page_size(page):
    return round(float(page.mediabox.width)), round(float(page.mediabox.height))


def _assert_fonts_embedded(path):
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    # Columns from the right: object ID (2), uni, sub, emb.
    assert all(row[-5] == "yes" for row in rows), out
    assert any(re.search(r"CJK|UKai|UMing|Hei|Song|Kai|Fang", row[0]) for row in rows), out


# --- the minutes -----------------------------------------------------------------------------------------


def _record(meeting):
    presider = MemberFactory(name="胡衡华")
    meeting.presider = presider
    meeting.summary = "会议认为，这次民主生活会准备充分。\n主题鲜明，达到了预期目的。"
    meeting.save()
    AttendanceFactory(meeting=meeting, member=presider, role=Attendance.Role.PRESIDER)
    for name in ("陈鸣波", "郑向东", "张国智"):
        AttendanceFactory(meeting=meeting, member=MemberFactory(name=name))
    item = AgendaItemFactory(
        meeting=meeting,
        title="通报上一年度民主生活会整改措施落实情况",
        record="逐项对照上年度查摆的问题，整改措施全部落实。\n对尚未完成的两项明确了时限和责任人。",
    )
    speech = SpeechFactory(meeting=meeting, title="胡衡华同志总结讲话", agenda_item=item)
    for order, text in enumerate(["一要提高政治站位。", "二要狠抓整改落实。", "三要加强作风建设。"], start=1):
        KeyPointFactory(speech=speech, order=order, text=text)
    CriticismFactory(meeting=meeting, content="深入基层调研不够，到联系点次数偏少。")
    return [
        meeting.summary.splitlines(),
        item.title,
        item.record.splitlines(),
        speech.title,
        ["一要提高政治站位。", "二要狠抓整改落实。", "三要加强作风建设。"],
        "深入基层调研不够，到联系点次数偏少。",
        ["胡衡华", "陈鸣波", "郑向东", "张国智"],
        meeting.location,
    ]


def _lines(nested):
    for entry in nested:
        if isinstance(entry, list | tuple):
            yield from entry
        else:
            yield entry


@pytest.mark.django_db
def test_the_minutes_pdf_holds_every_line_of_the_record_on_a4_with_embedded_fonts(client, meeting, secretary, tmp_path):
    expected = list(_lines(_record(meeting)))
    client.force_login(secretary)
    reader, path = _pdf(client, reverse("meetings:pdf", args=[meeting.pk]), tmp_path)
    text = _all_text(reader)
    missing = [line for line in expected if _squash(line) not in text]
    assert missing == []
    assert all(_page_size(page) == A4 for page in reader.pages)
    # Levels numbered as GB/T 9704 numbers them, and a "— 1 —" page number on the foot of each page.
    assert "一、出席情况" in text or "一、" in text
    for number, page in enumerate(reader.pages, start=1):
        assert re.search(rf"—\s*{number}\s*—", page.extract_text())
    assert reader.metadata.title.startswith(str(meeting))
    _assert_fonts_embedded(path)


@pytest.mark.django_db
def test_the_print_view_stays_for_the_browser_and_links_the_pdf(client, meeting, secretary):
    client.force_login(secretary)
    body = client.get(reverse("meetings:print", args=[meeting.pk])).content.decode()
    assert 'class="a4-sheet"' in body and "data-print>" in body
    assert reverse("meetings:pdf", args=[meeting.pk]) in body
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert reverse("meetings:pdf", args=[meeting.pk]) in detail and "pdf-hint" not in detail


# --- materials -------------------------------------------------------------------------------------------


def _material(meeting, author, *, group=False, sections=(), status=APPROVED):
    return MaterialFactory(
        meeting=meeting,
        author=author,
        on_behalf_of_group=group,
        status=status,
        submitted_at=timezone.now(),
        approved_at=timezone.now() if status == APPROVED else None,
        problem_sections=[{"aspect": aspect, "text": text} for aspect, text in sections],
        problems="- 理论学习不够深入，学用结合不紧。",
        causes="理想信念有所松懈。\n\n宗旨意识有所淡化。",
        measures="1. 坚持读原著学原文。\n2. 每季度到基层调研一次。",
    )


@pytest.mark.django_db
def test_a_members_material_and_the_groups_material_as_pdf(client, meeting, secretary, member_user, tmp_path):
    AttendanceFactory(meeting=meeting, member=member_user.member)
    mine = _material(meeting, member_user.member, sections=[("政治忠诚方面", "对党的创新理论学习不够系统。")])
    group = _material(meeting, secretary.member, group=True, sections=[("班子建设方面", "民主集中制执行还有差距。")])
    client.force_login(member_user)
    reader, path = _pdf(client, reverse("materials:pdf", args=[mine.pk]), tmp_path)
    text = _all_text(reader)
    for line in [
        str(mine),
        member_user.member.name,
        "一、",
        "（一）政治忠诚方面",
        "对党的创新理论学习不够系统。",
        "理论学习不够深入，学用结合不紧。",
        "理想信念有所松懈。",
        "宗旨意识有所淡化。",
        "坚持读原著学原文。",
        "每季度到基层调研一次。",
    ]:
        assert _squash(line) in text, line
    assert _page_size(reader.pages[0]) == A4
    _assert_fonts_embedded(path)
    # The group's material names the organisation as its author.
    reader, _path = _pdf(client, reverse("materials:pdf", args=[group.pk]), tmp_path, "group.pdf")
    text = _all_text(reader)
    assert _squash(meeting.organisation.name) in text and "民主集中制执行还有差距。" in text
    assert reader.metadata.author == meeting.organisation.name


@pytest.mark.django_db
def test_the_bundle_has_a_cover_a_contents_page_that_lists_the_materials_not_itself(
    client, meeting, secretary, tmp_path
):
    first = _material(meeting, MemberFactory(name="陈鸣波"), sections=[("学习方面", "学习不够深入。")])
    second = _material(meeting, MemberFactory(name="郑向东"), sections=[("作风方面", "调研不够扎实。")])
    _material(meeting, MemberFactory(name="草稿人"), status=InspectionMaterial.Status.SUBMITTED)
    client.force_login(secretary)
    page = client.get(reverse("materials:meeting_list", args=[meeting.pk])).content.decode()
    assert reverse("materials:export_pdf", args=[meeting.pk]) in page
    reader, path = _pdf(client, reverse("materials:export_pdf", args=[meeting.pk]), tmp_path)
    pages = [_squash(p.extract_text()) for p in reader.pages]
    contents = pages[1]
    assert "目录" in contents and contents.count("目录") == 1
    for material in (first, second):
        assert _squash(str(material)) in contents
    assert "草稿人" not in "".join(pages)  # only approved materials are bound
    # Each material starts a page of its own after the contents, and the contents give that page's number.
    starts = {m.pk: next(i for i, p in enumerate(pages) if i > 1 and _squash(str(m)) in p) for m in (first, second)}
    assert starts[first.pk] != starts[second.pk]
    assert re.search(rf"{re.escape(_squash(str(first)))}\.*{starts[first.pk] + 1}", contents)
    _assert_fonts_embedded(path)


@pytest.mark.django_db
def test_no_approved_material_sends_the_secretary_back_with_a_message(client, meeting, secretary):
    client.force_login(secretary)
    response = client.get(reverse("materials:export_pdf", args=[meeting.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("materials:meeting_list", args=[meeting.pk])


@pytest.mark.django_db
def test_a_heading_is_never_left_alone_at_the_foot_of_a_page(client, meeting, member_user, tmp_path):
    """Forty aspects of different lengths: without the rule, some headings land on a page's last line."""
    sentence = "在学习贯彻党的创新理论方面还有差距，联系实际不够紧密。"
    sections = [(f"第{n}方面标题", sentence * (n % 7 + 1)) for n in range(1, 41)]
    material = _material(meeting, member_user.member, sections=sections)
    client.force_login(member_user)
    reader, _path = _pdf(client, reverse("materials:pdf", args=[material.pk]), tmp_path)
    assert len(reader.pages) > 10
    seen = 0
    for page in reader.pages:
        text = PAGE_NUMBER.sub("", _squash(page.extract_text()))
        for n in range(1, 41):
            marker = f"第{n}方面标题"
            if marker in text:
                seen += 1
                after = text.split(marker, 1)[1]
                assert after.startswith(sentence[:6]), f"heading {marker!r} alone at the foot of a page"
    assert seen == 40


@pytest.mark.django_db
def test_the_minutes_never_leave_an_agenda_items_heading_alone_at_the_foot_of_a_page(
    client, meeting, secretary, tmp_path
):
    sentence = "会议逐项听取了情况通报，与会同志结合分工认真讨论。"
    for n in range(1, 31):
        AgendaItemFactory(meeting=meeting, order=n, title=f"第{n}项议题", record="\n".join([sentence] * (n % 6 + 1)))
    client.force_login(secretary)
    reader, _path = _pdf(client, reverse("meetings:pdf", args=[meeting.pk]), tmp_path)
    seen = 0
    for page in reader.pages:
        text = PAGE_NUMBER.sub("", _squash(page.extract_text()))
        for n in range(1, 31):
            marker = f"{n}.第{n}项议题"
            if marker in text:
                seen += 1
                assert text.split(marker, 1)[1].startswith(sentence[:6]), f"{marker!r} alone at the foot of a page"
    assert seen == 30


# --- rectification ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_rectification_plan_as_pdf(client, meeting, secretary, member_user, tmp_path):
    plan = PlanFactory(meeting=meeting, title="市政府党组2022年度民主生活会整改方案")
    items = [
        ItemFactory(plan=plan, problem__description="调查研究不够深入", measure="每月到基层调研不少于两次",
                    responsible_member=member_user.member),
        ItemFactory(plan=plan, problem__description="整改台账更新不及时", measure="每月更新整改台账并通报",
                    responsible_member=member_user.member),
    ]  # fmt: skip
    client.force_login(secretary)
    page = client.get(reverse("rectification:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("rectification:plan_pdf", args=[plan.pk]) in page
    reader, path = _pdf(client, reverse("rectification:plan_pdf", args=[plan.pk]), tmp_path)
    text = _all_text(reader)
    assert _squash(plan.title) in text
    for number, item in enumerate(items, start=1):
        heading = "一二"[number - 1] + "、" + item.problem.description
        assert heading in text and item.measure in text and "2023-06-30" in text
    assert member_user.member.name in text
    assert _page_size(reader.pages[0]) == A4
    _assert_fonts_embedded(path)


@pytest.mark.django_db
def test_the_ledger_pdf_is_a4_landscape_with_its_header_on_every_page(client, meeting, secretary, tmp_path):
    plan = PlanFactory(meeting=meeting)
    for n in range(40):
        ItemFactory(plan=plan, measure=f"第{n}项整改措施：健全长效机制，定期督促检查落实情况")
    client.force_login(secretary)
    ledger = client.get(reverse("rectification:ledger")).content.decode()
    assert reverse("rectification:ledger_pdf") in ledger
    printed = client.get(reverse("rectification:ledger_print") + "?status=open").content.decode()
    assert reverse("rectification:ledger_pdf") + "?status=open" in printed
    reader, path = _pdf(client, reverse("rectification:ledger_pdf"), tmp_path)
    assert len(reader.pages) > 1
    for page in reader.pages:
        assert _page_size(page) == (A4[1], A4[0])
        assert "整改措施" in _squash(page.extract_text()).split("第")[0]  # the header row comes first
    text = _all_text(reader)
    assert all(f"第{n}项整改措施" in text for n in range(40))
    _assert_fonts_embedded(path)


@pytest.mark.django_db
def test_a_ledger_pdf_past_its_limit_says_so_and_points_to_the_excel_export(
    client, meeting, secretary, tmp_path, monkeypatch
):
    from rectification import views

    monkeypatch.setattr(views, "PDF_LIMIT", 3)
    plan = PlanFactory(meeting=meeting)
    for n in range(5):
        ItemFactory(plan=plan, measure=f"第{n}项整改措施")
    client.force_login(secretary)
    reader, _path = _pdf(client, reverse("rectification:ledger_pdf"), tmp_path)
    text = _all_text(reader)
    assert sum(f"第{n}项整改措施" in text for n in range(5)) == 3
    assert "Excel" in text


@pytest.mark.django_db
def test_the_ledger_pdf_shows_only_what_the_user_may_see(client, meeting, member_user, tmp_path):
    plan = PlanFactory(meeting=meeting)
    mine = ItemFactory(plan=plan, measure="本人负责的整改措施", responsible_member=member_user.member)
    ItemFactory(plan=plan, measure="他人负责的整改措施")
    client.force_login(member_user)
    reader, _path = _pdf(client, reverse("rectification:ledger_pdf"), tmp_path)
    text = _all_text(reader)
    visible = RectificationItem.objects.visible_to(member_user)
    assert mine.measure in text
    assert ("他人负责的整改措施" in text) == visible.filter(measure="他人负责的整改措施").exists()


# --- the notice ------------------------------------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _images(reader):
    found = 0
    for page in reader.pages:
        xobjects = page.get("/Resources", {}).get("/XObject", {}) or {}
        found += sum(1 for obj in xobjects.values() if obj.get_object().get("/Subtype") == "/Image")
    return found


@pytest.mark.django_db
def test_the_notice_pdf_with_its_own_image_and_nothing_fetched_from_elsewhere(
    client, org, meeting, secretary, tmp_path
):
    notice = NoticeFactory(organisation=org, meeting=meeting, title="市政府党组召开2022年度民主生活会",
                           source_organ="重庆市人民政府", body="placeholder")  # fmt: skip
    image = NoticeImage(notice=notice, caption="会议现场")
    image.image.save("scene.png", ContentFile(PNG), save=True)
    own = reverse("public:image", args=[image.pk])
    notice.body = (
        "1月30日，市政府党组召开2022年度民主生活会。\n\n"
        f"![会议现场]({own})\n\n"
        "会议强调，要以此次民主生活会为新起点。\n\n"
        "![外部](http://127.0.0.1:9/elsewhere.png)\n\n![本地](/etc/hostname)"
    )
    notice.save()
    client.force_login(secretary)
    edit = client.get(reverse("newsroom:edit", args=[notice.pk])).content.decode()
    assert reverse("newsroom:pdf", args=[notice.pk]) in edit
    reader, path = _pdf(client, reverse("newsroom:pdf", args=[notice.pk]), tmp_path)
    text = _all_text(reader)
    for line in [
        notice.title,
        "重庆市人民政府",
        "1月30日，市政府党组召开2022年度民主生活会。",
        "会议强调，要以此次民主生活会为新起点。",
    ]:
        assert _squash(line) in text, line
    assert _images(reader) == 1  # its own image; the other addresses were refused, not fetched
    _assert_fonts_embedded(path)


# --- a machine without WeasyPrint's system libraries -----------------------------------------------------


def _forget_weasyprint():
    return {
        name: sys.modules.pop(name)
        for name in list(sys.modules)
        if name.split(".")[0] in {"weasyprint", "django_weasyprint"}
    }


@pytest.fixture(params=["libraries missing", "package missing"])
def without_weasyprint(request, monkeypatch):
    """WeasyPrint cannot load: its libraries are missing (the import raises OSError, as on a fresh machine
    with only Python), or the package itself is (ImportError)."""
    saved = _forget_weasyprint()
    pdf.unavailable_reason.cache_clear()
    if request.param == "libraries missing":
        import cffi

        real = cffi.FFI.dlopen

        def dlopen(self, name, *args, **kwargs):
            if any(lib in str(name) for lib in ("gobject", "pango", "harfbuzz", "fontconfig")):
                raise OSError(f"cannot load library '{name}': {name}: cannot open shared object file")
            return real(self, name, *args, **kwargs)

        monkeypatch.setattr(cffi.FFI, "dlopen", dlopen)
    else:
        monkeypatch.setitem(sys.modules, "weasyprint", None)
    yield request.param
    monkeypatch.undo()
    _forget_weasyprint()
    sys.modules.update(saved)
    pdf.unavailable_reason.cache_clear()


@pytest.mark.django_db
def test_without_the_libraries_every_other_page_works_and_pdf_links_say_what_to_install(
    client, org, meeting, secretary, without_weasyprint
):
    assert pdf.unavailable_reason()
    material = _material(meeting, secretary.member, group=True)
    plan = PlanFactory(meeting=meeting)
    ItemFactory(plan=plan)
    notice = NoticeFactory(organisation=org, meeting=meeting)
    client.force_login(secretary)
    pages = [
        reverse("public:home"),
        reverse("dashboard"),
        meeting.get_absolute_url(),
        reverse("meetings:print", args=[meeting.pk]),
        reverse("materials:meeting_list", args=[meeting.pk]),
        reverse("materials:detail", args=[material.pk]),
        reverse("rectification:ledger"),
        reverse("rectification:ledger_print"),
        reverse("rectification:plan_detail", args=[plan.pk]),
        reverse("newsroom:edit", args=[notice.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
    # Next to each PDF link, what to install.
    detail = client.get(meeting.get_absolute_url()).content.decode()
    assert "pdf-hint" in detail and "apt-get install libpango-1.0-0" in detail
    for url in [
        reverse("meetings:pdf", args=[meeting.pk]),
        reverse("materials:pdf", args=[material.pk]),
        reverse("materials:export_pdf", args=[meeting.pk]),
        reverse("rectification:plan_pdf", args=[plan.pk]),
        reverse("rectification:ledger_pdf"),
        reverse("newsroom:pdf", args=[notice.pk]),
    ]:
        response = client.get(url)
        assert response.status_code == 503, url
        body = response.content.decode()
        assert pdf.INSTALL_COMMAND in body and "fonts-noto-cjk" in body, url
