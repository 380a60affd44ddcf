"""Security headers on every response: the Content-Security-Policy, HTTPS (redirect and HSTS),
Permissions-Policy and friends, the production deploy check, and no caching of private pages."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from notices.cache import page_cache
from tests.notices.helpers import published
from tests.test_url_auth import TABLE, objects  # noqa: F401  (objects: the fixture the URL table needs)

ROOT = Path(__file__).resolve().parents[2]


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: values for name, *values in parts}


# --- Content-Security-Policy and the other headers -------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/notices/", "/accounts/login/", "/admin/login/"])
def test_every_page_forbids_inline_script_outside_sources_and_framing(client, path):
    response = client.get(path)
    csp = _directives(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert csp["style-src"] == ["'self'"]
    assert csp["img-src"] == ["'self'", "data:"]
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["form-action"] == ["'self'"] and csp["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in policy


@pytest.mark.django_db
def test_the_policy_holds_for_a_signed_in_page_too(client, secretary):
    client.force_login(secretary)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    assert _directives(response)["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_pages_carry_no_inline_script_style_or_event_handler(client, secretary, meeting):
    """What the policy would block, looked for in the pages themselves."""
    client.force_login(secretary)
    for url in ["/", reverse("dashboard"), meeting.get_absolute_url(), reverse("meetings:print", args=[meeting.pk])]:
        response = client.get(url)
        assert response.status_code == 200, url  # the real page, not an error page
        html = response.content.decode()
        assert "<style" not in html and " style=" not in html, url
        assert " onclick=" not in html and " onchange=" not in html and "javascript:" not in html, url
        for tag in html.split("<script")[1:]:
            assert tag.lstrip().startswith("src=") or 'type="application/json"' in tag.split(">")[0], url


# --- HTTPS ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_https_requests_get_hsts_for_a_year_with_subdomains(client):
    response = client.get("/healthz", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert "preload" not in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_behind_the_proxy_its_forwarded_proto_counts_as_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    plain = client.get("/notices/")
    assert plain.status_code == 301 and plain["Location"] == "https://testserver/notices/"
    proxied = client.get("/notices/", headers={"x-forwarded-proto": "https"})
    assert proxied.status_code == 200
    assert proxied["Strict-Transport-Security"].startswith("max-age=31536000")
    # The health check answers a load balancer's plain-HTTP probe itself.
    assert client.get("/healthz").status_code == 200


def _production(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Run `code` with Django set up from nothing but `env` (not the test defaults)."""
    base = {"PATH": os.environ.get("PATH", ""), "DJANGO_SETTINGS_MODULE": "config.settings", "LANGUAGE_CODE": "en"}
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + code],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "ALLOWED_HOSTS": "example.org"}
READ_SETTINGS = (
    "from django.conf import settings; import json\n"
    "print(json.dumps({name: getattr(settings, name) for name in ('SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS',"
    " 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER')}))"
)


def test_the_deploy_check_finds_nothing_with_production_settings():
    result = _production(
        PRODUCTION,
        "from django.core.management import call_command\ncall_command('check', deploy=True)",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNINGS" not in output and "security.W" not in output, output


def test_production_defaults_redirect_to_https_and_keep_hsts_on():
    result = _production(PRODUCTION, READ_SETTINGS)
    assert json.loads(result.stdout) == {
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }, result.stderr


def test_the_environment_turns_the_redirect_off_and_sets_hsts():
    env = {**PRODUCTION, "SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "600"}
    env["SECURE_HSTS_INCLUDE_SUBDOMAINS"] = "0"
    values = json.loads(_production(env, READ_SETTINGS).stdout)
    assert (values["SECURE_SSL_REDIRECT"], values["SECURE_HSTS_SECONDS"]) == (False, 600)
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False


def test_development_neither_redirects_nor_pins_https():
    values = json.loads(_production({"DEBUG": "1"}, READ_SETTINGS).stdout)
    assert (values["SECURE_SSL_REDIRECT"], values["SECURE_HSTS_SECONDS"]) == (False, 0)


# --- Cache-Control: private pages are never stored --------------------------------------------------------------


def _never_stored(response) -> bool:
    cache_control = response.get("Cache-Control", "")
    return "no-store" in cache_control and "private" in cache_control


@pytest.mark.django_db
def test_every_page_a_signed_in_secretary_gets_is_never_stored(client, objects):  # noqa: F811
    client.force_login(objects["users"]["secretary"])
    stored = []
    for name, row in sorted(TABLE.items()):
        kwargs = row["kwargs"](objects) if "kwargs" in row else {}
        url = reverse(name, kwargs=kwargs)
        response = client.get(url)
        if not _never_stored(response):
            stored.append((url, response.status_code, response.get("Cache-Control")))
    assert stored == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/dashboard/", "/meetings/", "/rectification/", "/admin/", "/admin/login/"]
)
def test_private_paths_are_never_stored_even_before_signing_in(client, path):
    assert _never_stored(client.get(path))


@pytest.mark.django_db
def test_the_back_office_is_never_stored(client, superuser):
    client.force_login(superuser)
    for url in [reverse("admin:index"), reverse("admin:meetings_meeting_changelist")]:
        response = client.get(url)
        assert response.status_code == 200 and _never_stored(response), url


@pytest.mark.django_db
def test_public_pages_keep_their_cache_for_readers_and_signed_in_readers_get_their_own_page(
    client, secretary, fresh_page_cache
):
    notice = published(title="A notice for everyone")
    page_cache.invalidate_local()
    for url in ["/", notice.get_absolute_url()]:
        client.get(url)
        cached = client.get(url)
        assert cached.status_code == 200 and cached["X-Public-Cache"] == "hit", url
        assert "no-store" not in cached.get("Cache-Control", ""), url
    client.force_login(secretary)
    mine = client.get(notice.get_absolute_url())
    assert mine.status_code == 200 and "X-Public-Cache" not in mine
    assert _never_stored(mine)
    html = mine.content.decode()
    assert "A notice for everyone" in html
    assert "Log out" in html and "Log in" not in html  # their own page, not the readers' cached one
