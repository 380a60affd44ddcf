"""Every page each role can reach: accessible to everyone, and comfortable on a phone.

For each role (the anonymous reader, the member, the secretary, the publisher and the superuser) the
crawl starts at the role's first page and follows every same-origin link it finds, in Chinese (the
default) and, for the secretary, in English too. It leaves out the logout and the language switch,
files (calendars, Word and Excel exports, the feed, attachments: known by their address, and by a
Content-Type other than HTML for the rest) and actions that only take a POST (forms are not
submitted, and an address that answers 405 is skipped). Pages are grouped by kind: the route Django
resolves plus the names in the query string; each kind is visited at most PER_KIND times per role
(once for the superuser and in English), which keeps the whole crawl to a few minutes.

On every page:
- axe-core checks the WHOLE document (navbar, breadcrumb and footer included); any violation rated
  serious or critical fails the test, with the page, the rule and the elements;
- a field marked invalid names its error with aria-describedby, and every error shown is named by a field;
- every element the keyboard reaches shows a focus ring; a badge says its state in words;
- at 375 px wide the page is no wider than the screen (document.documentElement.scrollWidth <= 375),
  and buttons, fields, navbar, tab and page links are at least 44 px high;
- a link the role is shown does not lead to an error, and nothing breaks the Content-Security-Policy.

Beside what links reach, the roles visit what no link leads to: the error pages (404; 403 for the
member on the newsroom and on a secretary's action; the server error page; the sign-in lockout,
reached by five wrong passwords), the password pages (change, reset, their "done" pages, an invalid
reset link), the search results, and forms sent back with errors (the sign-in, the password change,
a new meeting sent empty, an absence without a reason on the attendance sheet).

The back office (/admin/) is left out. Crawled by the superuser (one visit per route), its 137 kinds
of page took 195 s on a busy 2-core machine and showed 118 serious or critical findings: 74 were
breadcrumb links told apart by colour alone, which our CSS now fixes (templates/admin/base_site.html
loads static/css/admin-access.css; it also lets a wide inline table scroll in its own box); the rest
are in Django's own admin templates and vendored JavaScript: select2 autocomplete boxes without an accessible name
(aria-input-field-name, 25, on every form with a foreign key), tabular inline rows whose cells have no
label (label, select-name, label-title-only), the two-box many-to-many picker's aria-label on a span
(aria-prohibited-attr), select2's list markup (list). Fixing those means forking Django's admin
templates and scripts, which then drift from each Django release; the back office is the
administrator's tool, not a phone screen, and the site's own pages cover every task of a member, a
secretary and a publisher. The crawl follows no link into it.
"""

import re
import time
from collections import Counter
from urllib.parse import parse_qsl, urldefrag, urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve

from meetings.models import Attendance, Meeting
from rectification.models import RectificationItem
from tests.e2e.conftest import DEMO_PASSWORD, REPORT_VIOLATIONS

PHONE = {"width": 375, "height": 800}
DESKTOP = {"width": 1280, "height": 900}
PER_KIND = 2  # visits of each kind of page per role; 1 for the superuser and the second language
SERIOUS = {"serious", "critical"}
# Not followed: leaving, switching language, the back office, and addresses that serve a file.
SKIP_PATH = re.compile(
    r"^/admin/|/logout/|^/i18n/|\.(ics|xlsx|docx|csv|xml|txt|pdf)$|/feed/|/export|/attachments/|/evidence/|/images/"
)
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}

# axe on the whole document; a run that does not end within a minute fails instead of hanging the suite.
AXE_RUN = """Promise.race([
  axe.run(document, {resultTypes: ['violations']}),
  new Promise((_, reject) => setTimeout(() => reject(new Error('axe did not finish in 60 s')), 60000)),
])"""

# Checks axe does not make, run in the page. `named(el)` says which element a finding is about.
NAMED = """const named = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + Array.from(el.classList).slice(0, 3).map(c => '.' + c).join('');
const shown = el => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';"""

# At the desktop width: (1) a field marked invalid names a visible error text with aria-describedby, and
# every error shown is named by a field; (2) every element the keyboard reaches shows a ring of at least
# 2 px (or a shadow) when it has the focus (before any click, programmatic focus looks as a keyboard's
# would); (3) a badge says its state in words, not by its colour alone.
DESKTOP_CHECKS = (
    """() => {"""
    + NAMED
    + """
  const problems = [];
  const described = new Set();
  document.querySelectorAll('[aria-describedby]').forEach(el => {
    el.getAttribute('aria-describedby').split(/\\s+/).forEach(id => id && described.add(id));
  });
  document.querySelectorAll('[aria-invalid="true"]').forEach(el => {
    const ids = (el.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
    const fieldset = el.closest('fieldset[aria-describedby]');
    if (fieldset) ids.push(...fieldset.getAttribute('aria-describedby').split(/\\s+/));
    const texts = ids.map(id => document.getElementById(id)).filter(Boolean).map(n => n.textContent.trim());
    if (!texts.some(Boolean)) problems.push(named(el) + ' is invalid but names no error');
  });
  document.querySelectorAll('.invalid-feedback, .errorlist').forEach(el => {
    if (!shown(el) || !el.textContent.trim()) return;
    const box = el.id ? el : el.closest('[id]');
    if (!box || !described.has(box.id)) problems.push('the error "' + el.textContent.trim() + '" is named by no field');
  });
  const focusable = 'a[href], button:not([disabled]), input:not([type=hidden]):not([disabled]),'
    + ' select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
  const unseen = [];
  for (const el of document.querySelectorAll(focusable)) {
    if (!shown(el)) continue;
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    const style = getComputedStyle(el);
    const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    if (!ring && style.boxShadow === 'none') unseen.push(named(el));
  }
  if (document.activeElement) document.activeElement.blur();
  if (unseen.length) problems.push('no visible focus on ' + unseen.slice(0, 5).join(', '));
  document.querySelectorAll('.badge').forEach(el => {
    if (shown(el) && !el.textContent.trim()) problems.push(named(el) + ' says nothing in words');
  });
  return problems;
}"""
)

# At 375 px: (1) the page is no wider than the screen; if it is, the innermost elements that reach past
# it are named; (2) what a finger presses to send a form or to move around (buttons, fields, the navbar,
# tabs, page links) is at least 44 px high, with 2 px of slack; check boxes and radio buttons count with
# their label, and links in running text are left out.
PHONE_CHECKS = (
    """(limit) => {"""
    + NAMED
    + """
  const problems = [];
  const width = document.documentElement.scrollWidth;
  if (width > limit) {
    const wide = Array.from(document.querySelectorAll('body *'))
      .filter(el => shown(el) && el.getBoundingClientRect().right > limit + 1)
      .filter(el => !Array.from(el.children).some(c => c.getBoundingClientRect().right > limit + 1));
    problems.push(width + ' px wide at ' + limit + ' px (' + wide.slice(0, 3).map(named).join(', ') + ')');
  }
  const touched = 'form button, form .btn, form input:not([type=hidden]):not([type=checkbox]):not([type=radio]),'
    + ' form select, .navbar a, .navbar button, .nav-link, .btn, .page-link';
  const small = Array.from(document.querySelectorAll(touched))
    .filter(el => shown(el) && el.getBoundingClientRect().height < 42)
    .map(el => named(el) + ' ' + Math.round(el.getBoundingClientRect().height) + ' px');
  if (small.length) problems.push('too small to touch at ' + limit + ' px: ' + small.slice(0, 5).join(', '));
  return problems;
}"""
)


def _kind(path: str) -> str | None:
    """The kind of page an address shows: its route and the names (not the values) of its query string."""
    parts = urlsplit(path)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return None
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return f"{match.route}?{'&'.join(keys)}"


class Crawl:
    def __init__(self, context, base_url: str, per_kind: int = PER_KIND):
        self.page = context.new_page()
        self.per_kind = per_kind
        self.base = base_url
        self.seen: set[str] = set()
        self.kinds: Counter = Counter()
        self.visited: list[str] = []
        self.problems: list[str] = []
        self.skipped: Counter = Counter()

    def check_page(self, path: str, response, *, expect_status: int = 200, source: str = "") -> list[str]:
        """Check the page on screen; return the links it shows."""
        page = self.page
        content_type = response.headers.get("content-type", "") if response else ""
        if not content_type.startswith("text/html"):
            self.skipped["not HTML: " + (content_type.split(";")[0] or "none")] += 1
            return []
        if response.status == 405 and expect_status == 200:  # an action that takes only a POST
            self.skipped["POST only"] += 1
            return []
        if response.status != expect_status:
            self.problems.append(f"{path}: status {response.status}, expected {expect_status} (from {source})")
        self.visited.append(path)
        page.evaluate(AXE_SCRIPT)
        for violation in page.evaluate(AXE_RUN)["violations"]:
            if violation["impact"] in SERIOUS:
                targets = [" ".join(node["target"]) for node in violation["nodes"]]
                more = f" and {len(targets) - 4} more" if len(targets) > 4 else ""
                self.problems.append(
                    f"{path}: axe {violation['id']} ({violation['impact']}) on {', '.join(targets[:4])}{more}"
                )
        self.problems += [f"{path}: {problem}" for problem in page.evaluate(DESKTOP_CHECKS)]
        page.set_viewport_size(PHONE)
        self.problems += [f"{path}: {problem}" for problem in page.evaluate(PHONE_CHECKS, PHONE["width"])]
        page.set_viewport_size(DESKTOP)
        return page.evaluate("Array.from(document.querySelectorAll('a[href]:not([download])'), a => a.href)")

    def visit(self, path: str, *, expect_status: int = 200, source: str = "") -> list[str]:
        try:
            response = self.page.goto(self.base + path)
        except Exception as error:
            if "Download is starting" in str(error):  # a file served as an attachment
                self.skipped["download"] += 1
                return []
            raise
        return self.check_page(path, response, expect_status=expect_status, source=source)

    def crawl(self, start: str):
        queue = [(start, "start")]
        while queue:
            url, source = queue.pop(0)
            if not url.startswith(self.base + "/") and not url.startswith("/"):
                continue
            path = urldefrag(url.removeprefix(self.base)).url
            if path in self.seen:
                continue
            self.seen.add(path)
            if SKIP_PATH.search(urlsplit(path).path):
                self.skipped["logout, language, back office or a file"] += 1
                continue
            kind = _kind(path)
            if kind is None:
                self.problems.append(f"{path}: no such address (linked from {source})")
                continue
            if self.kinds[kind] >= self.per_kind:
                continue
            self.kinds[kind] += 1
            queue += [(link, path) for link in self.visit(path, source=source)]

    def submit(self, path: str, fields: dict[str, str], *, form="main form", expect_status=200, label="sent back"):
        """Fill in a form so that it comes back with errors, send it, and check the page that answers."""
        page = self.page
        page.goto(self.base + path)
        for name, value in fields.items():
            field = page.locator(f"{form} [name='{name}']")
            if field.evaluate("el => el.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)
        page.evaluate("document.querySelectorAll('main form').forEach(f => { f.noValidate = true; })")  # as sent
        with page.expect_navigation() as navigation:
            page.locator(f"{form} button[type=submit]").first.click()
        self.check_page(f"{path} ({label})", navigation.value, expect_status=expect_status)

    def log_in(self, username: str):
        self.page.goto(f"{self.base}/accounts/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        with self.page.expect_navigation():
            self.page.click("main form button[type=submit]")
        assert "/accounts/login/" not in self.page.url, f"{username} could not sign in"


def _anonymous_extras(crawl: Crawl):
    crawl.visit("/search/?q=民主生活会")
    crawl.visit("/no-such-page/", expect_status=404)
    for path in ["/accounts/password_reset/", "/accounts/password_reset/done/", "/accounts/reset/done/"]:
        crawl.visit(path)
    crawl.visit("/accounts/reset/MQ/not-a-token/")  # a reset link that is no longer valid
    crawl.page.route(
        "**/server-error-page",
        lambda route: route.fulfill(status=500, content_type="text/html", body=render_to_string("500.html")),
    )
    crawl.visit("/server-error-page", expect_status=500)
    # Five wrong passwords: the first page says so next to the form, the fifth pauses sign-in.
    fields = {"username": "nobody", "password": "wrong-password"}
    crawl.submit("/accounts/login/", fields)
    for _ in range(3):
        crawl.page.goto(crawl.base + "/accounts/login/")
        crawl.page.fill("input[name=username]", "nobody")
        crawl.page.fill("input[name=password]", "wrong-password")
        with crawl.page.expect_navigation():
            crawl.page.click("main form button[type=submit]")
    crawl.submit("/accounts/login/", fields, expect_status=429, label="locked")


def _member_extras(crawl: Crawl):
    item = RectificationItem.objects.filter(responsible_member__user__username="member").order_by("pk").first()
    crawl.visit("/no-such-page/", expect_status=404)
    crawl.visit("/meetings/notices/", expect_status=403)  # the newsroom
    crawl.visit(f"/rectification/items/{item.pk}/edit/", expect_status=403)  # only a secretary edits an item
    crawl.visit("/accounts/password_change/done/")
    crawl.submit("/accounts/password_change/", {"old_password": "not-my-password", "new_password1": "x"})


def _secretary_extras(crawl: Crawl):
    crawl.submit("/meetings/new/", {"title": ""})
    # An absence without a reason, on the attendance sheet of a meeting still being prepared.
    meeting = Meeting.objects.filter(
        status=Meeting.Status.PREPARING, organisation__name="中共重庆市人民政府党组"
    ).first()
    absent = {"sheet-0-status": Attendance.Status.ABSENT, "sheet-0-reason": ""}
    crawl.submit(f"/meetings/{meeting.pk}/attendance/", absent, form="form.attendance-sheet")


ROLES = {
    "anonymous": (None, "/", _anonymous_extras),
    "member": ("member", "/dashboard/", _member_extras),
    "secretary": ("secretary", "/dashboard/", _secretary_extras),
    "publisher": ("publisher", "/dashboard/", None),
    "admin": ("admin", "/dashboard/", None),
}
CASES = [(role, "zh-hans") for role in ROLES] + [("secretary", "en")]
# The superuser sees the secretary's pages for every organisation, and English shows the same pages again:
# one of each kind is enough there.
ONCE = {("admin", "zh-hans"), ("secretary", "en")}


@pytest.fixture
def new_context(browser, csp_violations):
    """A browser context in a language, reporting what the Content-Security-Policy blocked."""
    contexts = []

    def _make(language: str):
        context = browser.new_context(locale=LOCALES[language], viewport=DESKTOP)
        context.expose_binding("__reportCspViolation", lambda source, text: csp_violations.append(text))
        context.add_init_script(REPORT_VIOLATIONS)
        contexts.append(context)
        return context

    yield _make
    for context in contexts:
        context.close()
    if csp_violations:
        pytest.fail("Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(csp_violations)), pytrace=False)


@pytest.mark.parametrize(("role", "language"), CASES, ids=[f"{r}-{lang}" for r, lang in CASES])
def test_every_page_a_role_reaches_is_accessible_and_fits_a_phone(demo, live_server, new_context, role, language):
    started = time.monotonic()
    crawl = Crawl(new_context(language), live_server.url, per_kind=1 if (role, language) in ONCE else PER_KIND)
    username, start, extras = ROLES[role]
    if username:
        crawl.log_in(username)
    crawl.crawl(start)
    if extras:
        extras(crawl)
    lang = crawl.page.evaluate("document.documentElement.lang")
    assert lang == language, f"the pages were in {lang}, not {language}"
    print(
        f"\n{role} ({language}): {len(crawl.visited)} pages of {len(crawl.kinds)} kinds"
        f" in {time.monotonic() - started:.0f} s; skipped {dict(crawl.skipped)}"
    )
    assert not crawl.problems, f"{len(crawl.problems)} problems for {role} ({language}):\n" + "\n".join(crawl.problems)
