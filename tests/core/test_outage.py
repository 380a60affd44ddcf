"""The outage page (core.outage), in-process: what a reader gets when the database cannot be reached.

Here the session store refuses as PostgreSQL does when it is down, so a signed-in request fails in
the middleware, before any view; tests/faults/test_database_down.py stops a real PostgreSQL under
gunicorn for the whole story.
"""

import logging
import re

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, InterfaceError, OperationalError
from django.test import Client, RequestFactory
from django.utils import translation

from core import outage
from meetings.models import AgendaItem
from tests.factories import AgendaItemFactory

pytestmark = pytest.mark.django_db

REFUSED = 'connection to server at "127.0.0.1", port 5432 failed: Connection refused'
MINUTES = "第一项：李书记主持会议。\n第二项：张同志作对照检查发言 & <批评意见>。\n" * 50


def _refuse(self):
    raise OperationalError(REFUSED)


@pytest.fixture
def signed_in(secretary):
    """A secretary's browser: signed in while the database answered."""
    client = Client(raise_request_exception=False)
    client.force_login(secretary)
    return client


def _unavailable(language):
    with translation.override(language):
        return translation.gettext("Service temporarily unavailable")


def _assert_outage_page(response, language):
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["Content-Language"] == language
    assert "no-store" in response["Cache-Control"]
    assert f'<html lang="{language}">' in page and _unavailable(language) in page
    assert "Traceback" not in page and REFUSED not in page
    return page


def test_a_signed_in_page_answers_503_in_chinese_without_asking_the_database(
    signed_in, settings, monkeypatch, django_assert_num_queries
):
    settings.LANGUAGE_CODE = "zh-hans"
    monkeypatch.setattr(SessionStore, "load", _refuse)
    with django_assert_num_queries(0):  # the page itself asks nothing of the database
        response = signed_in.get("/meetings/")
    _assert_outage_page(response, "zh-hans")


@pytest.mark.parametrize("how", ["accept-language", "cookie"])
def test_an_english_reader_gets_the_page_in_english(signed_in, settings, monkeypatch, how):
    settings.LANGUAGE_CODE = "zh-hans"
    monkeypatch.setattr(SessionStore, "load", _refuse)
    if how == "cookie":
        signed_in.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        response = signed_in.get("/dashboard/")
    else:
        response = signed_in.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    page = _assert_outage_page(response, "en")
    assert "The database cannot be reached at the moment" in page


def test_a_form_posted_during_the_outage_is_given_back_to_send_again(signed_in, meeting, monkeypatch):
    item = AgendaItemFactory(meeting=meeting, title="Criticism", record="")
    url = f"/meetings/{meeting.pk}/agenda/{item.pk}/"
    monkeypatch.setattr(SessionStore, "load", _refuse)
    response = signed_in.post(
        url,
        {
            "kind": "individual_inspection",
            "title": "开展批评和自我批评",
            "presenter": "",
            "record": MINUTES,
            "form-TOTAL_FORMS": "1",
            "password": "never-shown-1",
            "attachment": SimpleUploadedFile("minutes-scan.pdf", b"%PDF-1.4", content_type="application/pdf"),
        },
    )
    page = _assert_outage_page(response, "en")
    assert "What you sent has NOT been saved." in page
    form = re.search(r'<form method="post" action="([^"]+)" class="outage-resend">(.*?)</form>', page, re.S)
    assert form and form[1] == url
    fields = form[2]
    # The minutes and the title, whole, in textareas labelled as the form labels them (not "record").
    escaped = MINUTES.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    assert f'name="record" rows="20">\n{escaped}</textarea>' in fields
    assert re.search(r'<label class="form-label" for="outage-field-\d+-0">Record</label>', fields)
    assert re.search(r'<label class="form-label" for="outage-field-\d+-0">Title</label>', fields)
    assert 'name="title" rows="2">\n开展批评和自我批评</textarea>' in fields
    # Choices and bookkeeping go back unseen; a new CSRF token; no password, no file.
    assert '<input type="hidden" name="kind" value="individual_inspection">' in fields
    assert '<input type="hidden" name="form-TOTAL_FORMS" value="1">' in fields
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="' in fields
    assert "never-shown-1" not in page
    assert 'type="password" id="outage-secret-1" name="password"' in fields
    assert "attachment: minutes-scan.pdf" in page
    item.refresh_from_db()
    assert item.record == ""


def test_a_post_from_another_site_is_not_given_back(secretary, meeting, monkeypatch):
    """Text that failed the CSRF check is not put in a form that carries the reader's token."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(secretary)
    item = AgendaItemFactory(meeting=meeting)
    monkeypatch.setattr(SessionStore, "load", _refuse)
    response = client.post(f"/meetings/{meeting.pk}/agenda/{item.pk}/", {"record": "Planted text for you"})
    page = _assert_outage_page(response, "en")
    assert "What you sent has NOT been saved." in page
    assert "Planted text for you" not in page and "outage-resend" not in page
    assert AgendaItem.objects.get(pk=item.pk).record == item.record


def test_other_errors_keep_the_plain_server_error_page():
    request = RequestFactory().get("/meetings/")
    for error in (ValueError("a bug"), IntegrityError("duplicate key")):
        try:
            raise error
        except Exception:
            response = outage.server_error(request)
        assert response.status_code == 500 and "Retry-After" not in response


def test_what_counts_as_the_database_being_down():
    assert outage.is_database_outage(OperationalError(REFUSED))
    assert outage.is_database_outage(InterfaceError("connection already closed"))
    assert not outage.is_database_outage(IntegrityError("duplicate key"))
    assert not outage.is_database_outage(ValueError("a bug"))
    try:
        try:
            raise OperationalError(REFUSED)
        except OperationalError as exc:
            raise RuntimeError("while rendering") from exc
    except RuntimeError as wrapped:
        assert outage.is_database_outage(wrapped)


def test_the_outage_is_logged_once_a_minute_not_per_request(monkeypatch, caplog):
    monkeypatch.setattr(outage, "_last_logged", 0.0)
    request = RequestFactory().get("/meetings/")
    with caplog.at_level(logging.WARNING, logger="meeting_records.outage"):
        for _ in range(5):
            outage.database_unavailable(request, OperationalError(REFUSED))
    assert [r.getMessage().startswith("The database cannot be reached") for r in caplog.records] == [True]
