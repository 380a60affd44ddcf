"""URL × role table for the materials feature (see foundation.py for the format).

In the shared fixture the material is *submitted* by "member", an attendee of the meeting of
"secretary"'s organisation; "other_member" and "other_secretary" belong to another organisation.
"""

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ATTACHMENT_NAME = "materials/url-auth/evidence.pdf"


def _attachment(o):
    from materials.models import MaterialAttachment

    if not default_storage.exists(ATTACHMENT_NAME):
        default_storage.save(ATTACHMENT_NAME, ContentFile(PDF_BYTES))
    return MaterialAttachment.objects.create(
        material=o["material"],
        file=ATTACHMENT_NAME,
        original_name="evidence.pdf",
        content_type="application/pdf",
        size=len(PDF_BYTES),
    )


def _expect(member, secretary, superuser, others=404):
    return {
        "anonymous": "login",
        "member": member,
        "other_member": others,
        "secretary": secretary,
        "other_secretary": others,
        "publisher": others,
        "superuser": superuser,
    }


MATERIAL = {"kwargs": lambda o: {"pk": o["material"].pk}}
MEETING = {"kwargs": lambda o: {"meeting_pk": o["meeting"].pk}}

TABLE = {
    "materials:detail": {**MATERIAL, "expect": _expect(200, 200, 200)},
    # One material as a PDF: whoever reads its page.
    "materials:pdf": {**MATERIAL, "expect": _expect(200, 200, 200)},
    # One material as a Word document (official layout): whoever reads its page.
    "materials:docx": {**MATERIAL, "expect": _expect(200, 200, 200)},
    # The author's submitted material is locked: the editor redirects to it; others may not edit (403 when visible).
    "materials:edit": {**MATERIAL, "expect": _expect(302, 403, 403)},
    # POST only (return / approve).
    "materials:review": {**MATERIAL, "expect": _expect(405, 405, 405, others=405)},
    "materials:diff": {**MATERIAL, "expect": _expect(200, 200, 200)},
    "materials:attachment": {"kwargs": lambda o: {"pk": _attachment(o).pk}, "expect": _expect(200, 200, 200)},
    # POST only (the author, while the material is a draft or returned): a GET is refused by method.
    "materials:attachment_remove": {"kwargs": lambda o: {"pk": _attachment(o).pk}, "expect": _expect(405, 405, 405)},
    "materials:meeting_list": {**MEETING, "expect": _expect(200, 200, 200)},
    # Only attendees write materials; the member already has one, so GET leads to it.
    "materials:start": {**MEETING, "expect": _expect(302, 404, 404)},
    # Secretaries export; nothing is approved in the fixture, so they are sent back with a message.
    "materials:export": {**MEETING, "expect": _expect(404, 302, 302)},
    "materials:export_pdf": {**MEETING, "expect": _expect(404, 302, 302)},
}

# Oversight and delegation: POST-only actions (a GET is refused by method once signed in).
POST_ONLY = {"anonymous": "login", **dict.fromkeys(
    ["member", "other_member", "secretary", "other_secretary", "publisher", "superuser",
     "higher_secretary", "supervisor", "deputy"], 405)}  # fmt: skip
TABLE.update(
    {
        # The higher organisation's / supervision group's sign-off (agreed / needs changes) of a material.
        "materials:sign_off": {**MATERIAL, "expect": POST_ONLY},
        # A secretary drafts the group's material for a presider without an account.
        "materials:draft_for_presider": {**MEETING, "expect": POST_ONLY},
    }
)
# The higher organisation's secretary, the meeting's supervisor and the deputy read the submitted material.
for _name in ("materials:detail", "materials:meeting_list"):
    TABLE[_name]["expect"] = {**TABLE[_name]["expect"], "higher_secretary": 200, "supervisor": 200, "deputy": 200}
