"""What the sanitiser of meetings/markdown.py removes from a notice's body, told to the editor.

The body's Markdown is rendered without sanitising and the raw HTML is scanned for what
render_markdown will drop: disallowed elements (script, iframe, style…), event attributes
(onclick…), inline styles and links or images with a scheme other than http, https and mailto.
Images whose relative address is not one of the notice's uploaded images are reported too:
they would show as broken pictures on the public site. Images from other sites are reported as
shown as links (render_markdown turns them into links, so readers' browsers fetch nothing outside).
"""

from __future__ import annotations

from html.parser import HTMLParser

import markdown as md
from django.utils.translation import gettext as _

from .markdown import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, is_site_address

SAFE_SCHEMES = ("http:", "https:", "mailto:")
HIDDEN_CONTENT = {"script", "style"}


class _Scanner(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.events: list[str] = []
        self.styles = 0
        self.bad_links: list[str] = []
        self.image_sources: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.tags.append(tag)
        for name, value in attrs:
            name = (name or "").lower()
            value = (value or "").strip()
            if name.startswith("on"):
                self.events.append(name)
            elif name == "style":
                self.styles += 1
            elif name in ("href", "src") and tag in ALLOWED_ATTRIBUTES and name in ALLOWED_ATTRIBUTES[tag]:
                scheme = value.split("/", 1)[0].lower().replace(" ", "")
                if ":" in scheme and not scheme.startswith(SAFE_SCHEMES):
                    self.bad_links.append(value[:60])
                elif tag == "img" and name == "src":
                    self.image_sources.append(value)

    handle_startendtag = handle_starttag


def _unique(items):
    return list(dict.fromkeys(items))


def removed_parts(body: str, image_urls: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Sentences telling what the published page will not show of this body (empty: nothing)."""
    raw = md.markdown(body or "", extensions=["extra", "sane_lists"], output_format="html")
    scanner = _Scanner()
    scanner.feed(raw)
    scanner.close()
    warnings = []
    tags = _unique(scanner.tags)
    if tags:
        warnings.append(
            _("Elements removed: %(tags)s.") % {"tags": ", ".join(f"<{t}>" for t in tags)}
            + (" " + _("Their content is removed too.") if HIDDEN_CONTENT & set(tags) else "")
        )
    if scanner.events:
        warnings.append(_("Event attributes removed: %(names)s.") % {"names": ", ".join(_unique(scanner.events))})
    if scanner.styles:
        warnings.append(_("Inline styles (style attributes) removed."))
    if scanner.bad_links:
        warnings.append(
            _("Links or images with an unsafe address removed: %(links)s.")
            % {"links": ", ".join(_unique(scanner.bad_links))}
        )
    sources = _unique(scanner.image_sources)
    outside = [src for src in sources if not is_site_address(src)]
    if outside:
        warnings.append(
            _("Images from other sites are shown as links to them, not as images: %(srcs)s.")
            % {"srcs": ", ".join(src[:60] for src in outside)}
        )
    unknown = [
        src
        for src in sources
        if is_site_address(src)
        and not src.lower().startswith(("http:", "https:"))
        and src.split("?")[0].split("#")[0] not in image_urls
    ]
    if unknown:
        warnings.append(
            _("Images that are not among this notice's uploaded images will not show: %(srcs)s.")
            % {"srcs": ", ".join(unknown)}
        )
    return warnings
