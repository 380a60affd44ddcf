"""Sign-in at the meeting: a short-lived signed link, shown on the screen as a QR code.

The link carries the meeting's id signed with a TimestampSigner (salted for this use): it is good
for SIGN_IN_MAX_AGE after it was made, for that meeting only. Members open it on their phone while
signed in, and meetings.services.attendance_sign_in marks them present.
"""

import io

import qrcode
import qrcode.image.svg
from django.core import signing
from django.urls import reverse

SALT = "meetings.sign-in"
#: How long a shown code stays good (seconds): the length of a meeting.
SIGN_IN_MAX_AGE = 2 * 60 * 60


def make_token(meeting) -> str:
    return signing.TimestampSigner(salt=SALT).sign(str(meeting.pk))


def token_meeting_id(token: str, max_age: int = SIGN_IN_MAX_AGE) -> int | None:
    """The meeting a token was made for, or None when it is forged or too old."""
    try:
        value = signing.TimestampSigner(salt=SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:  # (SignatureExpired is a BadSignature)
        return None
    try:
        return int(value)
    except ValueError:
        return None


def sign_in_url(request, meeting) -> str:
    return request.build_absolute_uri(reverse("meetings:sign_in_scan", args=[meeting.pk, make_token(meeting)]))


def qr_svg(data: str) -> str:
    """The QR code of `data` as an inline SVG element (rendered here: no script, no CDN)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=12, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    text = buffer.getvalue().decode()
    # Drop the XML declaration: the SVG goes inside the page.
    return text[text.index("<svg") :]
