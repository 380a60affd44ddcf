"""The archive export (.docx) and the member's dashboard sections."""

import re

import pytest
from django.urls import reverse

from materials import services
from materials.models import InspectionMaterial
from materials.selectors import dashboard_sections
from meetings.models import Meeting

from ..docx_checks import (
    assert_official_layout,
    needs_soffice,
    open_docx,
    response_bytes,
    runs_with,
    soffice_pdf,
    styled,
    texts,
)
from ..factories import AttendanceFactory, MaterialFactory, MeetingFactory

pytestmark = pytest.mark.django_db
Status = InspectionMaterial.Status


def _approved(meeting, author, **kwargs):
    return MaterialFactory(meeting=meeting, author=author, status=Status.APPROVED, **kwargs)


def test_export_binds_the_approved_materials_with_cover_and_contents(client, attended, secretary, member_user):
    _approved(
        attended, member_user.member, title="Material of the member", problems="",
        problem_sections=[{"aspect": "Serving the people", "text": "- Research was **hurried**."}],
        causes="Relaxed *self-study*.\n\n1. First cause\n2. Second cause",
        measures="1. Go to the grassroots.\n2. Hold a seminar.",
    )  # fmt: skip
    _approved(attended, secretary.member, title="Material of the group", on_behalf_of_group=True,
              measures="1. The group's first measure")  # fmt: skip
    MaterialFactory(meeting=attended, status=Status.SUBMITTED, title="Not approved yet")
    client.force_login(secretary)
    document = open_docx(response_bytes(client.get(reverse("materials:export", args=[attended.pk]))))
    assert_official_layout(document)
    lines = texts(document)
    full = "\n".join(lines)
    assert str(attended) in lines[:10]  # the cover page
    assert "Comparison-inspection materials" in full
    assert document.sections[0].different_first_page_header_footer  # no page number on the cover
    assert document.core_properties.author == str(attended.organisation)
    # The contents list the materials, and only them: not themselves, not the materials' sections.
    assert 'TOC \\o "1-1"' in document.element.xml
    contents = [p.text for p in document.paragraphs if p.style.name == "toc 1"]
    assert contents == ["Material of the group — Secretary", "Material of the member — Member"]
    assert next(p for p in document.paragraphs if p.text == "Contents").style.name == "TOC Heading"
    parts = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert parts == contents  # the only outline-level-1 paragraphs
    settings = [child.tag.split("}")[1] for child in document.settings.element]
    assert settings.index("updateFields") < settings.index("compat")  # where the schema wants it
    assert "Not approved yet" not in full
    # Each material: 一、problems (（一）its aspects), 二、causes, 三、measures, counted again per material.
    levels = [p.text for p in document.paragraphs if p.style.name in ("Heading 2", "Heading 3")]
    assert levels == [
        "一、Problems found", "二、Causes", "三、Rectification measures",
        "一、Problems found", "（一）Serving the people", "二、Causes", "三、Rectification measures",
    ]  # fmt: skip
    assert "Research was hurried." in lines  # Markdown marks are not carried into Word…
    assert [r.bold for r in runs_with(document, "hurried")] == [True]  # …but bold and italic are
    assert [r.italic for r in runs_with(document, "self-study")] == [True]
    # Every list counts from 1: the causes' list, then the measures' list, in each material.
    assert "1. The group's first measure" in lines
    assert ["1. First cause", "2. Second cause", "1. Go to the grassroots.", "2. Hold a seminar."] == [
        line for line in lines if line[:2] in ("1.", "2.") and "group" not in line
    ]


def test_export_without_approved_materials_explains(client, attended, secretary):
    client.force_login(secretary)
    response = client.get(reverse("materials:export", args=[attended.pk]), follow=True)
    assert "nothing to export" in response.content.decode()


def test_export_is_for_the_meetings_secretaries_only(client, attended, member_user, other_secretary):
    _approved(attended, member_user.member)
    for user in (member_user, other_secretary):
        client.force_login(user)
        assert client.get(reverse("materials:export", args=[attended.pk])).status_code == 404


# ----------------------------------------------------------------------------- dashboard


def test_dashboard_sections_of_a_member(attended, member_user, secretary):
    draft = services.material_start(meeting=attended, by=member_user)
    old = MeetingFactory(organisation=attended.organisation, year=2021, status=Meeting.Status.CLOSED)
    AttendanceFactory(meeting=old, member=member_user.member)
    returned = MaterialFactory(
        meeting=old, author=member_user.member, status=Status.RETURNED, review_comments="Please name the causes."
    )
    sections = {s["title"]: s for s in dashboard_sections(member_user)}
    upcoming = sections["My upcoming meetings"]["items"]
    assert [i["label"] for i in upcoming] == [str(attended)]  # the closed one is not upcoming
    assert upcoming[0]["url"] == reverse("meetings:detail", args=[attended.pk])  # the meeting page
    assert "material started" in upcoming[0]["meta"]
    # The returned material comes first, with its comments; then the draft. Both open the editor.
    mine = sections["My comparison-inspection materials"]["items"]
    assert [(i["action"], i["url"]) for i in mine] == [
        ("Revise", reverse("materials:edit", args=[returned.pk])),
        ("Continue writing", reverse("materials:edit", args=[draft.pk])),
    ]
    assert mine[0]["meta"].startswith("returned with comments: Please name the causes.")
    assert mine[1]["meta"].startswith("draft, not yet submitted · meeting on ")


def test_dashboard_page_shows_the_member_sections(client, attended, member_user):
    client.force_login(member_user)
    html = client.get(reverse("dashboard")).content.decode()
    assert "My upcoming meetings" in html
    assert "material not started" in html


def test_no_member_sections_for_a_user_without_member_record(publisher):
    assert dashboard_sections(publisher) == []


@pytest.mark.parametrize("n", [3, 30])
def test_dashboard_constant_queries(member_user, org, django_assert_max_num_queries, n):
    for year in range(n):
        meeting = MeetingFactory(organisation=org, year=1990 + year)
        AttendanceFactory(meeting=meeting, member=member_user.member)
        MaterialFactory(meeting=meeting, author=member_user.member, status=Status.RETURNED, review_comments="x")
    with django_assert_max_num_queries(4):
        sections = dashboard_sections(member_user)
    assert len(sections[1]["items"]) == min(n, 20)


def test_the_cover_counts_one_approved_material_in_the_singular(client, attended, secretary, member_user):
    _approved(attended, member_user.member, title="The only one")
    client.force_login(secretary)
    response = client.get(reverse("materials:export", args=[attended.pk]))
    lines = texts(open_docx(response_bytes(response)))
    assert "1 approved material" in lines
    assert "1 approved materials" not in lines


# ----------------------------------------------------------------------------- one material


def test_one_material_downloads_as_an_official_document_for_its_readers(client, attended, member_user, secretary):
    material = _approved(
        attended, member_user.member, title="我的对照检查材料", problems="",
        problem_sections=[{"aspect": "理论学习方面", "text": "学习**不够深入**。"}],
        causes="放松了*主观世界*改造。", measures="1. 坚持学习\n2. 深入基层",
    )  # fmt: skip
    for user in (member_user, secretary):
        client.force_login(user)
        document = open_docx(response_bytes(client.get(reverse("materials:docx", args=[material.pk]))))
        assert_official_layout(document)
        lines = texts(document)
        assert document.paragraphs[0].text == "我的对照检查材料" and document.paragraphs[0].style.name == "Title"
        assert document.core_properties.title == "我的对照检查材料"
        assert document.core_properties.author == member_user.member.name
        assert "TOC" not in document.element.xml  # a single document has no contents
        assert ["一、Problems found", "（一）理论学习方面", "二、Causes", "三、Rectification measures"] == [
            p.text for p in document.paragraphs if p.style.name in ("Heading 2", "Heading 3")
        ]
        assert "1.坚持学习" in lines and "2.深入基层" in lines
        assert [r.bold for r in runs_with(document, "不够深入")] == [True]
        assert [r.italic for r in runs_with(document, "主观世界")] == [True]


def test_the_groups_material_is_authored_by_the_organisation(client, attended, secretary):
    material = _approved(attended, secretary.member, title="党组对照检查材料", on_behalf_of_group=True,
                         problems="党组的问题", causes="党组的原因", measures="党组的措施")  # fmt: skip
    client.force_login(secretary)
    document = open_docx(response_bytes(client.get(reverse("materials:docx", args=[material.pk]))))
    assert document.core_properties.author == str(attended.organisation)
    lines = texts(document)
    assert {"党组的问题", "党组的原因", "党组的措施"} <= set(lines)
    assert any(str(attended.organisation) in line and "on behalf of the group" in line for line in lines)


def test_a_draft_material_is_its_authors_alone(client, attended, member_user, secretary, other_secretary):
    material = MaterialFactory(meeting=attended, author=member_user.member, status=Status.DRAFT)
    for user in (secretary, other_secretary):
        client.force_login(user)
        assert client.get(reverse("materials:docx", args=[material.pk])).status_code == 404
    client.force_login(member_user)
    assert client.get(reverse("materials:docx", args=[material.pk])).status_code == 200


def test_every_paragraph_keeps_its_style_in_the_bundle_and_on_its_own(client, attended, secretary, member_user):
    """Each kind of paragraph is in its style (title, byline, levels, body, list entry, quote, table cell),
    every style the file names is in it (an unknown one fails nowhere: Word and LibreOffice show the
    paragraph as body text, out of the outline and the contents), and a material reads in the bundle
    with the styles of its own .docx."""
    material = _approved(
        attended, member_user.member, title="成员材料", preamble="导语第一段。", problems="",
        problem_sections=[{"aspect": "理论学习方面",
                           "text": "- 学习不深\n\n> 群众的意见\n\n| 问题 | 措施 |\n|---|---|\n| 甲 | 乙 |"}],
        causes="## 思想根源\n\n放松改造。", measures="1. 坚持学习\n2. 深入基层",
    )  # fmt: skip
    _approved(attended, secretary.member, title="党组材料", on_behalf_of_group=True, measures="党组的措施")
    body = [
        ("Normal", "导语第一段。"),
        ("Heading 2", "一、Problems found"),
        ("Heading 3", "（一）理论学习方面"),
        ("Normal", "学习不深"),
        ("Quote", "群众的意见"),
        *[("Table Text", cell) for cell in ("问题", "措施", "甲", "乙")],
        ("Heading 2", "二、Causes"),
        ("Heading 4", "1.思想根源"),
        ("Normal", "放松改造。"),
        ("Heading 2", "三、Rectification measures"),
        ("Normal", "1.坚持学习"),
        ("Normal", "2.深入基层"),
    ]
    client.force_login(secretary)
    bundle = open_docx(response_bytes(client.get(reverse("materials:export", args=[attended.pk]))))
    alone = open_docx(response_bytes(client.get(reverse("materials:docx", args=[material.pk]))))
    for document in (bundle, alone):
        assert_official_layout(document)  # every style named is in the file (assert_styles_defined)

    paragraphs = styled(bundle)
    assert paragraphs[0] == ("Title", str(attended))  # the cover
    assert ("Subtitle", "Comparison-inspection materials") in paragraphs[:3]
    contents = paragraphs.index(("TOC Heading", "Contents"))
    assert paragraphs[contents + 1 : contents + 3] == [
        ("toc 1", "党组材料 — Secretary"),
        ("toc 1", "成员材料 — Member"),
    ]
    start = paragraphs.index(("Heading 1", "成员材料 — Member"))
    assert paragraphs[start + 1][0] == "Subtitle"  # the byline
    assert paragraphs[start + 2 :] == body
    group = paragraphs.index(("Heading 1", "党组材料 — Secretary"))
    assert [name for name, _text in paragraphs[group:start]] == [
        "Heading 1", "Subtitle", "Heading 2", "Normal", "Heading 2", "Normal", "Heading 2", "Normal",
    ]  # fmt: skip

    paragraphs = styled(alone)
    assert paragraphs[:2] == [("Title", "成员材料"), ("Subtitle", paragraphs[1][1])]
    assert paragraphs[2:] == body


def test_the_material_page_links_its_word_document(client, attended, member_user):
    material = _approved(attended, member_user.member)
    client.force_login(member_user)
    html = client.get(reverse("materials:detail", args=[material.pk])).content.decode()
    assert reverse("materials:docx", args=[material.pk]) in html


@needs_soffice
def test_the_bundle_opens_in_libreoffice_on_a4(client, attended, secretary, member_user):
    _approved(attended, member_user.member, title="成员材料", measures="1. 措施")
    _approved(attended, secretary.member, title="党组材料", on_behalf_of_group=True)
    client.force_login(secretary)
    content = response_bytes(client.get(reverse("materials:export", args=[attended.pk])))
    pdf, info = soffice_pdf(content)
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
    # Cover, contents, then each material from a new page.
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) == 4
