"""Hostile input to every form and every filter of the app: never a 500, and nothing saved when refused.

The forms are found, not listed: every URL pattern of tests/url_auth/ (so a new page is covered
as soon as it has its row there) is opened as each role that may see it, plus the pages of
`EXTRA_PAGES` that show forms only in other states (a draft's editor, an item awaiting
verification…). Every <form> on those pages is then attacked:

- POST forms, as the first role that sees them: each field in turn with NUL and the whole form
  with each of a few critical values (control characters, line breaks, huge and negative
  numbers, far dates, very long text), then property-based examples (hypothesis) mixing
  control characters, RTL/emoji, HTML/script, numbers and dates. A refused POST (anything but a
  redirect, or a redirect with an error message) must leave the database as it was.
- GET forms (filters, search) and the query parameters of a page's own links, likewise.

A 500 surfaces as the view's exception (the test client re-raises it).
"""

import datetime
import functools
import io
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
import openpyxl
import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.db import connection
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.forms import TextSafeMixin
from materials.models import InspectionMaterial
from meetings.models import Attendance
from notices.models import Notice
from rectification.models import RectificationItem

from .factories import AttendanceFactory, ItemFactory, MaterialFactory, MeetingFactory, NoticeFactory
from .test_url_auth import TABLE, objects  # noqa: F401 (objects: the shared fixture of every role and object)
from .url_auth.foundation import SKIP_PREFIXES

ROLE_ORDER = ["secretary", "member", "publisher", "superuser", "other_secretary", "other_member", "anonymous"]

# Values that broke or could break a page: each is posted into every field of every form.
CRITICAL = [
    "a\x00b",
    "line\nbreak\x0b\x1b\x7f\x85",
    "99999999999999999999",
    "-99999999999999999999",
    "0001-01-01",
    "9999-12-31T23:59",
    "x" * 100_001,  # beyond the longest text a box takes
]
FIXED = [
    "\x00",
    "\x00" * 5,
    "\x01\x02\x08\x0c\x1f",
    "\ufffe\uffff",
    "\r",
    "a\r\nb",
    "\u2028\u2029",
    "\t",
    " ",
    "",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR '1'='1' --",
    "{{ 7|add:7 }}{% now 'Y' %}",
    "%(name)s %s %n",
    "‮evil‬ مرحبا שלום",
    "👍🏽👨‍👩‍👧 𝕏 \u200b Ａ",
    "2147483648",
    "9223372036854775808",
    "-1",
    "0",
    "1e308",
    "NaN",
    "1.5",
    "1920-12-31",
    "2101-01-01",
    "99999-01-01",
    "2024-02-30",
    "0000-00-00",
    "25:61",
    "x" * 1001,
]
HOSTILE = st.one_of(
    st.sampled_from(FIXED + CRITICAL[:-1]),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=30),
    st.integers().map(str),
    st.dates(min_value=datetime.date(1, 1, 1)).map(datetime.date.isoformat),
)
EXAMPLES = 6  # hypothesis examples per page, beyond the critical sweep

# Rows that a refused request may still write: the session, sign-in bookkeeping and security events.
UNWATCHED_APPS = {"sessions", "admin", "contenttypes", "axes", "otp_totp", "otp_static"}
UNWATCHED_MODELS = {"members.auditevent", "auth.permission"}


# --- pages that show forms only in states the shared fixture does not have -------------------------


def _draft_editor(o):
    meeting = MeetingFactory(organisation=o["org"], year=2023)
    member = o["users"]["member"].member
    AttendanceFactory(meeting=meeting, member=member, role=Attendance.Role.PARTICIPANT)
    draft = MaterialFactory(meeting=meeting, author=member, status=InspectionMaterial.Status.DRAFT, title="Draft")
    return reverse("materials:edit", args=[draft.pk]), ["member"]


def _draft_notice(o):
    notice = NoticeFactory(organisation=o["org"], meeting=o["meeting"], status=Notice.Status.DRAFT)
    return reverse("newsroom:edit", args=[notice.pk]), ["publisher"]


def _done_item(o):
    item = ItemFactory(plan=o["item"].plan, status=RectificationItem.Status.DONE, progress_percent=100)
    return reverse("rectification:item_detail", args=[item.pk]), ["secretary"]


def _verified_item(o):
    item = ItemFactory(plan=o["item"].plan, status=RectificationItem.Status.VERIFIED, progress_percent=100)
    return reverse("rectification:item_detail", args=[item.pk]), ["secretary"]


def _new_item(o):
    return reverse("rectification:item_create") + f"?plan={o['item'].plan.pk}", ["secretary"]


def _new_problem(o):
    return reverse("rectification:problem_create") + f"?meeting={o['meeting'].pk}", ["secretary"]


EXTRA_PAGES = {
    "draft material editor": _draft_editor,
    "draft notice": _draft_notice,
    "item awaiting verification": _done_item,
    "verified item": _verified_item,
    "new item of a plan": _new_item,
    "new problem of a meeting": _new_problem,
}


# --- reading the forms of a page ------------------------------------------------------------------


def _skipped(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return True
    name = f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")
    return any(name.startswith(prefix) for prefix in SKIP_PREFIXES)


def _benign(kind: str) -> str:
    return {
        "date": "2024-05-01",
        "datetime-local": "2030-05-01T10:00",
        "time": "10:00",
        "number": "1",
        "email": "someone@example.org",
    }.get(kind, "Benign text")


class Form:
    """A form of a page: where it goes, its fields with the values a user would leave, its buttons."""

    def __init__(self, action: str, method: str, role: str, defaults: dict | None = None):
        parts = urlsplit(action)
        self.path = parts.path
        self.query = dict(parse_qsl(parts.query))
        self.method = method
        self.role = role
        self.defaults: dict[str, str] = dict(defaults or {})
        self.fields: list[str] = list(self.defaults)
        self.buttons: list = [None]

    @classmethod
    def of(cls, page_url: str, element, role: str) -> "Form":
        form = cls(urljoin(page_url, element.get("action") or page_url), (element.get("method") or "get").lower(), role)
        form.read(element)
        return form

    def read(self, element) -> None:
        for field in element.inputs:
            name = field.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            kind = (field.get("type") or "text").lower() if field.tag == "input" else field.tag
            if kind in ("file", "submit", "button", "image", "reset"):
                continue
            if kind in ("checkbox", "radio"):
                if field.checked or (kind == "radio" and name not in self.defaults):
                    self.defaults[name] = field.get("value") or "on"
            elif field.tag == "select":
                options = [o.get("value", o.text_content()) for o in field.iter("option")]
                chosen = [
                    o.get("value", o.text_content()) for o in field.iter("option") if o.get("selected") is not None
                ]
                filled = [v for v in options if v]
                self.defaults[name] = (chosen or filled or [""])[0]
            elif kind == "hidden":
                self.defaults[name] = field.get("value") or ""
            else:
                value = field.text_content() if field.tag == "textarea" else field.get("value")
                self.defaults[name] = value or _benign(kind)
            if name not in self.fields:
                self.fields.append(name)
        self.buttons = [
            (button.get("name"), button.get("value", ""))
            for button in element.xpath(".//button[@name]|.//input[@type='submit'][@name]")
            if (button.get("type") or "submit").lower() == "submit"
        ] or [None]

    @property
    def key(self):
        """The same form wherever it is shown (ids aside), for the same role."""
        return (self.method, re.sub(r"\d+", "#", self.path), tuple(sorted(self.fields)), self.role)


def _page_forms(client, url: str, roles: list[str], users) -> list[Form]:
    found: dict = {}
    for role in roles:
        _sign_in(client, users[role])
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        document = lxml.html.fromstring(response.content)
        forms = [Form.of(url, element, role) for element in document.forms]
        # The query parameters of the page's own links (sorting, paging, filters), with "page", make one more
        # GET form on a page that takes any (a list, a filter, a search).
        path = urlsplit(url).path
        params = {}
        for href in document.xpath("//a/@href"):
            target = urlsplit(urljoin(url, href))
            if target.path == path:
                for param, value in parse_qsl(target.query, keep_blank_values=True):
                    params.setdefault(param, value)
        if params or any(form.method == "get" and form.path == path for form in forms):
            forms.append(Form(url, "get", role, {"page": "2", **params}))
        for form in forms:
            # A GET form is attacked on the page it submits to (the search box of every page, on /search/).
            elsewhere = form.method == "get" and form.path != path
            if form.fields and not elsewhere and not _skipped(form.path) and form.key not in found:
                found[form.key] = form
    return list(found.values())


# --- sending ---------------------------------------------------------------------------------------


def _sign_in(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


@functools.cache
def _watched_queries() -> list[tuple[str, str]]:
    """One plain SELECT of every column per watched table, ordered by the primary key."""
    quote = connection.ops.quote_name
    queries = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if model._meta.app_label in UNWATCHED_APPS or label in UNWATCHED_MODELS:
            continue
        table = model._meta.db_table  # a proxy reads its concrete model's table: read once
        queries.setdefault(table, f"SELECT * FROM {quote(table)} ORDER BY {quote(model._meta.pk.column)}")
    return list(queries.items())


def _state():
    """Every watched row of every table (the values as stored), to tell whether a refused request wrote
    anything. Read with plain SQL: the ORM's query building was half the time of these tests."""
    with connection.cursor() as cursor:
        state = {}
        for table, sql in _watched_queries():
            cursor.execute(sql)
            state[table] = cursor.fetchall()
    return state


def _refused(response) -> bool:
    if response.status_code not in (301, 302, 303):
        return True
    queued = getattr(response.wsgi_request, "_messages", None)
    return any(m.level >= message_levels.ERROR for m in getattr(queued, "_queued_messages", []))


def _send(client, form: Form, users, values: dict, button):
    _sign_in(client, users[form.role])
    client.cookies.pop("messages", None)
    data = {**form.defaults, **values}
    if button:
        data[button[0]] = button[1]
    if form.method != "post":
        response = client.get(form.path, {**form.query, **data})
        assert response.status_code < 500
        return
    before = _state()
    path = form.path + (f"?{'&'.join(f'{k}={v}' for k, v in form.query.items())}" if form.query else "")
    response = client.post(path, data)
    assert response.status_code < 500
    if _refused(response):
        assert _state() == before, f"a refused POST to {form.path} changed the database: {values!r}"


# Forms already attacked in this process: a form shown on several pages (an item's progress form on each
# page of the item) is attacked once.
_ATTACKED: set = set()


def _attack(client, forms: list[Form], users):
    forms = [form for form in forms if form.key not in _ATTACKED]
    if not forms:
        return
    _ATTACKED.update(form.key for form in forms)
    for form in forms:
        for name in form.fields:
            _send(client, form, users, {name: "a\x00b"}, form.buttons[0])
        for value in CRITICAL:
            _send(client, form, users, dict.fromkeys(form.fields, value), form.buttons[-1])

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(st.data())
    def examples(data):
        form = data.draw(st.sampled_from(forms))
        if data.draw(st.booleans()):
            targets = form.fields
        else:
            targets = [data.draw(st.sampled_from(form.fields))]
        values = {name: data.draw(HOSTILE) for name in targets}
        _send(client, form, users, values, data.draw(st.sampled_from(form.buttons)))

    examples()


@pytest.fixture(autouse=True)
def _quiet(settings, fresh_page_cache, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(TABLE))
def test_hostile_input_to_the_forms_of_each_page(client, objects, name):  # noqa: F811
    row = TABLE[name]
    url = reverse(name, kwargs=row["kwargs"](objects) if "kwargs" in row else {})
    roles = [role for role in ROLE_ORDER if row["expect"].get(role) == 200]
    forms = _page_forms(client, url, roles, objects["users"])
    if forms:
        _attack(client, forms, objects["users"])


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(EXTRA_PAGES))
def test_hostile_input_to_forms_shown_in_other_states(client, objects, label):  # noqa: F811
    url, roles = EXTRA_PAGES[label](objects)
    forms = [form for form in _page_forms(client, url, roles, objects["users"]) if form.method == "post"]
    assert forms, f"no form found on {url}"
    _attack(client, forms, objects["users"])


def _project_forms():
    from django import forms as django_forms

    modules = [
        f"{app}.{module}"
        for app in ("core", "members", "meetings", "materials", "rectification", "notices")
        for module in ("forms", "views", "public_views")
    ]
    found = []
    for dotted in modules:
        try:
            module = __import__(dotted, fromlist=["*"])
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, django_forms.BaseForm)
                and value.__module__ == dotted
                and not value.__name__.startswith("TextSafe")
            ):
                found.append(value)
    return found


def test_every_form_of_the_project_is_text_safe():
    forms = _project_forms()
    assert len(forms) >= 20
    unsafe = sorted(f"{form.__module__}.{form.__name__}" for form in forms if not issubclass(form, TextSafeMixin))
    assert unsafe == [], f"forms that do not inherit core.forms.TextSafeForm / TextSafeModelForm: {unsafe}"


# --- the findings of the review, one by one -----------------------------------------------------------


@pytest.mark.django_db
def test_a_notice_withdrawal_reason_with_nul_is_refused_and_nothing_changes(client, org, publisher):
    notice = NoticeFactory(
        organisation=org, status=Notice.Status.PUBLISHED, publish_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(publisher)
    url = reverse("newsroom:withdraw", args=[notice.pk])
    response = client.post(url, {"reason": "Wrong\x00 date"}, follow=True)
    assert response.status_code == 200
    assert "invisible control character" in response.content.decode()
    notice.refresh_from_db()
    assert notice.status == Notice.Status.PUBLISHED and notice.withdrawn_reason == ""
    response = client.post(url, {"reason": "Two\nlines"}, follow=True)
    assert "must be one line" in response.content.decode()
    client.post(url, {"reason": "Wrong date"})
    notice.refresh_from_db()
    assert notice.status == Notice.Status.WITHDRAWN and notice.withdrawn_reason == "Wrong date"


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["meeting", "organisation", "responsible"])
@pytest.mark.parametrize("value", ["99999999999999999999", "9223372036854775808", "-99999999999999999999", "x"])
def test_the_ledger_answers_an_id_that_cannot_exist_with_no_items(client, secretary, param, value):
    item = ItemFactory(
        plan__meeting=MeetingFactory(organisation=secretary.member.memberships.first().organisation),
        measure="A measure of the ledger",
    )
    client.force_login(secretary)
    assert item.measure in client.get(reverse("rectification:ledger")).content.decode()
    for name in ("rectification:ledger", "rectification:ledger_print"):
        response = client.get(reverse(name), {param: value})
        assert response.status_code == 200, name
        assert item.measure not in response.content.decode(), name
    response = client.get(reverse("rectification:ledger_export"), {param: value})
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.max_row == 1  # the header alone


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"organisation": "99999999999999999999"},
        {"organisation": "-1"},
        {"year": "99999999999999999999"},
        {"status": "\x00"},
        {"kind": "<script>"},
    ],
)
def test_the_meeting_list_answers_an_out_of_range_filter_with_nothing_and_a_marked_field(
    client, secretary, meeting, params
):
    client.force_login(secretary)
    response = client.get(reverse("meetings:list"), params)
    assert response.status_code == 200
    page = response.content.decode()
    assert "No meetings." in page and meeting.get_absolute_url() not in page
    assert "is-invalid" in page


@pytest.mark.django_db
def test_the_meeting_list_pages_past_the_end_to_the_last_page(client, secretary, meeting):
    client.force_login(secretary)
    response = client.get(reverse("meetings:list"), {"page": "99999999999999999999"})
    assert response.status_code == 200 and meeting.get_absolute_url() in response.content.decode()


@pytest.mark.django_db
def test_a_forged_row_count_builds_no_more_rows_than_a_sheet_may_have(client, secretary, member_user, meeting):
    """TOTAL_FORMS=1000000 used to build (and render) 1,000 forms per formset, seconds of work per request."""
    client.force_login(secretary)
    forged = {"TOTAL_FORMS": "1000000", "INITIAL_FORMS": "0"}
    response = client.post(
        reverse("meetings:attendance", args=[meeting.pk]),
        {**{f"sheet-{k}": v for k, v in forged.items()}, **{f"guests-{k}": v for k, v in forged.items()}},
    )
    assert response.status_code == 200
    assert "nothing was saved" in response.content.decode()
    assert len(response.context["sheet"].forms) == 2  # the organisation's two members
    assert len(response.context["guests"].forms) <= 100
    response = client.post(
        reverse("meetings:speech_create", args=[meeting.pk]),
        {"kind": "other", "speaker_name": "Hu", **{f"points-{k}": v for k, v in forged.items()}},
    )
    assert response.status_code == 200
    assert len(response.context["points"].forms) <= 100
