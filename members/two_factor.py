"""Two-factor sign-in with django-otp: an authenticator app (TOTP) and ten single-use recovery codes.

Who must use it: superusers, staff, publishers and secretaries, while settings.REQUIRE_2FA is on.
Anyone who has set up an authenticator is asked for a code at every sign-in, required or not.

At sign-in (members.receivers) the session is marked pending when a code will be asked; until the
code is given (or, without a device, one is set up) TwoFactorMiddleware below lets the session
reach only the two-factor pages and logout. The mark is set once per sign-in, so ordinary requests cost no
query.
"""

from base64 import b32encode
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import verify_token as otp_verify_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import permissions

PENDING_SESSION_KEY = "members.two_factor_pending"
NEW_CODES_SESSION_KEY = "members.two_factor_new_codes"
RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "authenticator"
RECOVERY_NAME = "recovery codes"


def is_required(user) -> bool:
    """Whether this user must sign in with a second factor (REQUIRE_2FA on, and a role that needs it)."""
    if not settings.REQUIRE_2FA or not user.is_authenticated:
        return False
    return user.is_superuser or user.is_staff or permissions.is_publisher(user) or permissions.is_secretary(user)


def authenticator(user) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).order_by("-pk").first()


def has_second_factor(user) -> bool:
    """Whether the user has a confirmed authenticator (recovery codes alone do not count)."""
    return authenticator(user) is not None


def needs_code_at_sign_in(user) -> bool:
    return is_required(user) or has_second_factor(user)


def is_pending(request) -> bool:
    """Signed in with the password, but the second factor is still owed."""
    return bool(request.session.get(PENDING_SESSION_KEY)) and request.user.is_authenticated


def is_verified(request) -> bool:
    """Whether this session has given a code (django-otp's middleware sets user.is_verified)."""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified and verified())


def may_change_devices(request) -> bool:
    """Setting up or replacing the authenticator: freely while none exists, else only after a code.

    Otherwise a password alone would be enough to replace someone's authenticator."""
    return is_verified(request) or not has_second_factor(request.user)


def is_recovery_code(device) -> bool:
    return isinstance(device, StaticDevice)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def setup_device(user) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device per user, the same until confirmed."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=AUTHENTICATOR_NAME, confirmed=False)
    return device


def secret_text(device: TOTPDevice) -> str:
    """The key as the authenticator app's "enter a key" field wants it: base32 in groups of four."""
    key = b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (made here: no CDN, no script)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode("utf-8")
    # Drop the XML declaration (the SVG goes inside the page) and name the picture for screen readers.
    svg = svg[svg.index("<svg") :]
    label = escape(_("QR code for your authenticator app"))
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" ', 1)


def _clean(token: str) -> str:
    return "".join(token.split()).lower()


@transaction.atomic
def _new_recovery_codes(user) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def authenticator_confirm(*, request, device: TOTPDevice, token: str) -> list[str]:
    """Confirm the authenticator being set up with a code it shows; replaces any earlier one.

    Returns the new recovery codes (shown once). Marks this session as verified."""
    user = request.user
    if device.user_id != user.pk or device.confirmed or not may_change_devices(request):
        raise ValidationError(_("Start the set-up again."))
    if not device.verify_token(_clean(token)):
        raise ValidationError(_("That code is not right. Check the time on your phone and try the newest code."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    return codes


def recovery_codes_renew(*, request) -> list[str]:
    """Ten new recovery codes; the old ones stop working. Only in a verified session."""
    if not is_verified(request) or not has_second_factor(request.user):
        raise ValidationError(_("Set up an authenticator app first."))
    return _new_recovery_codes(request.user)


def second_factor_verify(*, request, token: str):
    """Check a code from the authenticator (six digits) or a recovery code; on success the session is
    verified. Returns the device that accepted it (a recovery code is used up)."""
    user = request.user
    token = _clean(token)
    if not token:
        raise ValidationError(_("Enter the code."))
    model = TOTPDevice if token.isdigit() else StaticDevice
    for device in model.objects.devices_for_user(user, confirmed=True):
        allowed, _why = device.verify_is_allowed()
        if not allowed:
            raise ValidationError(_("Too many wrong codes. Wait a minute, then try the newest code."))
        matched = otp_verify_token(user, device.persistent_id, token)
        if matched is not None:
            otp_login(request, matched)
            request.session.pop(PENDING_SESSION_KEY, None)
            return matched
    raise ValidationError(_("That code is not right. Try the newest code from your authenticator app."))


#: What a session that still owes its second factor may reach.
PENDING_ALLOWED = {
    "two_factor_setup",
    "two_factor_verify",
    "two_factor_recovery_codes",
    "logout",
    "set_language",
    "javascript-catalog",
    "healthz",
}


class TwoFactorMiddleware:
    """Until the second factor is given, a signed-in session reaches only PENDING_ALLOWED: the
    others send it to give a code (or, without an authenticator, to set one up)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not is_pending(request):
            return None
        if is_verified(request):
            request.session.pop(PENDING_SESSION_KEY, None)
            return None
        match = request.resolver_match
        if match is not None and match.view_name in PENDING_ALLOWED:
            return None
        target = "two_factor_verify" if has_second_factor(request.user) else "two_factor_setup"
        if request.method == "GET":
            return redirect_to_login(request.get_full_path(), login_url=target)
        return redirect(target)
