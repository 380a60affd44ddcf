"""The archive export (.docx) and the member's dashboard sections."""

import io

import docx
import pytest
from django.urls import reverse

from materials import services
from materials.models import InspectionMaterial
from materials.selectors import dashboard_sections
from meetings.models import Meeting

from ..factories import AttendanceFactory, MaterialFactory, MeetingFactory

pytestmark = pytest.mark.django_db
Status = InspectionMaterial.Status
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _approved(meeting, author, **kwargs):
    return MaterialFactory(meeting=meeting, author=author, status=Status.APPROVED, **kwargs)


def test_export_binds_the_approved_materials_with_cover_and_contents(client, attended, secretary, member_user):
    _approved(
        attended, member_user.member, title="Material of the member",
        problem_sections=[{"aspect": "Serving the people", "text": "- Research was **hurried**."}],
        causes="Relaxed study.", measures="1. Go to the grassroots.",
    )  # fmt: skip
    _approved(attended, secretary.member, title="Material of the group", on_behalf_of_group=True)
    MaterialFactory(meeting=attended, status=Status.SUBMITTED, title="Not approved yet")
    client.force_login(secretary)
    response = client.get(reverse("materials:export", args=[attended.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_TYPE
    assert response["Content-Disposition"].startswith("attachment;")

    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    full = "\n".join(texts)
    assert str(attended) in texts[:10]  # the cover page
    assert "Comparison-inspection materials" in full
    assert "Contents" in texts
    assert 'TOC \\o "1-2"' in document.element.xml  # a real table-of-contents field
    settings = [child.tag.split("}")[1] for child in document.settings.element]
    assert settings.index("updateFields") == settings.index("compat") - 1  # where the schema wants it
    assert "Not approved yet" not in full
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[1:] == ["Material of the group — Secretary", "Material of the member — Member"]
    assert "Research was hurried." in texts  # Markdown marks are not carried into Word
    assert "Go to the grassroots." in texts


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
    texts = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert "1 approved material" in texts
    assert "1 approved materials" not in texts
