"""The worker as it runs in production: `manage.py send_outbox` processes against the same database.

On PostgreSQL they use the test database itself; on SQLite (an in-memory test database) a copy of it
in a file, copied back afterwards, so the checks read the same rows either way.
"""

import contextlib
import datetime
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from outbox.models import OutboxMessage
from outbox.services import enqueue

from .smtp import SmtpServer, free_port

ROOT = Path(__file__).resolve().parents[2]
Status = OutboxMessage.Status


@contextlib.contextmanager
def shared_database(tmp_path):
    """A DATABASE_URL other processes can open, holding what this test wrote."""
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        password = f":{s['PASSWORD']}" if s["PASSWORD"] else ""
        yield f"postgres://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    assert connection.vendor == "sqlite"
    path = tmp_path / "workers.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    copy.close()
    yield f"sqlite:///{path}"
    with contextlib.closing(sqlite3.connect(path)) as copy:
        copy.backup(connection.connection)


def worker(database_url: str, smtp_port: int, *args: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "EMAIL_TIMEOUT": "120",  # longer than the server holds a message
    }
    command = [sys.executable, "manage.py", "send_outbox", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # noqa: S603


def sent_count(output: str) -> int:
    return sum(int(line.split(";")[0].split(":")[1]) for line in output.splitlines() if line.startswith("Sent: "))


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_email_exactly_once(tmp_path):
    addresses = [f"person{n:02}@example.org" for n in range(40)]
    enqueue(kind="test.race", subject="Race", body="One of forty.", recipients=addresses)
    port = free_port()
    # The server holds the first messages until both workers have sent one: they run at the same time.
    with SmtpServer(port, hold_until_peers=2, hold_seconds=90) as smtp, shared_database(tmp_path) as url:
        workers = [worker(url, port), worker(url, port)]
        results = [w.communicate(timeout=240) for w in workers]
    for w, (_out, err) in zip(workers, results, strict=True):
        assert w.returncode == 0, err
    assert smtp.recipients() == addresses  # every address once, none twice
    assert len({received.peer for received in smtp.messages}) == 2  # both workers sent some
    assert sorted(sent_count(out) for out, _ in results)[0] > 0
    assert sum(sent_count(out) for out, _ in results) == 40
    rows = list(OutboxMessage.objects.values_list("status", "attempts"))
    assert rows == [(Status.SENT, 1)] * 40


@pytest.mark.django_db(transaction=True)
def test_the_looping_worker_sends_what_falls_due_and_stops_on_sigterm(tmp_path):
    enqueue(kind="test.loop", subject="Now", body="Due now.", recipients=["now@example.org"])
    later = enqueue(kind="test.loop", subject="Later", body="Due in two seconds.", recipients=["later@example.org"])
    OutboxMessage.objects.filter(pk=later[0].pk).update(next_attempt_at=timezone.now() + datetime.timedelta(seconds=2))
    port = free_port()
    with SmtpServer(port) as smtp, shared_database(tmp_path) as url:
        process = worker(url, port, "--loop", "--interval", "0.2")
        try:
            deadline = time.monotonic() + 120
            while len(smtp.messages) < 2 and time.monotonic() < deadline and process.poll() is None:
                time.sleep(0.05)
            assert smtp.recipients() == ["later@example.org", "now@example.org"]
        finally:
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=30)
    assert process.returncode == 0, err
    assert out.strip().endswith("Stopped.")
    assert [received.message["subject"] for received in smtp.messages] == ["Now", "Later"]
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {Status.SENT}
