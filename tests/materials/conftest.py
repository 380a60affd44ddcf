import pytest

from meetings.models import Attendance
from tests.factories import AttendanceFactory

from .samples import ASPECTS


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(name="attended")
def attended_fixture(meeting, member_user, other_member_user, secretary):
    """The meeting, with aspects, attended by the member and a colleague of the same organisation."""
    meeting.aspects = "\n".join(ASPECTS)
    meeting.presider = secretary.member
    meeting.save()
    AttendanceFactory(meeting=meeting, member=member_user.member, role=Attendance.Role.PARTICIPANT)
    AttendanceFactory(meeting=meeting, member=other_member_user.member, role=Attendance.Role.PARTICIPANT)
    AttendanceFactory(meeting=meeting, member=secretary.member, role=Attendance.Role.PRESIDER)
    return meeting
