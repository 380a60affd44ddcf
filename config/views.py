from django.contrib.auth.decorators import login_required
from django.core.cache import cache as shared_cache
from django.db import connection
from django.db.utils import DatabaseError
from django.http import HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from materials.selectors import dashboard_sections as material_sections
from meetings.selectors import dashboard_sections as meeting_sections
from members.permissions import is_secretary
from notices.permissions import can_use_newsroom
from notices.selectors import dashboard_sections as notice_sections
from rectification.selectors import dashboard_sections as rectification_sections
from reports.selectors import dashboard_sections as report_sections


@never_cache
@require_GET
def healthz(request):
    """The database and the shared cache. 503 only when the database cannot be reached; 200 with
    "status": "degraded" when only the cache cannot (pages are then served without it)."""
    database = "ok"
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        database = "unreachable"
    # Redis is pinged through its circuit breaker (core.cache): no wait while it is known to be down.
    ping = getattr(shared_cache, "ping", None)
    cache_state = "ok" if ping is None or ping() else "degraded"
    if database != "ok":
        status = "error"
    else:
        status = "ok" if cache_state == "ok" else "degraded"
    return JsonResponse(
        {"status": status, "database": database, "cache": cache_state}, status=503 if database != "ok" else 200
    )


@require_GET
def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /accounts/",
        "Disallow: /dashboard/",
        "Disallow: /meetings/",
        "Disallow: /rectification/",
        f"Sitemap: {request.build_absolute_uri(reverse('public:sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@require_GET
def favicon(request):
    """Browsers ask for /favicon.ico; the icon is a static file."""
    return HttpResponsePermanentRedirect(static("favicon.svg"))


def _where_to_go(user) -> list[tuple[str, str]]:
    """The pages a user may go to when nothing is waiting, by what they do."""
    links = []
    if is_secretary(user):
        links.append((_("Plan a meeting"), reverse("meetings:create")))
    links.append((_("Meetings"), reverse("meetings:list")))
    links.append((_("Rectification ledger"), reverse("rectification:ledger")))
    if can_use_newsroom(user):
        links.append((_("Newsroom"), reverse("newsroom:list")))
    links.append((_("Published notices"), reverse("public:list")))
    return links


@login_required
def dashboard(request):
    """What is waiting for me: each app contributes its sections for this user. Sections with entries
    come first; the others are said in a sentence each; with nothing waiting, the page says so and
    where to go."""
    user = request.user
    sections = (
        meeting_sections(user)
        + material_sections(user)
        + rectification_sections(user)
        + report_sections(user)
        + notice_sections(user)
    )
    waiting = [s for s in sections if s["items"]]
    context = {
        "sections": waiting,
        "quiet": [s for s in sections if not s["items"]],
        "where_to_go": [] if waiting else _where_to_go(user),
    }
    return render(request, "dashboard.html", context)
