"""Member import for secretaries: upload, preview every row with its errors, then save all or nothing.

The account pages under /accounts/: two-factor sign-in (set up, give a code, recovery codes) and the
page shown when sign-in is locked after too many failures.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from core.views import error_text, messages_from

from . import audit, two_factor
from .forms import MemberImportForm, SecondFactorForm
from .models import AuditEvent, Membership
from .selectors import organisations_managed_by
from .services import check_member_rows, members_import, read_member_file

PAYLOAD_SALT = "members.import"
PAYLOAD_MAX_AGE = 60 * 60


def _managed_organisation(request, pk):
    return get_object_or_404(organisations_managed_by(request.user), pk=pk)


@login_required
def member_import(request, org_pk):
    organisation = _managed_organisation(request, org_pk)
    form = MemberImportForm()
    context = {"organisation": organisation}
    if request.method == "POST" and "payload" in request.POST:
        try:
            rows = signing.loads(request.POST["payload"], salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, _("The preview has expired or was altered; upload the file again."))
            return redirect(request.path)
        try:
            members = members_import(organisation=organisation, rows=rows, by=request.user)
        except ValidationError as exc:
            context["rows"] = check_member_rows(organisation=organisation, rows=rows)
            context["import_errors"] = messages_from(exc)
        else:
            messages.success(
                request,
                _("%(count)s members imported into %(org)s.") % {"count": len(members), "org": organisation.name},
            )
            return redirect(request.path)
    elif request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_member_file(upload.name, upload.read())
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                checked = check_member_rows(organisation=organisation, rows=rows)
                context["rows"] = checked
                context["error_count"] = sum(1 for r in checked if r["errors"])
                if not context["error_count"]:
                    context["payload"] = signing.dumps(rows, salt=PAYLOAD_SALT, compress=True)
    context["form"] = form
    context["memberships"] = (
        Membership.objects.current().filter(organisation=organisation).select_related("member").order_by("order")
    )
    return render(request, "members/member_import.html", context)


# --- sign-in: lockout and second factor ---------------------------------------------------------


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer once sign-in is locked for the account or the address (AXES_LOCKOUT_CALLABLE)."""
    context = {"minutes": settings.LOGIN_LOCKOUT_MINUTES, "failure_limit": settings.AXES_FAILURE_LIMIT}
    return render(request, "registration/locked_out.html", context, status=429)


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    return f"{resolve_url(name)}?{urlencode({'next': next_url})}"


@never_cache
@login_required
def two_factor_overview(request):
    user = request.user
    device = two_factor.authenticator(user)
    return render(
        request,
        "registration/two_factor.html",
        {
            "device": device,
            "required": two_factor.is_required(user),
            "codes_left": two_factor.recovery_codes_left(user) if device else 0,
            "may_change": two_factor.may_change_devices(request),
        },
    )


@never_cache
@sensitive_post_parameters("token")
@login_required
def two_factor_setup(request):
    """Scan the QR code (or type the key), confirm with a code, then see the recovery codes once."""
    if not two_factor.may_change_devices(request):
        messages.info(request, _("Give a code from your authenticator app first."))
        return redirect(_with_next("two_factor_verify", request.path))
    device = two_factor.setup_device(request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = two_factor.authenticator_confirm(request=request, device=device, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", error_text(exc))
        else:
            audit.record(
                AuditEvent.Kind.SECOND_FACTOR, request=request, user=request.user, detail="authenticator set up"
            )
            request.session[two_factor.NEW_CODES_SESSION_KEY] = codes
            messages.success(request, _("Your authenticator app is set up."))
            return redirect(_with_next("two_factor_recovery_codes", _next_url(request)))
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret_text(device),
            "required": two_factor.is_required(request.user),
            "replacing": two_factor.has_second_factor(request.user),
            "next": request.GET.get("next", ""),
        },
    )


@never_cache
@sensitive_post_parameters("token")
@login_required
def two_factor_verify(request):
    """After the password: a code from the authenticator app, or a recovery code."""
    if not two_factor.is_pending(request) or two_factor.is_verified(request):
        return redirect(_next_url(request))
    if not two_factor.has_second_factor(request.user):
        return redirect("two_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = two_factor.second_factor_verify(request=request, token=form.cleaned_data["token"])
        except ValidationError as exc:
            form.add_error("token", error_text(exc))
            audit.record(
                AuditEvent.Kind.SECOND_FACTOR,
                request=request,
                user=request.user,
                detail="code refused",
                outcome="failure",
            )
        else:
            used_recovery = two_factor.is_recovery_code(device)
            detail = "recovery code used" if used_recovery else "authenticator code"
            audit.record(AuditEvent.Kind.SECOND_FACTOR, request=request, user=request.user, detail=detail)
            if used_recovery:
                left = two_factor.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _("You signed in with a recovery code; %(left)s are left. Make new ones on the two-factor page.")
                    % {"left": left},
                )
            return redirect(_next_url(request))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": request.GET.get("next", "")})


@never_cache
@login_required
def two_factor_recovery_codes(request):
    """New recovery codes are shown once, right after they are made; POST makes new ones."""
    if request.method == "POST":
        try:
            codes = two_factor.recovery_codes_renew(request=request)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
            return redirect("two_factor")
        audit.record(AuditEvent.Kind.SECOND_FACTOR, request=request, user=request.user, detail="recovery codes renewed")
        request.session[two_factor.NEW_CODES_SESSION_KEY] = codes
        return redirect("two_factor_recovery_codes")
    codes = request.session.pop(two_factor.NEW_CODES_SESSION_KEY, None)
    return render(
        request,
        "registration/two_factor_recovery_codes.html",
        {
            "codes": codes,
            "codes_left": two_factor.recovery_codes_left(request.user),
            "may_renew": two_factor.is_verified(request) and two_factor.has_second_factor(request.user),
            "next_url": _next_url(request),
        },
    )
