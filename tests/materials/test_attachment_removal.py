"""Attachments are removed by the author while the material is a draft or returned, never after."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.history import render_reason
from materials import services
from materials.models import InspectionMaterial, MaterialAttachment
from tests.factories import MaterialFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def material(attended, member_user):
    return MaterialFactory(meeting=attended, author=member_user.member, status=InspectionMaterial.Status.DRAFT)


def _attach(material, member_user):
    return services.material_attach(
        material=material, by=member_user, file=SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")
    )


def test_the_author_removes_an_attachment_from_the_draft_on_the_editor(client, material, member_user):
    attachment = _attach(material, member_user)
    client.force_login(member_user)
    page = client.get(reverse("materials:edit", args=[material.pk])).content.decode()
    url = reverse("materials:attachment_remove", args=[attachment.pk])
    assert url in page
    response = client.post(url, follow=True)
    assert "Attachment removed: scan.pdf" in response.content.decode()
    assert not MaterialAttachment.objects.filter(pk=attachment.pk).exists()
    material.refresh_from_db()
    assert render_reason(material.history.latest().history_change_reason) == "Attachment removed: scan.pdf"


def test_a_submitted_material_keeps_its_attachments_and_others_cannot_remove_them(
    client, material, member_user, other_member_user, secretary
):
    attachment = _attach(material, member_user)
    with pytest.raises(PermissionDenied):
        services.material_attachment_remove(attachment=attachment, by=other_member_user)
    InspectionMaterial.objects.filter(pk=material.pk).update(status=InspectionMaterial.Status.SUBMITTED)
    with pytest.raises(ValidationError, match="only while the material is a draft or returned"):
        services.material_attachment_remove(attachment=attachment, by=member_user)
    client.force_login(member_user)
    response = client.post(reverse("materials:attachment_remove", args=[attachment.pk]), follow=True)
    assert "only while the material is a draft or returned" in response.content.decode()
    assert MaterialAttachment.objects.filter(pk=attachment.pk).exists()
    client.force_login(secretary)
    detail = client.get(material.get_absolute_url()).content.decode()
    assert "scan.pdf" in detail and "attachment-remove" not in detail
