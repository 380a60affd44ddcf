"""Markdown rendered to HTML, then sanitised with nh3: no script, no event attributes,
no javascript: links, no inline styles.

Images from other sites become links: a reader's (or a reviewer's) browser fetches nothing from
an address the author chose, so a material or notice cannot tell an outside server who read it
and when. Only the site's own images (a relative address, or SITE_URL's origin) show as images.
"""

import html
import re
import threading
from urllib.parse import urlsplit

import markdown as md
import nh3
from django.conf import settings

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "li", "ol", "p", "pre", "strong", "sub", "sup", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},  # a numbered list that goes on after a paragraph, as in a Word document
    "td": {"align"},
    "th": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "noopener noreferrer"

# One tag of nh3's output, which is well formed: text never holds a raw "<" and every attribute
# value is double-quoted without a raw '"' in it.
_TAG = re.compile(r'<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s"\'=<>/]+(?:="[^"]*")?)*)\s*/?>')
_ATTRIBUTE = re.compile(r'([^\s"\'=<>/]+)(?:="([^"]*)")?')
_IGNORED_IN_URLS = re.compile(r"[\t\n\r]")


def is_site_address(address: str) -> bool:
    """Whether a browser would fetch `address` from this site: a relative address, or an
    absolute one on SITE_URL's origin. Read as browsers read it (tabs and newlines dropped,
    backslashes as slashes, so "/\\host" is another host)."""
    address = _IGNORED_IN_URLS.sub("", address).strip().replace("\\", "/")
    try:
        parts = urlsplit(address)
    except ValueError:
        return False
    if not parts.scheme and not parts.netloc:
        return True
    site = urlsplit(settings.SITE_URL)
    return (parts.scheme.lower(), parts.netloc.lower()) == (site.scheme.lower(), site.netloc.lower())


def _outside_images_as_links(clean_html: str) -> str:
    """Every <img> whose src is not on the site becomes a link to that address, its text the alt
    text or else the address (inside a link, just that text: links do not nest)."""
    out, last, depth = [], 0, 0
    for match in _TAG.finditer(clean_html):
        closing, name = match.group(1), match.group(2).lower()
        if name == "a":
            depth = max(0, depth - 1) if closing else depth + 1
            continue
        if name != "img" or closing:
            continue
        attributes = {key.lower(): html.unescape(value or "") for key, value in _ATTRIBUTE.findall(match.group(3))}
        src = attributes.get("src", "")
        if not src or is_site_address(src):
            continue
        text = html.escape(attributes.get("alt", "").strip() or src)
        if depth:
            replacement = text
        else:
            title = attributes.get("title", "")
            title_attribute = f' title="{html.escape(title)}"' if title else ""
            replacement = f'<a href="{html.escape(src)}"{title_attribute} rel="{LINK_REL}">{text}</a>'
        out.append(clean_html[last : match.start()])
        out.append(replacement)
        last = match.end()
    if not out:
        return clean_html
    out.append(clean_html[last:])
    return "".join(out)


def _clean(raw_html: str) -> str:
    return nh3.clean(
        raw_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel=LINK_REL,
    )


_converters = threading.local()


def _converter() -> md.Markdown:
    """One Markdown converter per thread, reset before each use: building one loads every
    extension again, which was a quarter of a 200-material Word bundle's time."""
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = md.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return converter.reset()


def render_markdown(text: str) -> str:
    html_text = _converter().convert(text or "")
    clean = _clean(html_text)
    rewritten = _outside_images_as_links(clean)
    # The links are built from escaped values; cleaning once more keeps the guarantee in one place.
    return clean if rewritten is clean else _clean(rewritten)
