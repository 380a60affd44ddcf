"""Email notifications about materials, queued in the outbox within the service's transaction.

A material submitted, returned or approved always has its email, and one that was rolled back has
none; the outbox worker (`manage.py send_outbox`) sends them, so a mail server that is down never
stops the action. The emails say what happened and link to the page; they never carry the
confidential text itself.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _

from members.models import Membership
from outbox.services import enqueue


def _link(material) -> str:
    return settings.SITE_URL.rstrip("/") + material.get_absolute_url()


def _send(kind: str, material, subject: str, body: str, recipients: list[str]) -> None:
    enqueue(
        kind=f"materials.{kind}",
        reference=f"materials.inspectionmaterial:{material.pk}",
        subject=subject,
        body=body,
        recipients=recipients,
    )


def secretary_emails(organisation_id: int) -> list[str]:
    member_ids = Membership.objects.current().secretaries().filter(organisation_id=organisation_id)
    users = get_user_model().objects.filter(member__in=member_ids.values("member_id"), is_active=True)
    return sorted({u.email for u in users if u.email})


def _author_email(material) -> list[str]:
    """The author's address, or (for a presider without an account) the secretary drafting on their behalf."""
    emails = []
    for user in (material.author.user, material.drafted_by):
        if user is not None and user.is_active and user.email and user.email not in emails:
            emails.append(user.email)
    return emails


def material_submitted(material) -> None:
    subject = _("Material submitted for review: %(author)s — %(meeting)s") % {
        "author": material.author.name,
        "meeting": material.meeting,
    }
    body = _("%(author)s has submitted a comparison-inspection material for %(meeting)s.\n\nReview it: %(link)s\n") % {
        "author": material.author.name,
        "meeting": material.meeting,
        "link": _link(material),
    }
    _send("submitted", material, subject, body, secretary_emails(material.meeting.organisation_id))


def material_returned(material) -> None:
    subject = _("Your material was returned with comments — %(meeting)s") % {"meeting": material.meeting}
    body = _(
        "Your comparison-inspection material for %(meeting)s was returned with comments. "
        "Read them beside your text and revise it: %(link)s\n"
    ) % {"meeting": material.meeting, "link": _link(material)}
    _send("returned", material, subject, body, _author_email(material))


def material_approved(material) -> None:
    subject = _("Your material was approved — %(meeting)s") % {"meeting": material.meeting}
    body = _("Your comparison-inspection material for %(meeting)s was approved: %(link)s\n") % {
        "meeting": material.meeting,
        "link": _link(material),
    }
    _send("approved", material, subject, body, _author_email(material))


def material_signed_off(sign_off) -> None:
    """The higher organisation's sign-off reaches the organisation's secretaries and the author."""
    material = sign_off.material
    subject = _("Material signed off by %(reviewer)s: %(decision)s — %(author)s") % {
        "reviewer": sign_off.reviewer_name,
        "decision": sign_off.get_decision_display(),
        "author": material.author.name,
    }
    body = _(
        "%(reviewer)s signed off the comparison-inspection material of %(author)s: %(decision)s.\n\nRead it: %(link)s\n"
    ) % {
        "reviewer": sign_off.reviewer_name,
        "author": material.author.name,
        "decision": sign_off.get_decision_display(),
        "link": _link(material),
    }
    recipients = sorted(set(secretary_emails(material.meeting.organisation_id)) | set(_author_email(material)))
    _send("signed_off", material, subject, body, recipients)
