import pytest

from materials import services as material_services
from materials.services import MaterialText
from meetings.models import Attendance
from tests.factories import AttendanceFactory
from tests.materials.samples import ASPECTS

from .smtp import free_port


@pytest.fixture
def smtp_port(settings) -> int:
    """Django's SMTP backend pointed at a free port of 127.0.0.1 where nothing listens yet."""
    port = free_port()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 30
    return port


@pytest.fixture
def attended(meeting, member_user, secretary):
    meeting.aspects = "\n".join(ASPECTS)
    meeting.presider = secretary.member
    meeting.save()
    AttendanceFactory(meeting=meeting, member=member_user.member, role=Attendance.Role.PARTICIPANT)
    AttendanceFactory(meeting=meeting, member=secretary.member, role=Attendance.Role.PRESIDER)
    return meeting


@pytest.fixture
def draft(attended, member_user):
    return material_services.material_start(meeting=attended, by=member_user)


def editor_form(material, **overrides) -> dict:
    """The editor's form as a member fills it in, ready to submit."""
    data = {
        "version": material.version,
        "title": material.title,
        "problems": "",
        "causes": "Relaxed study.",
        "measures": "1. Study more.",
        "action": "submit",
    }
    data.update({f"aspect_{i}": "- Research was hurried." if i == 1 else "" for i in range(len(ASPECTS))})
    data.update(overrides)
    return data


def submit(material, user):
    """The member submits their material (through the service, as the editor does)."""
    text = MaterialText(
        title="My material",
        problem_sections=[{"aspect": a, "text": "- Research was hurried." if i == 1 else ""} for i, a in
                          enumerate(ASPECTS)],
        causes="Relaxed study.",
        measures="1. Study more.",
    )  # fmt: skip
    material.refresh_from_db()
    return material_services.material_submit(material=material, by=user, text=text, version=material.version)
