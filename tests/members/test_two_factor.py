"""Two-factor sign-in: who must use it, setting up an authenticator, codes, recovery codes."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import AuditEvent

pytestmark = pytest.mark.django_db

PASSWORD = "pw-for-tests-1"
START = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def require_2fa(settings):
    settings.REQUIRE_2FA = True


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def _login(client, user):
    """Sign in with the password; the page it leads to."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD}, follow=True)
    assert response.redirect_chain, response.content.decode()[:500]
    return response


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _set_up(client, clock) -> list[str]:
    """Walk through the set-up page as a person would; returns the recovery codes shown."""
    page = client.get(reverse("two_factor_setup"))
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=page.wsgi_request.user, confirmed=False)
    response = client.post(reverse("two_factor_setup"), {"token": _code(device), "next": "/dashboard/"})
    assert response.status_code == 302
    shown = client.get(response["Location"]).content.decode()
    clock.shift(datetime.timedelta(seconds=60))  # the next sign-in needs a newer code than this one
    return re.findall(r"<li>([a-z2-7]{8})</li>", shown)


def test_a_secretary_is_sent_to_set_up_then_reaches_the_dashboard(client, secretary, require_2fa, clock):
    response = client.post(reverse("login"), {"username": "secretary", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('two_factor_setup')}?next=/dashboard/"
    page = response.content.decode()
    assert "Set up two-factor sign-in" in page
    assert '<svg role="img"' in page  # the QR code, drawn on the server
    assert "cdn" not in page.lower()

    device = TOTPDevice.objects.get(user=secretary, confirmed=False)
    secret = re.search(r'user-select-all">([A-Z2-7 ]+)</code>', page).group(1)
    assert len(secret.replace(" ", "")) == 32  # the key, to type in by hand

    response = client.post(reverse("two_factor_setup"), {"token": _code(device), "next": "/dashboard/"}, follow=True)
    page = response.content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", page)
    assert len(codes) == 10
    assert "They are shown only now" in page
    assert 'href="/dashboard/"' in page
    device.refresh_from_db()
    assert device.confirmed

    assert client.get(reverse("dashboard")).status_code == 200
    # Shown once: a second visit shows how many are left, not the codes.
    again = client.get(reverse("two_factor_recovery_codes")).content.decode()
    assert not set(codes) & set(re.findall(r"[a-z2-7]{8}", again))
    assert "10 unused recovery codes" in again
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SECOND_FACTOR, detail="authenticator set up").exists()


def test_a_wrong_code_is_refused(client, secretary, require_2fa, clock):
    _login(client, secretary)
    client.get(reverse("two_factor_setup"))
    device = TOTPDevice.objects.get(user=secretary, confirmed=False)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    response = client.post(reverse("two_factor_setup"), {"token": wrong})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("dashboard"))["Location"].startswith(reverse("two_factor_setup"))


def test_until_the_code_is_given_only_the_two_factor_pages_and_logout_answer(
    client, secretary, superuser, require_2fa, clock
):
    _login(client, secretary)
    for url in ["/dashboard/", "/meetings/", "/rectification/", "/accounts/two-factor/", "/accounts/password_change/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("two_factor_setup")), url
    assert client.post(reverse("meetings:create"), {"title": "x"}).status_code == 302  # nor does a POST
    assert client.get(reverse("two_factor_setup")).status_code == 200
    assert client.post(reverse("logout"))["Location"] == reverse("public:home")

    client.force_login(superuser)  # the back office asks too
    response = client.get("/admin/")
    assert response["Location"].startswith(reverse("two_factor_setup"))


def test_with_an_authenticator_the_code_is_asked_after_the_password(client, secretary, require_2fa, clock):
    _login(client, secretary)
    _set_up(client, clock)
    client.post(reverse("logout"))

    response = client.post(reverse("login"), {"username": "secretary", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == f"{reverse('two_factor_verify')}?next=/dashboard/"
    # A password alone cannot replace the authenticator.
    assert client.get(reverse("two_factor_setup"))["Location"].startswith(reverse("two_factor_verify"))

    device = TOTPDevice.objects.get(user=secretary, confirmed=True)
    wrong = f"{(int(_code(device)) + 1) % 1_000_000:06d}"
    assert "That code is not right" in client.post(reverse("two_factor_verify"), {"token": wrong}).content.decode()
    assert client.get(reverse("dashboard")).status_code == 302

    clock.shift(datetime.timedelta(seconds=5))  # a wrong code makes the next try wait a moment
    response = client.post(reverse("two_factor_verify"), {"token": _code(device), "next": "/meetings/"})
    assert response["Location"] == "/meetings/"
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_recovery_code_works_once(client, secretary, require_2fa, clock):
    _login(client, secretary)
    codes = _set_up(client, clock)
    client.post(reverse("logout"))

    _login(client, secretary)
    response = client.post(reverse("two_factor_verify"), {"token": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert "9 are left" in response.content.decode()
    assert StaticToken.objects.filter(device__user=secretary).count() == 9
    client.post(reverse("logout"))

    _login(client, secretary)
    clock.shift(datetime.timedelta(seconds=5))
    response = client.post(reverse("two_factor_verify"), {"token": codes[0]})
    assert "That code is not right" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.SECOND_FACTOR, detail="recovery code used").count() == 1


def test_new_recovery_codes_replace_the_old_ones(client, secretary, require_2fa, clock):
    _login(client, secretary)
    old = _set_up(client, clock)
    response = client.post(reverse("two_factor_recovery_codes"), follow=True)
    new = re.findall(r"<li>([a-z2-7]{8})</li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert set(StaticToken.objects.filter(device__user=secretary).values_list("token", flat=True)) == set(new)


@pytest.mark.parametrize("role", ["publisher", "superuser", "other_secretary"])
def test_publishers_superusers_and_secretaries_must_use_it(client, request, role, require_2fa):
    response = _login(client, request.getfixturevalue(role))
    assert response.wsgi_request.path == reverse("two_factor_setup")


def test_a_member_need_not_use_it(client, member_user, require_2fa):
    assert _login(client, member_user).wsgi_request.path == reverse("dashboard")  # not the setup page
    assert client.get(reverse("dashboard")).status_code == 200


def test_a_member_who_chose_an_authenticator_is_asked_for_it(client, member_user, clock):
    _login(client, member_user)
    _set_up(client, clock)
    client.post(reverse("logout"))
    response = _login(client, member_user)
    assert response.wsgi_request.path == reverse("two_factor_verify")


def test_with_require_2fa_off_nothing_changes(client, secretary, publisher, superuser, settings):
    settings.REQUIRE_2FA = False
    for user in [secretary, publisher, superuser]:
        response = _login(client, user)
        assert response.status_code == 200
        assert response.wsgi_request.path == reverse("dashboard")
        client.post(reverse("logout"))
    assert not TOTPDevice.objects.exists()
