"""URL × role table for the report after the meeting (see foundation.py for the format).

The meeting's secretaries, its deputy (and superusers) reach every page; the higher organisation's
secretary and the meeting's supervisor read the report and its documents (403 where a page writes);
a member who attends the meeting knows it exists and gets a 403 that says why; anyone who cannot read
the meeting gets a 404. POST-only URLs answer a GET from a writer with 405.
"""

from reports.models import MeetingReport


def _expect(ok=200, *, read=None):
    """`ok` for the writers (the secretary, the deputy, a superuser); `read` for the higher organisation's
    secretary and the meeting's supervisor, who read the report (403 where a page writes)."""
    read = 403 if read is None else read
    return {
        "anonymous": "login",
        "member": 403,
        "other_member": 404,
        "secretary": ok,
        "other_secretary": 404,
        "publisher": 404,
        "superuser": ok,
        "deputy": ok,
        "higher_secretary": read,
        "supervisor": read,
    }


def _meeting(o):
    return {"pk": o["meeting"].pk}


def _with_report(o):
    MeetingReport.objects.get_or_create(
        meeting=o["meeting"], defaults={"title": "Report", "body": "## Preparation\n\nDone."}
    )
    return {"pk": o["meeting"].pk}


TABLE = {
    "reports:detail": {"kwargs": _meeting, "expect": _expect(read=200)},
    "reports:draft": {"kwargs": _meeting, "expect": _expect(405)},
    "reports:edit": {"kwargs": _with_report, "expect": _expect()},
    "reports:approve": {"kwargs": _with_report, "expect": _expect(405)},
    "reports:reopen": {"kwargs": _with_report, "expect": _expect(405)},
    "reports:file": {"kwargs": _with_report, "expect": _expect(405)},
    "reports:print": {"kwargs": _with_report, "expect": _expect(read=200)},
    "reports:pdf": {"kwargs": _with_report, "expect": _expect(read=200)},
    "reports:docx": {"kwargs": _with_report, "expect": _expect(read=200)},
}
