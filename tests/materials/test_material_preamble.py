"""A material's opening paragraphs (preamble, 导语): the paragraphs before "一、" that say on whose
request and how the material was written. Written in the editor's first box, never required to
submit, kept in every revision and in the diff, and shown where a reader sees the material: the
page, the .docx (single and bundle) and the PDF, after the title and before "一、"."""

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from materials import services
from materials.models import InspectionMaterial, MaterialRevision

from ..core.test_pdf import _all_text, _pdf, _squash
from ..docx_checks import assert_official_layout, open_docx, response_bytes
from ..factories import MaterialFactory
from .test_material_views import form_data

pytestmark = pytest.mark.django_db
Status = InspectionMaterial.Status

FIRST = "根据市委关于召开2022年度民主生活会的通知要求，本人认真学习，广泛征求意见，深入查摆问题。"
SECOND = "现将有关情况报告如下。"
PREAMBLE = f"{FIRST}\n\n{SECOND}"


@pytest.fixture
def draft(attended, member_user):
    return services.material_start(meeting=attended, by=member_user)


@pytest.fixture
def author(client, member_user):
    client.force_login(member_user)
    return client


def _approved(meeting, author, **kwargs):
    return MaterialFactory(
        meeting=meeting,
        author=author,
        status=Status.APPROVED,
        submitted_at=timezone.now(),
        approved_at=timezone.now(),
        preamble=PREAMBLE,
        problems="",
        problem_sections=[{"aspect": "理论学习方面", "text": "学习不够深入。"}],
        causes="党性锻炼有所放松。",
        measures="1. 坚持读原著学原文。",
        **kwargs,
    )


def test_the_editor_asks_for_the_opening_paragraphs_first_with_an_example(author, draft):
    html = author.get(reverse("materials:edit", args=[draft.pk])).content.decode()
    form = html.split('id="material-form"', 1)[1]
    names = re.findall(r'<textarea[^>]* name="([^"]+)"', form)
    assert names[0] == "preamble" and names[1:] == ["aspect_0", "aspect_1", "aspect_2", "problems", "causes",
                                                   "measures"]  # fmt: skip
    assert '<label class="form-label" for="id_preamble">Opening paragraphs</label>' in form
    assert 'placeholder="e.g. In accordance with the requirements of the notice on holding this meeting' in form
    assert "Optional: the paragraphs before “一、”" in form and "Not required to submit." in form
    assert 'aria-describedby="id_preamble_help"' in form


def test_it_is_saved_never_required_and_kept_in_each_revision_and_the_diff(client, author, draft, member_user,
                                                                           secretary):  # fmt: skip
    url = reverse("materials:edit", args=[draft.pk])
    response = author.post(url, form_data(draft, action="submit", preamble=""), follow=True)
    assert "submitted for review" in response.content.decode()  # not required to submit
    services.material_return(material=draft, by=secretary, comments="写明开头语。")
    draft.refresh_from_db()
    author.post(url, form_data(draft, action="save", preamble=PREAMBLE))
    draft.refresh_from_db()
    assert draft.preamble == PREAMBLE
    html = author.get(url).content.decode()
    assert f">{PREAMBLE}</textarea>" in html  # the editor opens with it
    author.post(url, form_data(draft, action="submit", preamble=PREAMBLE))
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED
    assert [r.preamble for r in draft.revisions.order_by("number")] == ["", PREAMBLE]
    client.force_login(secretary)
    html = client.get(reverse("materials:diff", args=[draft.pk]) + "?a=1&b=2").content.decode()
    table = re.search(r'<table class="diff.*?</table>', html, re.S).group(0)
    assert "<strong>Opening paragraphs</strong>" in table and SECOND in table
    assert 'class="diff_add"' in table


def test_the_page_shows_it_before_the_first_section(client, attended, member_user):
    material = _approved(attended, member_user.member)
    client.force_login(member_user)
    html = client.get(material.get_absolute_url()).content.decode()
    shown = html.split('class="material-text"', 1)[1]
    assert f"<p>{FIRST}</p>" in shown and f"<p>{SECOND}</p>" in shown
    assert shown.index(FIRST) < shown.index(SECOND) < shown.index("Problems found")


def test_the_docx_has_it_as_body_text_after_the_title_and_author_before_the_first_heading(
    client, attended, member_user, secretary
):
    material = _approved(attended, member_user.member, title="王五同志对照检查材料")
    client.force_login(member_user)
    document = open_docx(response_bytes(client.get(reverse("materials:docx", args=[material.pk]))))
    assert_official_layout(document)
    paragraphs = [p for p in document.paragraphs if p.text]
    assert [p.text for p in paragraphs[:5]] == [
        "王五同志对照检查材料",
        paragraphs[1].text,  # who wrote it, and when
        FIRST,
        SECOND,
        "一、Problems found",
    ]
    assert member_user.member.name in paragraphs[1].text
    assert paragraphs[2].style.name == paragraphs[3].style.name == document.paragraphs[-1].style.name  # body text
    # The bundle for the archive: each material's opening after its heading and author, before 一、.
    client.force_login(secretary)
    document = open_docx(response_bytes(client.get(reverse("materials:export", args=[attended.pk]))))
    lines = [p.text for p in document.paragraphs if p.text]
    start = lines.index(FIRST)
    assert lines[start - 2].startswith("王五同志对照检查材料")
    assert lines[start + 1 : start + 3] == [SECOND, "一、Problems found"]


def test_the_pdf_has_it_after_the_author_before_the_first_heading(client, attended, member_user, tmp_path, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the headings numbered "一、" as in Chinese
    material = _approved(attended, member_user.member, title="王五同志对照检查材料")
    client.force_login(member_user)
    reader, _path = _pdf(client, reverse("materials:pdf", args=[material.pk]), tmp_path)
    text = _all_text(reader)
    lines = (material.title, member_user.member.name, FIRST, SECOND, "一、", "理论学习方面")
    positions = [text.index(_squash(line)) for line in lines]
    assert positions == sorted(positions), text


@pytest.mark.usefixtures("fresh_page_cache")
def test_the_demo_materials_open_with_a_chinese_preamble(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo", stdout=io.StringIO())
    seed = InspectionMaterial.objects.filter(meeting__organisation__name="中共重庆市人民政府党组", meeting__year=2022)
    assert seed.filter(on_behalf_of_group=True).exists() and seed.count() > 1
    for preamble in seed.values_list("preamble", flat=True):
        assert preamble.startswith("根据") and preamble.endswith("报告如下。"), preamble
    submitted = MaterialRevision.objects.get(material__title="李明同志个人对照检查材料", number=1)
    assert submitted.preamble == submitted.material.preamble != ""
