"""Mixed load for bench/bench_load.py (locust): public readers, and secretaries and members writing
to the same records at the same time.

    .venv/bin/python bench/bench_load.py      # prepares the data, starts gunicorn, runs this, checks

Run by hand it needs LOAD_PLAN (the JSON the runner writes: session cookies, the records to edit,
the notices to read) and LOAD_LOG (where each user's writes are recorded, one JSON line each).

- PublicReader (the rest of the users): home, list, a notice page, search, the Atom feed, and now
  and then robots.txt: the trivial view, measured in the same run, to which every kind's p95 is
  compared.
- Secretary (fixed count): opens the seed meeting's edit form, changes the summary (the minutes'
  summary) to a text of its own, saves with the form's version. 302 = acknowledged; 409 = the app
  refused a stale save (someone saved in between), which is correct.
- Member (fixed count): the member's own draft material (several sessions of one author, as several
  tabs), one text box changed, saved with its version (302 or 409 as above); and a progress report
  on the member's item (302: acknowledged, appended).

Every write is logged with its unique marker, the version it was based on and the answer; the runner
then checks that every acknowledged write is in the database.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import threading
import uuid
from html.parser import HTMLParser

from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())
LOG_PATH = os.environ["LOAD_LOG"]
_log_lock = threading.Lock()
_cookies = {role: itertools.cycle(PLAN["sessions"][role]) for role in ("secretary", "member")}
SEARCH_TERMS = PLAN["search_terms"]
TRIVIAL = "trivial view: robots.txt"  # bench_load.py reads it by this name


def _record(entry: dict):
    with _log_lock, open(LOG_PATH, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")


class FormParser(HTMLParser):
    """The fields of the form that holds an input named `version` (as a browser would send them)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list] = []
        self._form = None
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = []
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and not a.get("disabled"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            self._form.append([a["name"], a.get("value", "on" if kind in ("checkbox", "radio") else "")])
        elif tag == "textarea" and a.get("name"):
            self._textarea = [a["name"], ""]
            self._form.append(self._textarea)
        elif tag == "select" and a.get("name"):
            self._select = [a["name"], None, None]  # name, selected, first
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select[2] is None:
                self._select[2] = value
            if "selected" in a:
                self._select[1] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, selected, first = self._select
            if self._form is not None:
                self._form.append([name, selected if selected is not None else (first or "")])
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data


def versioned_form(html: str) -> list[list]:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if any(name == "version" for name, _value in form):
            return form
    raise ValueError("no form with a version field")


def _field(form, name):
    return next((value for key, value in form if key == name), None)


class SignedIn(HttpUser):
    abstract = True
    role = ""

    def on_start(self):
        self.client.cookies.set("sessionid", next(_cookies[self.role]), domain="127.0.0.1")

    def save_with_version(self, kind: str, edit_url: str, field: str, extra: dict | None = None):
        """Load the edit form, change `field` to a text of our own, save with the form's version."""
        with self.client.get(edit_url, name=f"{kind}: open the form", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
            form = versioned_form(response.text)
        marker = f"[load {kind} {uuid.uuid4().hex[:12]}]"
        body = [[name, value] for name, value in form if name != field]
        body.append([field, f"{_field(form, field) or ''}".split(" [load ")[0] + " " + marker])
        body += [[k, v] for k, v in (extra or {}).items()]
        base = int(_field(form, "version"))
        token = _field(form, "csrfmiddlewaretoken")
        with self.client.post(
            edit_url,
            data=body,
            name=f"{kind}: save",
            headers={"Referer": self.host + edit_url, "X-CSRFToken": token or ""},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            outcome = {302: "acknowledged", 409: "conflict"}.get(response.status_code)
            if outcome is None:
                response.failure(f"unexpected {response.status_code}")
                outcome = f"error {response.status_code}"
            else:
                response.success()  # a 409 is the app refusing a stale save: correct behaviour
            _record({"kind": kind, "marker": marker, "base_version": base, "outcome": outcome})


class Secretary(SignedIn):
    """Edits the seed meeting's record (its summary) in several sessions at once."""

    fixed_count = int(os.environ.get("LOAD_SECRETARIES", "6"))
    role = "secretary"
    wait_time = between(0.5, 2)

    @task(3)
    def edit_minutes(self):
        self.save_with_version("minutes", PLAN["meeting_edit"], "summary")

    @task(1)
    def read_meeting(self):
        self.client.get(PLAN["meeting_page"], name="meeting record page")


class Member(SignedIn):
    """Edits the member's draft material (several tabs of one author) and reports progress."""

    fixed_count = int(os.environ.get("LOAD_MEMBERS", "6"))
    role = "member"
    wait_time = between(0.5, 2)

    @task(2)
    def edit_material(self):
        self.save_with_version("material", PLAN["material_edit"], PLAN["material_field"], {"action": "save"})

    @task(2)
    def report_progress(self):
        url = PLAN["progress_url"]
        with self.client.get(PLAN["item_page"], name="progress: open the item", catch_response=True) as response:
            token = _field(_csrf_form(response.text), "csrfmiddlewaretoken") if response.status_code == 200 else None
            if response.status_code != 200:
                response.failure(f"{response.status_code}")
                return
        marker = f"[load progress {uuid.uuid4().hex[:12]}]"
        with self.client.post(
            url,
            data={"csrfmiddlewaretoken": token or "", "text": f"调研推进中 {marker}", "percent": "50"},
            name="progress: report",
            headers={"Referer": self.host + PLAN["item_page"]},
            allow_redirects=False,
            catch_response=True,
        ) as response:
            outcome = "acknowledged" if response.status_code == 302 else f"error {response.status_code}"
            if response.status_code != 302:
                response.failure(f"unexpected {response.status_code}")
            _record({"kind": "progress", "marker": marker, "outcome": outcome})


def _csrf_form(html: str) -> list[list]:
    parser = FormParser()
    parser.feed(html)
    for form in parser.forms:
        if any(name == "csrfmiddlewaretoken" for name, _value in form):
            return form
    return []


class PublicReader(HttpUser):
    """An anonymous reader of the public site."""

    weight = 1
    wait_time = between(0.2, 1)

    @task(3)
    def home(self):
        self.client.get("/", name="public: home")

    @task(3)
    def notice_list(self):
        self.client.get(f"/notices/?page={random.randint(1, 5)}", name="public: list")

    @task(4)
    def notice(self):
        self.client.get(random.choice(PLAN["notice_urls"]), name="public: notice page")

    @task(2)
    def search(self):
        self.client.get(
            "/search/",
            params={"q": random.choice(SEARCH_TERMS), "sort": random.choice(["relevance", "date"])},
            name="public: search",
        )

    @task(1)
    def feed(self):
        self.client.get("/notices/feed/", name="public: feed")

    @task(1)
    def trivial(self):
        self.client.get("/robots.txt", name=TRIVIAL)


@events.test_stop.add_listener
def _done(**_kwargs):
    _record({"kind": "end"})
