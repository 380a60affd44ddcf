"""The database goes down under a running app, for real: a PostgreSQL of the test's own is stopped
and started again under gunicorn (2 workers, DEBUG off, Redis as the shared cache).

While it is down, the public pages a reader had just read are served from the page cache (stale);
everything else answers the outage page (503, Retry-After) in the reader's language, never a 500
or a traceback; a secretary's minutes posted meanwhile come back on that page, in a form that sends
them again. When it is back, every page answers again without a restart, and the minutes sent again
are saved.
"""

import contextlib
import html
import json
import os
import re
import signal
import time
from html.parser import HTMLParser

import pytest
from django.utils import translation

from tests.servers import AppServer, Browser, PostgresServer, RedisServer, wait_for

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's

# One process migrates and makes the data (a Django start-up costs seconds on a busy machine).
SETUP = """
import datetime, json
from django.core.management import call_command
call_command("migrate", verbosity=0)
from django.utils import timezone
from members.models import Membership
from notices.models import Notice
from notices.search import update_search_vectors
from tests.factories import (AgendaItemFactory, MeetingFactory, MemberFactory, MembershipFactory, NoticeFactory,
                             OrganisationFactory, UserFactory)
org = OrganisationFactory(name="市政府党组")
user = UserFactory(username="secretary")
MembershipFactory(member=MemberFactory(name="李书记", user=user), organisation=org, role=Membership.Role.SECRETARY)
meeting = MeetingFactory(organisation=org)
item = AgendaItemFactory(meeting=meeting, title="开展批评和自我批评", kind="individual_inspection")
notice = NoticeFactory(title="市政府党组召开民主生活会", organisation=org, status=Notice.Status.PUBLISHED,
                       publish_at=timezone.now() - datetime.timedelta(hours=1))
update_search_vectors(Notice.objects.all())
print(json.dumps({"meeting": meeting.pk, "item": item.pk, "notice": notice.get_absolute_url()}))
"""

# Two hours of minutes: what must not be lost.
MINUTES = "民主生活会记录\n" + "\n".join(
    f"{n}. 李书记主持。张同志发言：对照检查材料第{n}条，整改措施落实到人，限期完成 & <核实>。" for n in range(1, 401)
)


def _zh(text):
    with translation.override("zh-hans"):
        return translation.gettext(text)


UNAVAILABLE = "Service temporarily unavailable"
NOT_SAVED = "What you sent has NOT been saved."


class ResendForm(HTMLParser):
    """The outage page's form that sends the text again: its action and the fields it would post."""

    def __init__(self, page: str):
        super().__init__()
        self.action, self.fields, self._textarea, self._inside = None, [], None, False
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and "outage-resend" in (attrs.get("class") or ""):
            self.action, self._inside = attrs["action"], True
        elif self._inside and tag == "input" and attrs.get("name"):
            self.fields.append((attrs["name"], attrs.get("value") or ""))
        elif self._inside and tag == "textarea":
            self._textarea = [attrs["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.fields.append((name, text.removeprefix("\n")))  # as a browser reads a textarea
            self._textarea = None
        elif tag == "form":
            self._inside = False


def _outage_page(status, headers, body, language):
    page = body.decode()
    assert status == 503, page[:300]
    assert headers["retry-after"] == "30"
    assert "no-store" in headers["cache-control"]
    assert f'<html lang="{language}">' in page
    text = _zh(UNAVAILABLE) if language == "zh-hans" else UNAVAILABLE
    assert text in page
    assert "Traceback" not in page and "OperationalError" not in page
    return page


@pytest.fixture
def servers(tmp_path):
    with PostgresServer() as pg, RedisServer(tmp_path) as redis:
        app = AppServer(env={"DATABASE_URL": pg.url, "REDIS_URL": redis.url, "CACHE_KEY_PREFIX": "outage"})
        data = json.loads(app.manage("shell", "-c", SETUP).stdout.strip().splitlines()[-1])
        # Booted after the migration, not beside it: on a busy machine both at once can take longer
        # than gunicorn is given to answer.
        app.start(log_folder=tmp_path)
        try:
            yield pg, app, data
        finally:
            # Nothing left to finish: the arbiter and its workers are killed (a worker of this app
            # takes seconds to exit after "Worker exiting", which a test need not wait for).
            workers = app.worker_pids()
            app.process.kill()
            app.process.wait(10)
            for pid in workers:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)


def test_database_down_and_back(servers):
    started = time.monotonic()
    pg, app, data = servers
    edit_url = f"/meetings/{data['meeting']}/agenda/{data['item']}/"
    public = ["/", "/notices/", data["notice"]]

    reader, english = Browser(app), Browser(app, language="en")
    for path in public:
        assert reader.get(path)[0] == 200
        status, headers, _ = reader.get(path)  # kept: the second read is a hit
        assert (status, headers["x-public-cache"]) == (200, "hit"), path
    secretary = Browser(app).login("secretary", PASSWORD)
    assert secretary.get("/meetings/")[0] == 200
    assert secretary.get(edit_url)[0] == 200

    pg.stop()

    # The public pages just read: fresh within the cache's check interval (2 s, no query needed),
    # then stale; served either way, in Chinese, by either worker (several tries).
    def served_stale(path):
        status, headers, body = reader.get(path)
        assert status == 200, (path, body[:300])
        return headers["x-public-cache"] == "stale"

    for path in public:
        wait_for(lambda p=path: served_stale(p), timeout=10, what=f"{path} served stale")
    for _ in range(3):
        for path in public:
            status, headers, body = reader.get(path)
            assert status == 200, (path, body[:300])
            if headers["x-public-cache"] != "hit":  # (the other worker may still be within its interval)
                assert headers["x-public-cache"] == "stale" and "stale" in headers["warning"].lower()
                assert headers["cache-control"] == "no-cache"
            assert '<html lang="zh-hans">' in body.decode() and "市政府党组召开民主生活会" in body.decode()
    assert app.get("/healthz")[0] == 503

    # Everything else: the outage page in the reader's language, never a 500.
    _outage_page(*secretary.get("/meetings/"), "zh-hans")
    _outage_page(*reader.get("/search/?q=%E6%95%B4%E6%94%B9"), "zh-hans")  # 整改, never searched before
    _outage_page(*reader.get("/accounts/login/"), "zh-hans")
    _outage_page(*english.get("/accounts/login/"), "en")
    _outage_page(*english.get("/search/?q=rectification"), "en")

    # The secretary's minutes, posted during the outage: not saved, and given back to send again.
    status, headers, body = secretary.post(edit_url, {"kind": "individual_inspection", "title": "开展批评和自我批评",
                                                      "presenter": "", "record": MINUTES})  # fmt: skip
    page = _outage_page(status, headers, body, "zh-hans")
    assert _zh(NOT_SAVED) in page
    assert html.escape(MINUTES, quote=False) in page  # the whole text, in a textarea
    assert re.search(r'<label[^>]*for="outage-field-\d+-0">记录</label>', page)  # as the form calls it
    form = ResendForm(page)
    assert form.action == edit_url
    assert dict(form.fields)["record"] == MINUTES
    assert {name for name, _ in form.fields} == {"csrfmiddlewaretoken", "kind", "title", "presenter", "record"}
    outage_seconds = time.monotonic()

    pg.start()
    wait_for(lambda: app.get("/healthz")[0] == 200, timeout=20, what="the app to reach the database again")

    # Back, with no restart: the same session, fresh public pages, every page again.
    for path in public:
        wait_for(lambda p=path: reader.get(p)[1].get("x-public-cache") == "hit", timeout=10, what=f"{path} fresh")
    for browser, path in [(secretary, "/meetings/"), (reader, "/search/?q=%E6%95%B4%E6%94%B9"),
                          (reader, "/accounts/login/"), (english, "/accounts/login/")]:  # fmt: skip
        assert browser.get(path)[0] == 200, path

    # Sent again from the outage page (its own CSRF token): saved.
    status, headers, _ = secretary.post(form.action, dict(form.fields))
    assert status == 302 and headers["location"].endswith(f"/meetings/{data['meeting']}/agenda/")
    status, _, body = secretary.get(f"/meetings/{data['meeting']}/")
    assert status == 200 and MINUTES.splitlines()[400] in html.unescape(body.decode())

    # One warning per worker for the outage, and no 500 or traceback in the server's log.
    log = app.log_path.read_text()
    assert "Internal Server Error" not in log and "Traceback" not in log
    assert 1 <= log.count("The database cannot be reached") <= app.workers
    print(f"outage checks {outage_seconds - started:.1f} s; whole story {time.monotonic() - started:.1f} s")
