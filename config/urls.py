from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import JavaScriptCatalog

from core import views as core_views

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", views.favicon, name="favicon"),
    # Before Django's own: the switcher that needs no CSRF token (public pages carry none; see core.views).
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("accounts/", include("members.account_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("meetings/", include("meetings.urls")),
    path("meetings/", include("materials.urls")),
    path("meetings/", include("notices.urls")),
    path("meetings/", include("members.urls")),
    path("meetings/", include("reports.urls")),
    path("rectification/", include("rectification.urls")),
    # One sign-in for the site and the back office: the same lockout, second factor and audit log.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include("notices.public_urls")),
]

# A lost database answers the outage page (503, in the reader's language, a posted form's text given
# back) wherever it failed, middleware included; any other error, the plain 500 page.
handler500 = "core.outage.server_error"

admin.site.site_header = _("Meeting Records")
admin.site.site_title = _("Meeting Records")
admin.site.index_title = _("Back office")
