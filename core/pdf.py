"""PDF on the server: an official document's print template rendered by WeasyPrint (through django-weasyprint).

WeasyPrint needs system libraries (Pango, HarfBuzz, fontconfig) that a fresh machine with only
Python lacks: importing it then raises OSError. So it is imported here, lazily, when a PDF is asked
for, never at start-up: every other page works without it, and a PDF link answers with a page that
says what to install (`pdf_response` -> 503 with `core/pdf_unavailable.html`).

The document is laid out by static/css/official-print.css (GB/T 9704-2012: A4, the standard's
margins, 小标宋 title, 仿宋 body, 黑体 and 楷体 headings, "— 1 —" page numbers). Resources are read
from disk, never over the network: static files through django-weasyprint's fetcher, anything else
only through a `resolve` hook the caller passes (a notice's images); every other address is refused,
so a link in a stored text can neither reach another server nor read a local file.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from urllib.parse import urlparse

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# What Debian calls the libraries and fonts WeasyPrint needs (README: Setting up; .ci/run installs them).
SYSTEM_PACKAGES = (
    "libpango-1.0-0",
    "libpangoft2-1.0-0",
    "libharfbuzz-subset0",
    "libfontconfig1",
    "fonts-noto-cjk",
    "fonts-arphic-ukai",
    "fonts-arphic-uming",
    "fonts-wqy-microhei",
)
INSTALL_COMMAND = "apt-get install " + " ".join(SYSTEM_PACKAGES)
STYLESHEET = "css/official-print.css"

# A resolver takes the address's path ("/notices/images/3/") and returns (bytes, content type) or None.
Resolver = Callable[[str], "tuple[bytes, str] | None"]


@functools.cache
def unavailable_reason() -> str:
    """Why PDFs cannot be made on this machine, or "" when they can (WeasyPrint and its libraries load).

    Asked once per process: a failed import prints WeasyPrint's banner and retries the libraries each time,
    and the libraries, once installed, are loaded by a restarted app anyway."""
    try:
        import django_weasyprint  # noqa: F401
        import weasyprint  # noqa: F401
    except (OSError, ImportError) as exc:
        return str(exc) or exc.__class__.__name__
    return ""


def install_hint() -> str:
    return _(
        "PDF needs the system libraries Pango, HarfBuzz and fontconfig and a Chinese font, "
        "which this server lacks. Install them with: %(command)s (then restart the app)"
    ) % {"command": INSTALL_COMMAND}


def _response_class():
    """django-weasyprint's response, with resources read from disk only (imported when a PDF is made)."""
    from django_weasyprint.utils import DjangoURLFetcher
    from django_weasyprint.views import WeasyTemplateResponse
    from weasyprint.urls import URLFetcherResponse

    class LocalFetcher(DjangoURLFetcher):
        resolve: Resolver | None = None

        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                if parsed.path.startswith(settings.STATIC_URL):
                    return super().fetch(url, headers)
                found = self.resolve(parsed.path) if self.resolve else None
                if found is not None:
                    body, content_type = found
                    return URLFetcherResponse(url=url, body=body, headers={"Content-Type": content_type})
            # WeasyPrint leaves the resource out (an image shows its alt text) and logs the refusal.
            raise ValueError(f"not fetched for a PDF: {url}")

    class OfficialDocumentResponse(WeasyTemplateResponse):
        resolve: Resolver | None = None

        def get_base_url(self):
            # Root-relative addresses (/static/..., /notices/images/...) become file:/// paths the fetcher knows.
            return "file:///"

        def get_url_fetcher(self, *args, **kwargs):
            fetcher = LocalFetcher(*args, **kwargs)
            fetcher.resolve = self.resolve
            return fetcher

    return OfficialDocumentResponse


def pdf_response(
    request,
    template: str,
    context: dict,
    *,
    filename: str,
    title: str = "",
    author: str = "",
    resolve: Resolver | None = None,
):
    """The template rendered to a PDF download; a 503 page naming what to install when WeasyPrint cannot load.

    The template gets `pdf=True` (and should link `STYLESHEET` then); title and author go into the PDF's
    document properties through the page's <title> and <meta name="author">.
    """
    reason = unavailable_reason()
    if reason:
        logger.warning("PDF refused, WeasyPrint does not load: %s", reason)
        return render(
            request,
            "core/pdf_unavailable.html",
            {"hint": install_hint(), "command": INSTALL_COMMAND, "reason": reason},
            status=503,
        )
    response_class = _response_class()
    response = response_class(
        request,
        template,
        {**context, "pdf": True, "pdf_title": title, "pdf_author": author},
        filename=filename,
        attachment=False,  # opens in the browser's viewer; its own button saves it
    )
    response.resolve = resolve
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
