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
    from notices.models import Notice, NoticeImage

    draft = Notice.objects.create(title="Draft with image", body="x", organisation=o["org"], meeting=o["meeting"])
    name = "notices/url-auth/probe.png"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(PNG))
    return {"pk": NoticeImage.objects.create(notice=draft, image=name).pk}


TABLE = {
    "public:home": {"expect": PUBLIC},
    "public:list": {"expect": PUBLIC},
    "public:detail": {
        "kwargs": lambda o: {"year": o["notice"].url_year, "pk": o["notice"].pk, "slug": o["notice"].slug},
        "expect": PUBLIC,
    },
    "public:detail_noslug": {
        "kwargs": lambda o: {"year": o["notice"].url_year, "pk": o["notice"].pk},
        "expect": dict.fromkeys(PUBLIC, 301),
    },
    "public:feed": {"expect": PUBLIC},
    "public:search": {"expect": PUBLIC},
    "public:sitemap": {"expect": PUBLIC},
    "public:sitemap_section": {"kwargs": lambda o: {"section": "notices"}, "expect": PUBLIC},
    "public:image": {
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
    "newsroom:list": {"expect": NEWSROOM},
    "newsroom:draft": {
        "kwargs": lambda o: {"pk": o["meeting"].pk},
        "expect": {**NOTICE, "publisher": 404},
    },
    "newsroom:edit": {"kwargs": _notice, "expect": NOTICE},
    "newsroom:history": {"kwargs": _notice, "expect": NOTICE},
    # The notice as a PDF (core.pdf): whoever opens it in the newsroom.
    "newsroom:pdf": {"kwargs": _notice, "expect": NOTICE},
    "newsroom:docx": {"kwargs": _notice, "expect": NOTICE},
    "newsroom:publish": {"kwargs": _notice, "expect": POST_ONLY},
    "newsroom:schedule": {"kwargs": _notice, "expect": POST_ONLY},
    "newsroom:unschedule": {"kwargs": _notice, "expect": POST_ONLY},
    "newsroom:withdraw": {"kwargs": _notice, "expect": POST_ONLY},
    "newsroom:image_upload": {"kwargs": _notice, "expect": POST_ONLY},
}
