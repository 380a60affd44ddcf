"""Email notifications about materials, sent after the transaction commits (console backend by default).

The emails say what happened and link to the page; they never carry the confidential text itself.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from members.models import Membership


def _link(material) -> str:
    return settings.SITE_URL.rstrip("/") + material.get_absolute_url()


def _send(messages: list[tuple[str, str, list[str]]]) -> None:
    batch = [(subject, body, settings.DEFAULT_FROM_EMAIL, to) for subject, body, to in messages if to]
    if batch:
        transaction.on_commit(lambda: send_mass_mail(batch, fail_silently=True))


def secretary_emails(organisation_id: int) -> list[str]:
    member_ids = Membership.objects.current().secretaries().filter(organisation_id=organisation_id)
    users = get_user_model().objects.filter(member__in=member_ids.values("member_id"), is_active=True)
    return sorted({u.email for u in users if u.email})


def _author_email(material) -> list[str]:
    user = material.author.user
    return [user.email] if user is not None and user.is_active and user.email else []


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
    _send([(subject, body, [e]) for e in secretary_emails(material.meeting.organisation_id)])


def material_returned(material) -> None:
    subject = _("Your material was returned with comments — %(meeting)s") % {"meeting": material.meeting}
    body = _(
        "Your comparison-inspection material for %(meeting)s was returned with comments. "
        "Read them beside your text and revise it: %(link)s\n"
    ) % {"meeting": material.meeting, "link": _link(material)}
    _send([(subject, body, _author_email(material))])


def material_approved(material) -> None:
    subject = _("Your material was approved — %(meeting)s") % {"meeting": material.meeting}
    body = _("Your comparison-inspection material for %(meeting)s was approved: %(link)s\n") % {
        "meeting": material.meeting,
        "link": _link(material),
    }
    _send([(subject, body, _author_email(material))])
