"""The rectification plan (整改方案) as an official Word document."""

import re

import pytest
from django.urls import reverse

from rectification.models import RectificationItem
from tests.factories import ItemFactory

from ..docx_checks import assert_official_layout, needs_soffice, open_docx, response_bytes, soffice_pdf, texts

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_items(plan, item, member_user):
    second = ItemFactory(
        plan=plan,
        problem__description="联系群众不够紧密",
        measure="每季度开展一次蹲点调研\n建立联系点台账",
        responsible_member=member_user.member,
        deadline=None,
        type=RectificationItem.Type.LONG_TERM,
    )
    return [item, second]


def test_the_plan_lists_every_item_with_measure_responsibility_and_deadline(
    client, plan, two_items, secretary, member_user
):
    client.force_login(secretary)
    document = open_docx(response_bytes(client.get(reverse("rectification:plan_docx", args=[plan.pk]))))
    assert_official_layout(document)
    assert document.paragraphs[0].text == "Plan of the 2022 meeting"
    assert document.paragraphs[0].style.name == "Title"
    assert document.core_properties.title == "Plan of the 2022 meeting"
    assert document.core_properties.author == plan.organisation.name
    lines = texts(document)
    first, second = two_items
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings == [f"一、{first.problem.description}", "二、联系群众不够紧密"]
    # Each item's parts count from （一） again.
    assert [p.text for p in document.paragraphs if p.style.name == "Heading 3"] == [
        "（一）Measure", "（二）Responsibility and deadline",
    ] * 2  # fmt: skip
    for line in (first.measure, "每季度开展一次蹲点调研", "建立联系点台账"):
        assert line in lines
    assert any(first.deadline.isoformat() in line and member_user.member.name in line for line in lines)
    assert any(line.startswith("Responsible:") and "deadline: —" in line for line in lines)
    assert plan.organisation.name in lines[-2:]  # the issuing organisation at the end
    assert "TOC" not in document.element.xml


def test_the_plan_is_for_its_readers_only(client, plan, two_items, other_secretary, member_user):
    client.force_login(other_secretary)
    assert client.get(reverse("rectification:plan_docx", args=[plan.pk])).status_code == 404
    client.force_login(member_user)  # responsible for the items: reads the plan
    assert client.get(reverse("rectification:plan_docx", args=[plan.pk])).status_code == 200


def test_the_plan_page_links_its_word_document(client, plan, two_items, secretary):
    client.force_login(secretary)
    html = client.get(reverse("rectification:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("rectification:plan_docx", args=[plan.pk]) in html


@needs_soffice
def test_the_plan_opens_in_libreoffice_on_a4(client, plan, two_items, secretary):
    client.force_login(secretary)
    _pdf, info = soffice_pdf(response_bytes(client.get(reverse("rectification:plan_docx", args=[plan.pk]))))
    assert re.search(r"Page size:\s+595\.\d+ x 841\.\d+ pts \(A4\)", info)
