"""The back office names the third-party apps in the reader's language.

django-axes and django-otp give their apps no verbose name (the admin shows "AXES", "OTP_TOTP")
and django-otp's device models plain English names; these configs give them translatable ones.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDefaultConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDefaultConfig


class LockoutsConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class AuthenticatorAppsConfig(TOTPDefaultConfig):
    verbose_name = _("Two-factor: authenticator apps")

    def ready(self):
        super().ready()
        meta = self.get_model("TOTPDevice")._meta
        meta.verbose_name, meta.verbose_name_plural = _("authenticator app"), _("authenticator apps")


class RecoveryCodesConfig(StaticDefaultConfig):
    verbose_name = _("Two-factor: recovery codes")

    def ready(self):
        super().ready()
        meta = self.get_model("StaticDevice")._meta
        meta.verbose_name, meta.verbose_name_plural = _("recovery code set"), _("recovery code sets")
