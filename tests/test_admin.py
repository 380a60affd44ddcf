"""Every admin changelist and change page renders for the superuser; anonymous users go to login."""

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.urls import reverse

from .admin_forms import change_form as _change_form

pytestmark = pytest.mark.django_db

MODELS = [(m._meta.app_label, m._meta.model_name) for m in admin.site._registry]


@pytest.fixture
def demo(settings, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo", stdout=open("/dev/null", "w"))


def test_every_changelist_add_and_change_page_renders_for_superuser(client, superuser, demo, rf):
    client.force_login(superuser)
    request = rf.get("/")
    request.user = superuser
    failures = []
    for model_class, model_admin in admin.site._registry.items():
        app, model = model_class._meta.app_label, model_class._meta.model_name
        urls = [reverse(f"admin:{app}_{model}_changelist")]
        if model_admin.has_add_permission(request):  # records written only by services have no add page
            urls.append(reverse(f"admin:{app}_{model}_add"))
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
        "members.auditevent",  # security events fill in use
        "outbox.outboxmessage",  # emails are queued in use
        # sign-in records: lockouts and two-factor devices fill in use
        "axes.accessattempt",
        "axes.accesslog",
        "axes.accessfailurelog",
        "otp_totp.totpdevice",
        "otp_static.staticdevice",
        "auth.group",
        "auth.user",
    }


def test_meeting_change_page_shows_history_link(client, superuser, demo):
    from meetings.models import Meeting

    client.force_login(superuser)
    meeting = Meeting.objects.get(year=2022, organisation__name="中共重庆市人民政府党组")
    response = client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    assert response.status_code == 200
    assert "胡衡华" in client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk])).content.decode()


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
    assert client.post(url, {"title": "Reverted"}).status_code == 403  # a past version is only read
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
    member.user = secretary
    member.save()
    page = client.get(reverse("admin:members_member_change", args=[member.pk])).content.decode()
    assert 'name="user"' not in page
    assert "Secretary" in page
    # The account is named as text: a link would lead to the user admin, which secretaries may not open.
    assert secretary.username in page and "/admin/auth/user/" not in page


def test_list_columns_have_names_in_the_readers_language(client, superuser, meeting, settings):
    from tests.factories import AttendanceFactory

    AttendanceFactory(meeting=meeting)
    client.force_login(superuser)
    client.cookies["django_language"] = "zh-hans"
    for name in ["meetings_meeting", "meetings_attendance"]:  # they showed "DISPLAY TITLE", "DISPLAY NAME"
        page = client.get(reverse(f"admin:{name}_changelist"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert "Display title" not in page and "Display name" not in page


def _status_cases():
    """(model, factory of one object, the changes a crafted POST tries) for every status-like field."""
    from materials.models import InspectionMaterial
    from meetings.models import Meeting
    from notices.models import Notice
    from rectification.models import ProgressReport, RectificationItem, RectificationPlan, ReportBack
    from tests.factories import ItemFactory, MaterialFactory, MeetingFactory, NoticeFactory, PlanFactory

    def report():
        item = ItemFactory()
        return ProgressReport.objects.create(item=item, text="Half way", percent=50, author=None)

    def report_back():
        item = ItemFactory()
        return ReportBack.objects.create(meeting=item.plan.meeting, item=item, status="open", progress_percent=0)

    return [
        (Meeting, lambda: MeetingFactory(status=Meeting.Status.PLANNED), {"status": "closed"}),
        (InspectionMaterial, lambda: MaterialFactory(status="submitted"), {"status": "approved"}),
        (Notice, lambda: NoticeFactory(status=Notice.Status.DRAFT), {"status": "published"}),
        (RectificationPlan, lambda: PlanFactory(), {"status": "completed"}),
        (
            RectificationItem,
            lambda: ItemFactory(),
            {"status": "verified", "progress_percent": "100", "status_reason": "x", "completed_on": "2023-05-01"},
        ),
        (ProgressReport, report, {"percent": "100"}),
        (ReportBack, report_back, {"status": "verified", "progress_percent": "100"}),
    ]


@pytest.mark.parametrize("case", range(7))
def test_a_changed_status_posted_through_the_change_form_does_not_change_it(client, superuser, case):
    """Status and progress are read-only in the back office: a crafted POST saves the rest, not them."""
    model, make, changes = _status_cases()[case]
    obj = make()
    before = {name: getattr(obj, name) for name in changes}
    client.force_login(superuser)
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[obj.pk])
    data = _change_form(client, url)
    assert not set(changes) & set(data), "a status-like field is on the form"
    response = client.post(url, {**data, **changes, "_save": "Save"})
    assert response.status_code == 302, response.context and response.context["adminform"].form.errors
    obj.refresh_from_db()
    assert {name: getattr(obj, name) for name in changes} == before


def test_an_item_status_posted_through_the_plans_inline_does_not_change_it(client, superuser):
    from rectification.models import RectificationItem
    from tests.factories import ItemFactory

    item = ItemFactory()
    client.force_login(superuser)
    url = reverse("admin:rectification_rectificationplan_change", args=[item.plan.pk])
    data = _change_form(client, url)
    prefix = next(key.removesuffix("-TOTAL_FORMS") for key in data if key.endswith("-TOTAL_FORMS"))
    response = client.post(
        url,
        {**data, f"{prefix}-0-status": "verified", f"{prefix}-0-progress_percent": "100", "_save": "Save"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.progress_percent) == (RectificationItem.Status.OPEN, 0)


def test_verifications_and_progress_reports_are_records_not_forms(client, superuser):
    """What the services record is read in the back office: no add page, verifications not changeable."""
    from rectification.models import Verification
    from tests.factories import ItemFactory

    item = ItemFactory(status="done")
    verification = Verification.objects.create(item=item, confirmed=False, comment="Not yet", verified_by=superuser)
    client.force_login(superuser)
    url = reverse("admin:rectification_verification_change", args=[verification.pk])
    assert 'name="confirmed"' not in client.get(url).content.decode()
    assert client.post(url, {"item": item.pk, "confirmed": "on", "comment": ""}).status_code == 403
    verification.refresh_from_db()
    assert verification.confirmed is False
    for model in ("verification", "progressreport", "reportback"):
        assert client.get(reverse(f"admin:rectification_{model}_add")).status_code == 403
    page = client.get(reverse("admin:rectification_rectificationitem_change", args=[item.pk])).content.decode()
    assert "verifications-0-confirmed" not in page and "progress_reports-0-percent" not in page


def test_item_actions_verify_reopen_and_cancel_go_through_the_services(client, superuser):
    from rectification.models import RectificationItem
    from tests.factories import ItemFactory

    S = RectificationItem.Status
    done, open_item = ItemFactory(status=S.DONE, progress_percent=100), ItemFactory(status=S.OPEN)
    client.force_login(superuser)
    changelist = reverse("admin:rectification_rectificationitem_changelist")

    response = client.post(changelist, {"action": "verify", "_selected_action": [done.pk, open_item.pk]}, follow=True)
    body = response.content.decode()
    done.refresh_from_db(), open_item.refresh_from_db()
    assert done.status == S.VERIFIED and done.verifications.get().confirmed
    assert open_item.status == S.OPEN  # refused by the service, with its reason
    assert "Only an item reported done can be verified" in body and "1 items verified." in body

    client.post(changelist, {"action": "reopen", "_selected_action": [done.pk]})
    done.refresh_from_db()
    assert done.status == S.IN_PROGRESS and done.reopened_count == 1
    assert done.status_reason == "Reopened in the back office."

    client.post(changelist, {"action": "cancel", "_selected_action": [open_item.pk]})
    open_item.refresh_from_db()
    assert open_item.status == S.CANCELLED and open_item.status_reason == "Cancelled in the back office."
    assert open_item.history.first().history_user == superuser


def test_admin_forms_refuse_control_characters_as_the_pages_do(client, superuser, meeting):
    """The back office checks text as every page does (core.forms): nothing invisible is stored."""
    client.force_login(superuser)
    url = reverse("admin:members_organisation_change", args=[meeting.organisation_id])
    organisation = meeting.organisation
    response = client.post(
        url,
        {
            "name": "Party group\x00 of the city",
            "short_name": "",
            "kind": organisation.kind,
            "source_organ": "",
            "is_active": "on",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200 and "U+0000" in response.content.decode()
    organisation.refresh_from_db()
    assert "\x00" not in organisation.name
