"""Every admin changelist and change page renders for the superuser; anonymous users go to login."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.fixture
def demo(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_every_changelist_add_and_change_page_renders_for_superuser(client, superuser, demo):
    client.force_login(superuser)
    failures = []
    for model_class in admin.site._registry:
        app, model = model_class._meta.app_label, model_class._meta.model_name
        urls = [reverse(f"admin:{app}_{model}_changelist"), reverse(f"admin:{app}_{model}_add")]
        obj = model_class._default_manager.order_by("pk").first()
        if obj is not None:
            urls.append(reverse(f"admin:{app}_{model}_change", args=[obj.pk]))
        for url in urls:
            status = client.get(url).status_code
            if status != 200:
                failures.append((url, status))
    assert failures == []


@pytest.mark.parametrize(("app", "model"), MODELS)
def test_changelist_redirects_anonymous_to_login(client, app, model):
    response = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_every_demo_model_has_rows_to_show(demo):
    """The demo gives every admin page something real to show (except logs that fill in use)."""
    empty = [
        f"{a}.{m}"
        for (a, m) in MODELS
        if not next(c for c in admin.site._registry if c._meta.model_name == m)._default_manager.exists()
    ]
    assert set(empty) <= {
        "materials.materialrevision",
        "materials.materialattachment",
        "notices.noticeimage",
        "rectification.evidence",
        "rectification.reminderlog",
        "auth.group",
        "auth.user",
    }


def test_meeting_change_page_shows_history_link(client, superuser, demo):
    from meetings.models import Meeting

    client.force_login(superuser)
    meeting = Meeting.objects.get(year=2022, organisation__name__contains="Chongqing")
    response = client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    assert response.status_code == 200
    assert "Hu Henghua" in client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()


def test_admin_actions_go_through_the_services(client, superuser, settings):
    """Status is read-only in the back office; actions call the same services as the pages."""
    from materials.models import InspectionMaterial
    from meetings.models import Meeting
    from notices.models import Notice
    from tests.factories import MaterialFactory, MeetingFactory, NoticeFactory

    client.force_login(superuser)
    meeting = MeetingFactory(status=Meeting.Status.PREPARING, presider=None)
    response = client.post(
        reverse("admin:meetings_meeting_changelist"),
        {"action": "mark_held", "_selected_action": [meeting.pk]},
        follow=True,
    )
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PREPARING  # refused: no presider, no attendance sheet
    assert "presider" in response.content.decode().lower()

    material = MaterialFactory(status=InspectionMaterial.Status.SUBMITTED)
    client.post(
        reverse("admin:materials_inspectionmaterial_changelist"),
        {"action": "approve", "_selected_action": [material.pk]},
    )
    material.refresh_from_db()
    assert material.status == InspectionMaterial.Status.APPROVED

    notice = NoticeFactory(status=Notice.Status.DRAFT)
    client.post(reverse("admin:notices_notice_changelist"), {"action": "publish", "_selected_action": [notice.pk]})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED
    assert notice.publish_at is not None

    page = client.get(reverse("admin:notices_notice_change", args=[notice.pk])).content.decode()
    assert 'name="status"' not in page


def test_history_pages_are_scoped_and_read_only(client, secretary, other_org, settings):
    """A staff secretary cannot read another organisation's history, nor revert anything."""
    from django.contrib.auth.models import Permission

    from notices.models import Notice
    from tests.factories import NoticeFactory

    secretary.is_staff = True
    secretary.save()
    secretary.user_permissions.add(*Permission.objects.filter(content_type__app_label="meetings"))
    theirs = NoticeFactory(organisation=other_org, status=Notice.Status.PUBLISHED)
    theirs.title = "Edited"
    theirs.save()
    version = theirs.history.earliest().history_id
    client.force_login(secretary)
    assert client.get(reverse("admin:notices_notice_history", args=[theirs.pk])).status_code == 404
    url = reverse("admin:notices_notice_simple_history", args=[theirs.pk, version])
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "Reverted"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Edited"

    mine = NoticeFactory(organisation=secretary.member.memberships.first().organisation)
    mine.title = "Second"
    mine.save()
    first = mine.history.earliest().history_id
    client.post(reverse("admin:notices_notice_simple_history", args=[mine.pk, first]), {"title": "First again"})
    mine.refresh_from_db()
    assert mine.title == "Second"  # revert is disabled


def test_staff_secretary_cannot_link_login_accounts(client, secretary):
    from django.contrib.auth.models import Permission

    secretary.is_staff = True
    secretary.save()
    secretary.user_permissions.add(*Permission.objects.filter(content_type__app_label="members"))
    client.force_login(secretary)
    member = secretary.member
    page = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert 'name="user"' not in page
    assert "Secretary" in page
