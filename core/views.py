"""View building blocks shared by the apps: a service's refusal in words, and a POST-only action.

A service refuses with a ValidationError (the request cannot be done as asked) or a
PermissionDenied (this user may not do it). Pages, POST actions and admin actions all
turn either into the same text here.
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseForbidden, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

Refusal = ValidationError | PermissionDenied


def messages_from(exc: Refusal, *, default: str | None = None) -> list[str]:
    """The messages of a refusal: a ValidationError's, or a PermissionDenied's text (or `default`)."""
    if isinstance(exc, ValidationError):
        return list(exc.messages)
    return [str(exc) or str(default or gettext("You may not do this"))]


def error_text(exc: Refusal, *, sep: str = " ", default: str | None = None) -> str:
    """A refusal as one line, for a message or a form's error."""
    return sep.join(messages_from(exc, default=default))


def errors_to_form(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the fields it names, the rest above the form.

    The form keeps what the user typed, so nothing is lost when a service refuses."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def post_action(
    request,
    run: Callable[[], object],
    success_message: str | Callable[[object], str] | None,
    redirect_to,
    *,
    refused: str | None = None,
    success_to: Callable[[object], object] | None = None,
):
    """A POST-only action on an object the view already fetched in scope.

    Runs `run()` (the service call). A refusal becomes an error message (put into `refused`, a
    format with `%(what)s`, when given); success becomes `success_message` (a text, or a callable
    given the service's result; none when empty). Then a redirect to `redirect_to` (a URL or a
    model), or on success to `success_to(result)` when given. Anything but POST is a 405.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        result = run()
    except (ValidationError, PermissionDenied) as exc:
        text = error_text(exc)
        messages.error(request, refused % {"what": text} if refused else text)
        return redirect(redirect_to)
    message = success_message(result) if callable(success_message) else success_message
    if message:
        messages.success(request, str(message))
    return redirect(success_to(result) if success_to else redirect_to)


@csrf_exempt
@require_POST
def set_language(request):
    """Django's language switcher without a CSRF token, so that the public pages, which carry it on
    every page, hold nothing particular to one reader and a shared cache (nginx, a CDN) may keep them
    (notices.cache). Choosing a language changes no data, only the reader's language cookie; a post
    that the browser says comes from another site is still refused."""
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        return HttpResponseForbidden()
    origin = request.headers.get("Origin")
    if origin is not None and origin not in {
        f"{request.scheme}://{request.get_host()}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }:
        return HttpResponseForbidden()
    return i18n.set_language(request)
