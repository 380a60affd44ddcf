"""Evidence taken back while the item is still being worked on; the percent field's bounds on the page."""

import os

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.history import render_reason
from rectification import services
from rectification.models import Evidence, RectificationItem

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _report(item, member_user, name="photo.pdf"):
    return services.item_report_progress(
        item=item,
        by=member_user,
        text="Visited two townships",
        percent=40,
        files=[SimpleUploadedFile(name, PDF, content_type="application/pdf")],
    )


def test_the_responsible_member_removes_evidence_while_the_item_is_in_progress(client, item, member_user):
    report = _report(item, member_user)
    evidence = report.evidence.get()
    path = evidence.file.path
    client.force_login(member_user)
    page = client.get(item.get_absolute_url()).content.decode()
    assert reverse("rectification:evidence_remove", args=[evidence.pk]) in page
    response = client.post(reverse("rectification:evidence_remove", args=[evidence.pk]), follow=True)
    assert "Evidence removed: photo.pdf" in response.content.decode()
    assert not Evidence.objects.filter(pk=evidence.pk).exists()
    assert not os.path.exists(path)
    item.refresh_from_db()
    assert render_reason(item.history.latest().history_change_reason) == "Evidence removed: photo.pdf"


def test_evidence_stays_once_the_item_is_reported_done_and_others_cannot_remove_it(item, member_user, secretary):
    report = _report(item, member_user)
    evidence = report.evidence.get()
    with pytest.raises(PermissionDenied):
        services.evidence_remove(evidence=evidence, by=secretary)
    services.item_report_progress(item=item, by=member_user, text="Finished", percent=100, done=True)
    item.refresh_from_db()
    assert item.status == RectificationItem.Status.DONE
    with pytest.raises(ValidationError, match="only while the item is open or in progress"):
        services.evidence_remove(evidence=evidence, by=member_user)
    assert Evidence.objects.filter(pk=evidence.pk).exists()


def test_the_percent_field_has_its_bounds_in_the_page_and_the_form(client, item, member_user):
    client.force_login(member_user)
    url = reverse("rectification:item_progress", args=[item.pk])
    page = client.get(item.get_absolute_url()).content.decode()
    assert 'name="percent"' in page and 'min="0"' in page and 'max="100"' in page
    response = client.post(url, {"text": "Typed text stays", "percent": "140"})
    body = response.content.decode()
    assert "Progress is a percentage from 0 to 100." in body
    assert "Typed text stays" in body
    item.refresh_from_db()
    assert item.progress_percent == 0


def test_the_models_validate_the_percent(item):
    item.progress_percent = 101
    with pytest.raises(ValidationError) as exc:
        item.full_clean()
    assert "progress_percent" in exc.value.message_dict
