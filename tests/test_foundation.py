"""The foundation: health check, settings from the environment, constraints, demo data."""

import datetime
import subprocess
import sys

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.utils import OperationalError
from django.utils import timezone

from materials.models import InspectionMaterial
from meetings.models import Attendance, KeyPoint, Meeting
from members.models import Member, Organisation
from notices.models import Notice
from rectification.models import RectificationItem, ReportBack

from .factories import AttendanceFactory, ItemFactory, MeetingFactory, MemberFactory, ProgressReportFactory

pytestmark = pytest.mark.django_db


def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}


def test_healthz_503_when_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_production_refuses_to_start_without_secret_key():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0", "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_duplicate_attendance_is_refused_with_a_clear_message(meeting):
    member = MemberFactory()
    AttendanceFactory(meeting=meeting, member=member)
    duplicate = Attendance(meeting=meeting, member=member)
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "already on the attendance sheet" in str(excinfo.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_absence_needs_a_reason(meeting):
    attendance = Attendance(meeting=meeting, member=MemberFactory(), status=Attendance.Status.ABSENT)
    with pytest.raises(ValidationError, match="absence needs a reason"):
        attendance.full_clean()


def test_meeting_cannot_be_held_before_its_previous_meeting(org):
    previous = MeetingFactory(organisation=org, held_on=datetime.date(2022, 1, 20))
    meeting = Meeting(organisation=org, year=2022, held_on=datetime.date(2022, 1, 1), previous_meeting=previous)
    with pytest.raises(ValidationError) as excinfo:
        meeting.full_clean()
    assert "held_on" in excinfo.value.message_dict


def test_progress_over_100_percent_is_refused():
    item = ItemFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressReportFactory(item=item, percent=120)
    item.progress_percent = 120
    with pytest.raises(ValidationError, match="0 to 100"):
        item.full_clean()


def test_item_deadline_cannot_precede_its_meeting():
    item = ItemFactory()
    item.deadline = datetime.date(2022, 12, 31)  # the factory meeting is held 2023-01-30
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "deadline" in excinfo.value.message_dict


def test_key_point_needs_text():
    from .factories import SpeechFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        KeyPoint.objects.create(speech=SpeechFactory(), order=1, text="")


def test_meetings_are_protected_from_deletion():
    item = ItemFactory()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        item.plan.meeting.delete()


def _snapshot():
    models = [Organisation, Member, Meeting, Attendance, KeyPoint, Notice, RectificationItem, ReportBack]
    counts = {m.__name__: m.objects.count() for m in models}
    counts["meeting history"] = Meeting.history.count()
    counts["notice history"] = Notice.history.count()
    counts["item history"] = RectificationItem.history.count()
    counts["material history"] = InspectionMaterial.history.count()
    counts["materials"] = InspectionMaterial.objects.count()
    return counts


def test_load_demo_recreates_the_seed_meeting_and_is_idempotent(settings, monkeypatch, capsys):
    settings.DEBUG = True
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-for-tests")
    call_command("load_demo")
    first = _snapshot()
    call_command("load_demo")
    assert _snapshot() == first

    group = "中共重庆市人民政府党组"
    meeting = Meeting.objects.get(kind=Meeting.Kind.DEMOCRATIC_LIFE, year=2022, organisation__name=group)
    assert meeting.title == "市政府党组2022年度民主生活会"
    assert str(meeting.held_on) == "2023-01-30"
    assert meeting.presider.name == "胡衡华"
    assert meeting.presider_posts == "市委副书记、市长、市政府党组书记"
    assert meeting.previous_meeting.kind == Meeting.Kind.SPECIAL_DEMOCRATIC_LIFE
    assert meeting.previous_meeting.title == "市政府党组党史学习教育专题民主生活会"
    points = list(KeyPoint.objects.filter(speech__meeting=meeting).order_by("order").values_list("text", flat=True))
    assert len(points) == 5
    assert points[0].startswith("一要旗帜鲜明讲政治")
    assert points[4].startswith("五要持之以恒转作风")
    original = Notice.objects.get(meeting=meeting, language=Notice.Language.ZH_HANS)
    assert original.title == "市政府党组召开2022年度民主生活会"
    assert str(original.dateline) == "2023-01-31"
    assert timezone.localtime(original.publish_at).date() == original.dateline  # published the day of its dateline
    assert original.body.startswith("根据中央部署和市委要求，1月30日，市政府党组召开2022年度民主生活会。")
    assert "市委副书记、市长、市政府党组书记胡衡华主持会议并讲话" in original.body
    assert "胡衡华强调" in original.body
    # The seed notice (English) is the original's translation, linked both ways.
    english = Notice.objects.get(meeting=meeting, language=Notice.Language.EN)
    assert english.translation_of == original and original.other_version() == english
    assert english.body.startswith("According to the deployment of the central government")
    assert "Hu Henghua emphasized" in english.body
    assert ReportBack.objects.filter(meeting=meeting).count() == 5
    from django.contrib.auth import authenticate

    for username in ["admin", "secretary", "member", "publisher", "secretary2", "member2"]:
        assert authenticate(username=username, password="demo-pass-for-tests") is not None, username


def test_load_demo_refuses_with_debug_off(settings):
    settings.DEBUG = False
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="DEBUG"):
        call_command("load_demo")
    assert not Meeting.objects.exists()


def test_error_pages_speak_to_people(client, member_user):
    client.force_login(member_user)
    response = client.get("/meetings/999999/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Page not found" in body and "My dashboard" in body


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("favicon.svg")


def test_migration_check_runs_without_a_secret_key_but_the_server_does_not():
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "0"}
    check = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env=env, capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    serve = subprocess.run([sys.executable, "manage.py", "migrate", "--plan"], env=env, capture_output=True, text=True)
    assert serve.returncode != 0
    assert "SECRET_KEY" in serve.stderr
