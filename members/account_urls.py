"""Account pages under /accounts/, beside Django's login, logout and password views (no namespace, as theirs)."""

from django.urls import path

from . import views

urlpatterns = [
    path("two-factor/", views.two_factor_overview, name="two_factor"),
    path("two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("two-factor/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("two-factor/recovery-codes/", views.two_factor_recovery_codes, name="two_factor_recovery_codes"),
]
