"""URL × role table for the meeting record's URLs (see foundation.py for the format).

Pages that change a meeting answer only its organisation's secretaries (and superusers); a
member who attends the meeting (so knows it exists) gets a 403 that says why; everyone else
gets 404, never a 403 that would confirm the meeting exists. POST-only URLs answer a GET from
a manager with 405.
"""

from meetings.ical import feed_token
from meetings.models import PreparationActivity
from tests.factories import AgendaItemFactory, CriticismFactory, SpeechFactory

ALL_SIGNED_IN = ["member", "other_member", "secretary", "other_secretary", "publisher", "superuser"]


def _manage(ok=200):
    """Only the meeting's secretaries (and superusers) reach it; its attendee is told why not (403)."""
    return {
        "anonymous": "login",
        "member": 403,
        "other_member": 404,
        "secretary": ok,
        "other_secretary": 404,
        "publisher": 404,
        "superuser": ok,
    }


READ = {
    "anonymous": "login",
    "member": 200,
    "other_member": 404,
    "secretary": 200,
    "other_secretary": 404,
    "publisher": 404,
    "superuser": 200,
}


def _meeting(o):
    return {"pk": o["meeting"].pk}


def _item(o):
    return {"pk": o["meeting"].pk, "item_pk": AgendaItemFactory(meeting=o["meeting"]).pk}


def _study(o):
    activity = PreparationActivity.objects.create(meeting=o["meeting"], title="Study of the report")
    return {"pk": o["meeting"].pk, "kind": "study", "record_pk": activity.pk}


def _criticism(o):
    record = CriticismFactory(meeting=o["meeting"], from_member=o["users"]["member"].member)
    return {"pk": o["meeting"].pk, "record_pk": record.pk}


def _speech(o):
    return {"pk": o["meeting"].pk, "speech_pk": SpeechFactory(meeting=o["meeting"], speaker_name="Hu").pk}


TABLE = {
    "meetings:list": {"expect": {"anonymous": "login", **dict.fromkeys(ALL_SIGNED_IN, 200)}},
    "meetings:create": {
        "expect": {
            "anonymous": "login",
            "member": 404,
            "other_member": 404,
            "secretary": 200,
            "other_secretary": 200,  # plans meetings of their own organisation
            "publisher": 404,
            "superuser": 200,
        }
    },
    # The token in the URL, not the session, says whose feed it is.
    "meetings:feed": {
        "kwargs": lambda o: {"token": feed_token(o["users"]["secretary"])},
        "expect": {"anonymous": 200, **dict.fromkeys(ALL_SIGNED_IN, 200)},
    },
    # POST only: a new feed address for the signed-in user (their own, so no object to scope).
    "meetings:feed_renew": {"expect": {"anonymous": "login", **dict.fromkeys(ALL_SIGNED_IN, 405)}},
    # The organisation's page of imports is not a meeting: to anyone who cannot manage it, it does not exist.
    "members:import": {"kwargs": lambda o: {"org_pk": o["org"].pk}, "expect": {**_manage(), "member": 404}},
    "meetings:detail": {"kwargs": _meeting, "expect": READ},
    "meetings:print": {"kwargs": _meeting, "expect": READ},
    # The minutes as a PDF: exactly the print view's readers.
    "meetings:pdf": {"kwargs": _meeting, "expect": READ},
    # The minutes as a Word document: whoever reads the print view.
    "meetings:docx": {"kwargs": _meeting, "expect": READ},
    "meetings:calendar": {"kwargs": _meeting, "expect": READ},
    "meetings:history": {"kwargs": _meeting, "expect": _manage()},
    "meetings:edit": {"kwargs": _meeting, "expect": _manage()},
    "meetings:transition": {"kwargs": lambda o: {"pk": o["meeting"].pk, "action": "prepare"}, "expect": _manage(405)},
    "meetings:consent": {"kwargs": _meeting, "expect": _manage()},
    "meetings:agenda": {"kwargs": _meeting, "expect": _manage()},
    "meetings:agenda_standard": {"kwargs": _meeting, "expect": _manage(405)},
    "meetings:agenda_item_edit": {"kwargs": _item, "expect": _manage()},
    "meetings:agenda_item_move": {"kwargs": _item, "expect": _manage(405)},
    "meetings:agenda_item_delete": {"kwargs": _item, "expect": _manage(405)},
    "meetings:attendance": {"kwargs": _meeting, "expect": _manage()},
    "meetings:preparation": {"kwargs": _meeting, "expect": _manage()},
    "meetings:preparation_delete": {"kwargs": _study, "expect": _manage(405)},
    "meetings:criticism": {"kwargs": _meeting, "expect": _manage()},
    "meetings:criticism_delete": {"kwargs": _criticism, "expect": _manage(405)},
    "meetings:speech_create": {"kwargs": _meeting, "expect": _manage()},
    "meetings:speech_edit": {"kwargs": _speech, "expect": _manage()},
    "meetings:speech_delete": {"kwargs": _speech, "expect": _manage(405)},
}

# Sign-in at the meeting (QR code), and the oversight roles on the record.
TABLE.update(
    {
        # The secretary's screen with the QR code, and the list it refreshes: the meeting's managers.
        "meetings:sign_in": {"kwargs": _meeting, "expect": {**_manage(), "deputy": 200}},
        "meetings:sign_in_live": {"kwargs": _meeting, "expect": {**_manage(), "deputy": 200}},
        # Where the code leads: whoever holds a valid code is asked to confirm (the POST checks membership).
        "meetings:sign_in_scan": {
            "kwargs": lambda o: {"pk": o["meeting"].pk, "token": _sign_in_token(o["meeting"])},
            "expect": {"anonymous": "login", **dict.fromkeys(ALL_SIGNED_IN, 200)},
        },
    }
)
TABLE["meetings:detail"]["expect"] = {
    **TABLE["meetings:detail"]["expect"],
    "higher_secretary": 200,
    "supervisor": 200,
    "deputy": 200,
}


def _sign_in_token(meeting):
    from meetings.sign_in import make_token

    return make_token(meeting)


# The higher organisation appoints the supervision group: its secretary (and superusers); an attendee,
# the supervisor and the deputy may read the meeting but not appoint (403), everyone else 404.
TABLE["meetings:supervisors"] = {
    "kwargs": _meeting,
    "expect": {
        "anonymous": "login",
        "member": 403,
        "other_member": 404,
        "secretary": 403,
        "other_secretary": 404,
        "publisher": 404,
        "superuser": 200,
        "higher_secretary": 200,
        "supervisor": 403,
        "deputy": 403,
    },
}
