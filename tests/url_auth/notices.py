"""URL × role table for publishing and the public site (see foundation.py for the format)."""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PUBLIC = {"anonymous": 200, "member": 200, "secretary": 200, "publisher": 200}
NEWSROOM = {
    "anonymous": "login",
    "member": 403,
    "other_member": 403,
    "secretary": 200,
    "other_secretary": 200,
    "publisher": 200,
    "superuser": 200,
}
# A notice of the secretary's organisation: publishers and that organisation's secretaries only.
NOTICE = {
    "anonymous": "login",
    "member": 404,
    "other_member": 404,
    "secretary": 200,
    "other_secretary": 404,
    "publisher": 200,
    "superuser": 200,
}
# POST-only actions: a GET is refused (405) once signed in.
POST_ONLY = {role: ("login" if role == "anonymous" else 405) for role in NOTICE}
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x9a\xa0\xa0\x00\x00\x00\x00IEND\xaeB`\x82"
)


def _notice(o):
    return {"pk": o["notice"].pk}


def _draft_image(o):
    """An image of a draft notice: not public yet."""
    from meetings.models import Notice, NoticeImage

    draft = Notice.objects.create(title="Draft with image", body="x", organisation=o["org"], meeting=o["meeting"])
    name = "notices/url-auth/probe.png"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(PNG))
    return {"pk": NoticeImage.objects.create(notice=draft, image=name).pk}


TABLE = {
    "notices:home": {"expect": PUBLIC},
    "notices:list": {"expect": PUBLIC},
    "notices:detail": {
        "kwargs": lambda o: {"year": o["notice"].url_year, "pk": o["notice"].pk, "slug": o["notice"].slug},
        "expect": PUBLIC,
    },
    "notices:detail_noslug": {
        "kwargs": lambda o: {"year": o["notice"].url_year, "pk": o["notice"].pk},
        "expect": dict.fromkeys(PUBLIC, 301),
    },
    "notices:feed": {"expect": PUBLIC},
    "notices:search": {"expect": PUBLIC},
    "notices:sitemap": {"expect": PUBLIC},
    "notices:sitemap_section": {"kwargs": lambda o: {"section": "notices"}, "expect": PUBLIC},
    "notices:image": {
        "kwargs": _draft_image,
        "expect": {
            "anonymous": 404,
            "member": 404,
            "other_member": 404,
            "secretary": 200,
            "other_secretary": 404,
            "publisher": 200,
            "superuser": 200,
        },
    },
    "meetings:notice_list": {"expect": NEWSROOM},
    "meetings:notice_draft": {
        "kwargs": lambda o: {"pk": o["meeting"].pk},
        "expect": {**NOTICE, "publisher": 404},
    },
    "meetings:notice_edit": {"kwargs": _notice, "expect": NOTICE},
    "meetings:notice_history": {"kwargs": _notice, "expect": NOTICE},
    "meetings:notice_publish": {"kwargs": _notice, "expect": POST_ONLY},
    "meetings:notice_schedule": {"kwargs": _notice, "expect": POST_ONLY},
    "meetings:notice_unschedule": {"kwargs": _notice, "expect": POST_ONLY},
    "meetings:notice_withdraw": {"kwargs": _notice, "expect": POST_ONLY},
    "meetings:notice_image_upload": {"kwargs": _notice, "expect": POST_ONLY},
}
