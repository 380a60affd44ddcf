"""Response headers every page gets: the browser features we switch off, and no caching of
confidential pages.

The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY); HSTS,
Referrer-Policy, COOP and X-Frame-Options from Django's own middleware and settings.
"""

from django.conf import settings
from django.utils.cache import add_never_cache_headers

# Powerful browser features no page of ours uses, switched off for every page and anything it embeds.
DISABLED_FEATURES = (
    "accelerometer", "autoplay", "camera", "display-capture", "geolocation", "gyroscope", "hid",
    "idle-detection", "magnetometer", "microphone", "midi", "payment", "screen-wake-lock", "serial",
    "usb", "xr-spatial-tracking",
)  # fmt: skip
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DISABLED_FEATURES)

# Everything under these paths is for signed-in eyes (the login pages included): the record of
# meetings, materials and their downloads and exports, the ledger, evidence, the back office.
PRIVATE_PREFIXES = ("/meetings/", "/rectification/", "/dashboard/", "/accounts/", "/admin/")


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class PrivatePagesNoStoreMiddleware:
    """`Cache-Control: no-store, private` on every private page and on every page served to a
    signed-in user, so that neither a shared proxy nor the browser's own cache (the back button
    after signing out, the next person at a shared computer) keeps a copy. Public pages served
    to anonymous readers keep the caching their views give them (notices.cache)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path_info.startswith(PRIVATE_PREFIXES) or _signed_in(request):
            cache_control = response.get("Cache-Control", "")
            if "no-store" not in cache_control or "private" not in cache_control:
                add_never_cache_headers(response)
        return response


def _signed_in(request) -> bool:
    # Without a session cookie nobody is signed in: the anonymous public pages (the hot path)
    # never load a session or a user here.
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)
    return user is not None and user.is_authenticated
