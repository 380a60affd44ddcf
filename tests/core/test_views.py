"""The shared refusal text and the POST-only action helper."""

from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied, ValidationError

from core.views import error_text, messages_from, post_action


def _request(rf, method="post"):
    request = getattr(rf, method)("/somewhere/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request):
    return [(m.level_tag, str(m)) for m in get_messages(request)]


def test_messages_from_a_validation_error_and_a_permission_denied():
    assert messages_from(ValidationError(["One.", "Two."])) == ["One.", "Two."]
    assert messages_from(ValidationError({"title": ["No title."]})) == ["No title."]
    assert messages_from(PermissionDenied("Not yours.")) == ["Not yours."]
    assert messages_from(PermissionDenied()) == ["You may not do this"]
    assert messages_from(PermissionDenied(), default="Not with this item.") == ["Not with this item."]


def test_error_text_joins_the_messages():
    assert error_text(ValidationError(["One.", "Two."])) == "One. Two."
    assert error_text(ValidationError(["One.", "Two."]), sep="; ") == "One.; Two."


def test_post_action_refuses_anything_but_post(rf):
    calls = []
    response = post_action(_request(rf, "get"), lambda: calls.append(1), "Done.", "/back/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert calls == []


def test_post_action_success_message_and_redirect(rf):
    request = _request(rf)
    response = post_action(request, lambda: 42, lambda result: f"Done {result}.", "/back/")
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert _messages(request) == [("success", "Done 42.")]

    request = _request(rf)
    response = post_action(request, lambda: 42, None, "/back/", success_to=lambda result: f"/item/{result}/")
    assert response["Location"] == "/item/42/"
    assert _messages(request) == []


def test_post_action_turns_refusals_into_messages(rf):
    def refuse(exc):
        def run():
            raise exc

        return run

    request = _request(rf)
    response = post_action(request, refuse(ValidationError("Not now.")), "Done.", "/back/", success_to=str)
    assert response["Location"] == "/back/"
    assert _messages(request) == [("error", "Not now.")]

    request = _request(rf)
    post_action(request, refuse(ValidationError("no presider")), "Done.", "/back/", refused="Not yet: %(what)s")
    assert _messages(request) == [("error", "Not yet: no presider")]

    request = _request(rf)
    response = post_action(request, refuse(PermissionDenied("Not yours.")), "Done.", "/back/")
    assert (response.status_code, response["Location"]) == (302, "/back/")
    assert _messages(request) == [("error", "Not yours.")]
