"""A worker killed in the middle of a save leaves nothing half-written: a member import, an attendance
sheet, a material submission (with its file) and a notice publication are each all or nothing.

For real: the app runs under gunicorn (DEBUG off) on a PostgreSQL of the test's own; a signed-in user
sends the save through the pages; the worker is killed with SIGKILL (or by gunicorn's own --timeout)
while its transaction is open and has already written part of the save.

Catching it mid-way, every time: the test database gets a trigger (the "gate") on a table the save
writes late, which makes the app's transaction wait for an advisory lock the test holds. The test
polls pg_stat_activity until the app's backend waits there with a transaction id (it has written)
and reads from pg_locks which tables it has written so far; then it kills the worker. Nothing is
timed and nothing is mocked: the save, the kill and PostgreSQL's rollback are the real ones.
"""

from __future__ import annotations

import csv
import html
import io
import json
import os
import re
import signal
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import psycopg2
import pytest

from tests.servers import AppServer, Browser, PostgresServer, wait_for

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's
IMPORT_ROWS = 1000  # the most one import takes (members.services.MAX_ROWS)
SHEET_MEMBERS = 300
GATE_KEY = 727_001
TIMEOUT = 5  # gunicorn's --timeout in seconds for the timeout test (its default is 30)

# One process migrates and makes the data (a Django start-up costs seconds on a busy machine).
SETUP = """
import datetime, json
from django.core.management import call_command
call_command("migrate", verbosity=0)
from materials.models import InspectionMaterial
from meetings import services as meeting_services
from meetings.models import Attendance
from members.models import Membership
from tests.factories import (AttendanceFactory, MaterialFactory, MeetingFactory, MemberFactory, MembershipFactory,
                             NoticeFactory, OrganisationFactory, UserFactory)

def secretary_of(org, username):
    user = UserFactory(username=username)
    MembershipFactory(member=MemberFactory(name=username, user=user), organisation=org,
                      role=Membership.Role.SECRETARY)
    return user

data = {}
for key in ("import", "timeout"):
    org = OrganisationFactory(name=f"{key} party branch")
    secretary_of(org, f"secretary-{key}")
    data[key] = org.pk

org = OrganisationFactory(name="attendance party committee")
secretary = secretary_of(org, "secretary-attendance")
members = [MemberFactory(name=f"委员{n:03}") for n in range(1, SHEET_MEMBERS)]  # and the secretary
for member in members:
    MembershipFactory(member=member, organisation=org)
meeting = MeetingFactory(organisation=org)
rows = [{"member": m.member, "role": Attendance.Role.PARTICIPANT, "status": Attendance.Status.PRESENT, "reason": ""}
        for m in Membership.objects.filter(organisation=org).select_related("member").order_by("order", "member__name")]
guests = [{"name": "监督组 王组长", "role": Attendance.Role.OBSERVER, "status": Attendance.Status.PRESENT}]
meeting_services.attendance_sheet_save(meeting=meeting, by=secretary, rows=rows, guests=guests)
data["meeting"] = meeting.pk

org = OrganisationFactory(name="material party group")
author = UserFactory(username="author")
member = MemberFactory(name="张委员", user=author)
MembershipFactory(member=member, organisation=org)
aspects = ["理论学习", "政治忠诚", "担当作为", "工作作风", "廉洁自律", "落实责任"]
meeting = MeetingFactory(organisation=org, aspects="\\n".join(aspects))
AttendanceFactory(meeting=meeting, member=member, role=Attendance.Role.PARTICIPANT)
material = MaterialFactory(meeting=meeting, author=member, problems="保存前的文字", causes="", measures="",
                           problem_sections=[{"aspect": a, "text": "保存前的文字"} for a in aspects])
data["material"] = material.pk

UserFactory(username="publisher", publisher=True)
notice = NoticeFactory(title="市政府党组召开2022年度民主生活会", body="会议由胡衡华主持。" * 500)
data["notice"] = notice.pk
print("DATA " + json.dumps(data))
""".replace("SHEET_MEMBERS", str(SHEET_MEMBERS))

GATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION fault_gate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock_shared({GATE_KEY});  -- waits while the test holds the gate
    RETURN NEW;
END $$;
"""


@dataclass
class Stack:
    pg: PostgresServer
    app: AppServer
    db: object  # a psycopg2 connection of the test's own, in autocommit
    data: dict
    media: Path
    folder: Path

    def one(self, sql, params=()):
        with self.db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def rows(self, sql, params=()):
        with self.db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()

    def run(self, sql, params=()):
        with self.db.cursor() as cursor:
            cursor.execute(sql, params)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    folder = tmp_path_factory.mktemp("atomic-saves")
    media = folder / "media"
    with PostgresServer() as pg:
        app = AppServer(env={"DATABASE_URL": pg.url, "MEDIA_ROOT": str(media)}, workers=1)
        out = app.manage("shell", "-v", "0", "-c", SETUP).stdout
        data = json.loads(out.split("DATA ", 1)[1])
        db = psycopg2.connect(host="127.0.0.1", port=pg.port, user="postgres", dbname=pg.database)
        db.autocommit = True
        stack = Stack(pg, app, db, data, media, folder)
        stack.run(GATE_FUNCTION)
        stack.run("SET lock_timeout = '30s'")
        try:
            with _started(app, folder):
                yield stack
        finally:
            db.close()


@contextmanager
def _started(app, folder):
    app.start(log_folder=folder)
    try:
        yield app
    finally:
        app.stop()


# ----------------------------------------------------------------------------- the gate and the kill


@dataclass
class Caught:
    """What the killed save had done when it was killed."""

    backend: int
    written: set[str]
    answer: object  # what the HTTP client got: an exception (the connection dropped), never a response


@contextmanager
def gate(stack: Stack, table: str, event: str, condition: str = "true"):
    """While open, a save that reaches `event` on a row of `table` matching `condition` waits there."""
    stack.run(
        f"CREATE TRIGGER fault_gate BEFORE {event} ON {table} FOR EACH ROW WHEN ({condition}) "
        "EXECUTE FUNCTION fault_gate()"
    )
    stack.run("SELECT pg_advisory_lock(%s)", [GATE_KEY])
    try:
        yield
    finally:
        stack.run("SELECT pg_advisory_unlock(%s)", [GATE_KEY])
        stack.run(f"DROP TRIGGER fault_gate ON {table}")


def waiting_at_gate(stack: Stack):
    """The app's backend waiting at the gate inside a transaction that has written: (pid, tables written)."""
    found = stack.rows(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' "
        "AND wait_event = 'advisory' AND backend_xid IS NOT NULL AND pid <> pg_backend_pid()"
    )
    if not found:
        return None
    pid = found[0][0]
    written = stack.rows(
        "SELECT DISTINCT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r'",
        [pid],
    )
    return pid, {name for (name,) in written}


def in_background(send):
    """Send a request in a thread; returns (thread, box): box[0] is the response or the exception."""
    box = []

    def run():
        try:
            box.append(send())
        except Exception as exc:  # the connection dropped when the worker died
            box.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def backend_gone(stack: Stack, pid: int) -> bool:
    return not stack.rows("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid])


def serving(app: AppServer, old_workers: list[int]) -> bool:
    """A new worker, and it answers."""
    workers = app.worker_pids()
    if not workers or set(workers) & set(old_workers):
        return False
    try:
        return app.get("/robots.txt", timeout=5)[0] == 200
    except OSError:
        return False


def kill_mid_save(stack: Stack, send, *, table: str, event: str, condition: str = "true", app=None) -> Caught:
    """Send a save, wait until its transaction waits at the gate having written, kill -9 the worker,
    and wait until PostgreSQL has ended that transaction and gunicorn has a new worker answering."""
    app = app or stack.app
    with gate(stack, table, event, condition):
        workers = app.worker_pids()
        assert len(workers) == 1  # the one that takes the request
        thread, box = in_background(send)
        backend, written = wait_for(lambda: waiting_at_gate(stack), timeout=60, what="the save to reach the gate")
        os.kill(workers[0], signal.SIGKILL)
        thread.join(30)
    # The gate is open again: the backend finishes the statement it was in, finds its client gone and
    # rolls the transaction back (a transaction commits only when its client says COMMIT).
    wait_for(lambda: backend_gone(stack, backend), what="the killed worker's transaction to end")
    wait_for(lambda: serving(app, workers), timeout=60, what="gunicorn's new worker to answer")
    return Caught(backend, written, box[0] if box else None)


def assert_killed_before_answering(caught: Caught):
    assert isinstance(caught.answer, OSError | ConnectionError), f"the save answered: {caught.answer!r}"


# ----------------------------------------------------------------------------- a browser's forms


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._textarea = None
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append({})
        if not self.forms or "name" not in attrs:
            if tag == "option" and self._select and ("selected" in attrs or self._select not in self.forms[-1]):
                self.forms[-1][self._select] = attrs.get("value", "")
            return
        name, fields = attrs["name"], self.forms[-1]
        if tag == "input" and attrs.get("type") not in ("submit", "button", "file", "checkbox", "radio"):
            fields[name] = attrs.get("value", "")
        elif tag == "input" and attrs.get("type") in ("checkbox", "radio") and "checked" in attrs:
            fields[name] = attrs.get("value", "on")
        elif tag == "textarea":
            self._textarea, fields[name] = name, ""
        elif tag == "select":
            self._select = name

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            text = data[1:] if data.startswith("\n") and not self.forms[-1][self._textarea] else data
            self.forms[-1][self._textarea] += text


def form_with(page: bytes, field: str) -> dict:
    """The fields of the page's form that has `field`, as a browser would send them."""
    parser = _Forms()
    parser.feed(page.decode())
    return next(form for form in parser.forms if field in form)


def post_multipart(browser: Browser, path: str, fields: dict, files: dict):
    """POST a form with files (`files`: field -> (file name, bytes, content type))."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in {"csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""), **fields}.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    headers = {
        "Accept-Language": browser.language,
        "Host": "127.0.0.1",
        "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
        "Content-Type": f"multipart/form-data; boundary={boundary}",
        "Referer": browser.app.url + path,
    }
    return browser.app.request("POST", path, body=body, headers=headers)


def signed_in(stack: Stack, username: str, app=None) -> Browser:
    return Browser(app or stack.app).login(username, PASSWORD)


# ----------------------------------------------------------------------------- member import


def import_csv(prefix: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["姓名", "性别", "职务", "角色"])
    for n in range(1, IMPORT_ROWS + 1):
        writer.writerow([f"{prefix}{n:04}", "女" if n % 2 else "男", "市直机关干部", "党员"])
    return out.getvalue().encode()


def import_preview(browser: Browser, organisation: int, prefix: str) -> tuple[str, str]:
    path = f"/meetings/organisations/{organisation}/import/"
    browser.get(path)
    status, _headers, page = post_multipart(
        browser, path, {}, {"file": ("members.csv", import_csv(prefix), "text/csv")}
    )
    assert status == 200
    return path, html.unescape(re.search(rb'name="payload" value="([^"]+)"', page).group(1).decode())


def imported(stack: Stack, organisation: int, prefix: str) -> dict:
    return {
        "members": stack.one("SELECT count(*) FROM members_member WHERE name LIKE %s", [prefix + "%"]),
        "memberships": stack.one(
            "SELECT count(*) FROM members_membership ms JOIN members_member m ON m.id = ms.member_id "
            "WHERE ms.organisation_id = %s AND m.name LIKE %s",
            [organisation, prefix + "%"],
        ),
        "history": stack.one(
            "SELECT count(*) FROM members_historicalmembership WHERE organisation_id = %s", [organisation]
        ),
    }


def test_member_import_killed_mid_way_imports_no_one_and_can_be_sent_again(stack):
    started = time.monotonic()
    organisation, prefix = stack.data["import"], "导入党员"
    browser = signed_in(stack, "secretary-import")
    path, payload = import_preview(browser, organisation, prefix)
    before = imported(stack, organisation, prefix)
    assert before == {"members": 0, "memberships": 0, "history": 1}  # the secretary's own membership

    caught = kill_mid_save(
        stack,
        lambda: browser.post(path, {"payload": payload}),
        # The last step: by then the 1,000 members and their 1,000 memberships are written.
        table="members_historicalmembership",
        event="INSERT",
    )

    assert_killed_before_answering(caught)
    assert {"members_member", "members_membership", "members_historicalmembership"} <= caught.written
    assert imported(stack, organisation, prefix) == before  # not one of the 1,000

    status, headers, _page = browser.post(path, {"payload": payload})  # the secretary sends it again
    assert status == 302
    assert imported(stack, organisation, prefix) == {"members": 1000, "memberships": 1000, "history": 1001}
    print(f"member import of 1000 killed at its history: {time.monotonic() - started:.1f} s")


def test_member_import_stopped_by_gunicorns_timeout_imports_no_one(stack):
    """The same, with no kill by the test: gunicorn's --timeout ends the worker that takes too long."""
    started = time.monotonic()
    organisation, prefix = stack.data["timeout"], "超时党员"
    app = AppServer(env={"DATABASE_URL": stack.pg.url, "MEDIA_ROOT": str(stack.media)}, workers=1, timeout=TIMEOUT)
    with _started(app, stack.folder):
        browser = signed_in(stack, "secretary-timeout", app=app)
        path, payload = import_preview(browser, organisation, prefix)
        before = imported(stack, organisation, prefix)
        # Early in the save (one member written), so that it gets there well within the timeout.
        with gate(stack, "members_member", "INSERT", f"NEW.name = '{prefix}0002'"):
            workers = app.worker_pids()
            thread, box = in_background(lambda: browser.post(path, {"payload": payload}))
            backend, written = wait_for(lambda: waiting_at_gate(stack), timeout=60, what="the save to reach the gate")
            # No kill from here: gunicorn's arbiter finds the worker silent past --timeout and ends it.
            wait_for(lambda: not set(app.worker_pids()) & set(workers), timeout=30, what="gunicorn's timeout")
            thread.join(30)
        wait_for(lambda: backend_gone(stack, backend), what="the timed-out worker's transaction to end")
        log = app.log_path.read_text()
    assert "WORKER TIMEOUT" in log
    assert_killed_before_answering(Caught(backend, written, box[0] if box else None))
    assert "members_member" in written
    assert imported(stack, organisation, prefix) == before
    print(f"member import ended by gunicorn --timeout {TIMEOUT}: {time.monotonic() - started:.1f} s")


# ----------------------------------------------------------------------------- attendance sheet


def sheet(stack: Stack, meeting: int) -> dict:
    rows = stack.rows(
        "SELECT coalesce(m.name, a.name), a.status, a.reason FROM meetings_attendance a "
        "LEFT JOIN members_member m ON m.id = a.member_id WHERE a.meeting_id = %s ORDER BY a.order, a.id",
        [meeting],
    )
    history = stack.one("SELECT count(*) FROM meetings_historicalmeeting WHERE id = %s", [meeting])
    return {"rows": rows, "history": history}


def test_attendance_sheet_killed_before_its_history_line_keeps_the_old_sheet(stack):
    started = time.monotonic()
    meeting = stack.data["meeting"]
    path = f"/meetings/{meeting}/attendance/"
    browser = signed_in(stack, "secretary-attendance")
    before = sheet(stack, meeting)
    assert len(before["rows"]) == SHEET_MEMBERS + 1 and {status for _n, status, _r in before["rows"]} == {"present"}

    status, _headers, page = browser.get(path)
    assert status == 200
    form = form_with(page, "sheet_version")
    total = int(form["sheet-TOTAL_FORMS"])
    assert total == SHEET_MEMBERS
    for n in range(total):  # the whole committee away on a mission
        form[f"sheet-{n}-status"], form[f"sheet-{n}-reason"] = "on_leave", "赴外地调研，已请假"
    guests = int(form["guests-TOTAL_FORMS"])
    for n in range(guests):
        form[f"guests-{n}-name"], form[f"guests-{n}-role"] = f"列席人员{n}", "non_voting"
        form[f"guests-{n}-status"] = "present"

    caught = kill_mid_save(
        stack,
        lambda: browser.post(path, form),
        table="meetings_historicalmeeting",  # the last write: the line in the meeting's history
        event="INSERT",
    )

    assert_killed_before_answering(caught)
    assert {"meetings_attendance", "meetings_meeting"} <= caught.written
    assert sheet(stack, meeting) == before  # all 300 still present, the old guest, no history line

    status, _headers, _page = browser.post(path, form)
    assert status == 302
    after = sheet(stack, meeting)
    assert [status for _n, status, _r in after["rows"][:total]] == ["on_leave"] * total
    assert after["history"] == before["history"] + 1
    print(f"attendance sheet of {total} killed at its history line: {time.monotonic() - started:.1f} s")


# ----------------------------------------------------------------------------- material with a file


def material(stack: Stack, pk: int) -> dict:
    row = stack.rows(
        "SELECT status, version, problems, problem_sections::text FROM materials_inspectionmaterial WHERE id = %s",
        [pk],
    )[0]
    return {
        "row": row,
        "attachments": stack.one("SELECT count(*) FROM materials_materialattachment WHERE material_id = %s", [pk]),
        "revisions": stack.one("SELECT count(*) FROM materials_materialrevision WHERE material_id = %s", [pk]),
        "history": stack.one("SELECT count(*) FROM materials_historicalinspectionmaterial WHERE id = %s", [pk]),
    }


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())


def test_material_submission_killed_after_its_file_keeps_the_draft_and_check_files_finds_the_file(stack):
    started = time.monotonic()
    pk = stack.data["material"]
    path = f"/meetings/materials/{pk}/edit/"
    browser = signed_in(stack, "author")
    before = material(stack, pk)
    files_before = files_in(stack.media)

    status, _headers, page = browser.get(path)
    assert status == 200
    form = form_with(page, "version")
    for name in form:
        if name.startswith("aspect_"):  # six sections of a long material
            form[name] = "一、存在的问题\n" + "在学习贯彻方面还有差距，调查研究不够深入。\n" * 400
    form.update(problems="其他问题。", causes="放松了理论学习。", measures="每月到基层调研。", action="submit")
    scan = ("对照检查材料.pdf", b"%PDF-1.4\n" + b"0" * 300_000 + b"\n%%EOF\n", "application/pdf")

    caught = kill_mid_save(
        stack,
        lambda: post_multipart(browser, path, form, {"attachment": scan}),
        table="materials_materialrevision",  # the submission's revision, written after the text and the file
        event="INSERT",
    )

    assert_killed_before_answering(caught)
    assert {"materials_inspectionmaterial", "materials_materialattachment"} <= caught.written
    assert material(stack, pk) == before  # still the draft, its old text, no attachment, no revision
    # The file was written before the kill and its record never committed: nothing points to it, and
    # check_files says so (exit status 1) and deletes it when asked.
    left = [name for name in files_in(stack.media) if name not in files_before]
    assert len(left) == 1
    check = stack.app.manage("check_files", check=False)
    assert check.returncode == 1
    assert f"Orphan file: {left[0]}" in check.stdout
    check = stack.app.manage("check_files", "--delete-orphans", "--min-age", "0", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    assert files_in(stack.media) == files_before

    status, _headers, _page = post_multipart(browser, path, form, {"attachment": scan})
    assert status == 302
    after = material(stack, pk)
    assert (after["row"][0], after["attachments"], after["revisions"]) == ("submitted", 1, 1)
    check = stack.app.manage("check_files", check=False)
    assert check.returncode == 0, check.stdout + check.stderr
    print(f"material submission killed after its file: {time.monotonic() - started:.1f} s")


# ----------------------------------------------------------------------------- notice publication


def notice(stack: Stack, pk: int) -> dict:
    status, publish_at = stack.rows("SELECT status, publish_at FROM notices_notice WHERE id = %s", [pk])[0]
    history = stack.rows(
        "SELECT history_change_reason FROM notices_historicalnotice WHERE id = %s ORDER BY history_id", [pk]
    )
    return {"status": status, "publish_at": publish_at, "history": [reason for (reason,) in history]}


def test_notice_publication_killed_before_its_history_is_not_live(stack):
    started = time.monotonic()
    pk = stack.data["notice"]
    browser = signed_in(stack, "publisher")
    title = "市政府党组召开2022年度民主生活会"
    before = notice(stack, pk)
    assert before["status"] == "draft"
    status, _headers, listing = stack.app.get("/notices/")  # the public list, now in the page cache
    assert status == 200 and title not in listing.decode()

    browser.get(f"/meetings/notices/{pk}/")
    caught = kill_mid_save(
        stack,
        lambda: browser.post(f"/meetings/notices/{pk}/publish/", {}),
        table="notices_historicalnotice",  # the notice row says published; its history line is next
        event="INSERT",
        condition="NEW.status = 'published'",
    )

    assert_killed_before_answering(caught)
    assert "notices_notice" in caught.written
    assert notice(stack, pk) == before  # a draft, no publication time, no "Published" in its history
    for page in ("/", "/notices/", "/notices/feed/"):
        status, _headers, body = stack.app.get(page)
        assert status == 200 and title not in body.decode(), page

    status, _headers, _body = browser.post(f"/meetings/notices/{pk}/publish/", {})
    assert status == 302
    after = notice(stack, pk)
    assert after["status"] == "published" and after["publish_at"] is not None
    assert len(after["history"]) == len(before["history"]) + 1
    status, _headers, listing = stack.app.get("/notices/")
    assert status == 200 and title in listing.decode()  # the page cache let the publication through at once
    print(f"notice publication killed before its history: {time.monotonic() - started:.1f} s")
