"""Saves at the same moment, in threads with their own database connections.

On PostgreSQL the threads share the test database. SQLite's test database lives in memory, so the
SQLite tests copy it into a file (sqlite3's backup API) and give each thread a connection to that
file with the configured options: what `make run` does with db.sqlite3.
"""

import sqlite3
import threading
import time

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, connections, transaction

from meetings import services as meeting_services
from meetings.models import Meeting
from rectification import services as rectification_services
from rectification.models import RectificationItem, RectificationPlan
from tests.factories import MeetingFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_at_once(count, work, *, database=None):
    """Run work(i) in `count` threads released together; each thread has its own connection
    (to `database`, a settings dict, when given). Returns the results and the errors raised."""
    barrier = threading.Barrier(count)
    results, errors = [None] * count, []

    def worker(i):
        if database is not None:
            connections["default"] = connections["default"].__class__(database, "default")
        try:
            barrier.wait(timeout=10)
            results[i] = work(i)
        except Exception as error:  # reported by the test
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results, errors


def file_database(tmp_path):
    """None on PostgreSQL; on SQLite, the test database copied into a file, as settings for a connection."""
    if connection.vendor != "sqlite":
        return None
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return {**connection.settings_dict, "NAME": str(path)}


def read(database, sql, params=()):
    """Rows as stored after the threads are done (in the SQLite file, or the test database)."""
    if database is None:
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("?", "%s"), params)
            return cursor.fetchall()
    with sqlite3.connect(database["NAME"]) as db:
        return db.execute(sql, params).fetchall()


def test_four_items_added_at_once_get_four_numbers(tmp_path, secretary, member_user, meeting):
    plan = PlanFactory(meeting=meeting)
    database = file_database(tmp_path)
    User = get_user_model()

    def add(i):
        by = User.objects.get(pk=secretary.pk)
        item = rectification_services.item_create(
            plan=RectificationPlan.objects.get(pk=plan.pk),
            by=by,
            measure=f"Measure added in tab {i}",
            type=RectificationItem.Type.LONG_TERM,
            responsible_member=member_user.member,
        )
        return item.number

    numbers, errors = run_at_once(4, add, database=database)
    assert errors == []
    assert sorted(numbers) == [1, 2, 3, 4]
    stored = read(database, "SELECT number FROM rectification_rectificationitem WHERE plan_id = ?", (plan.pk,))
    assert sorted(n for (n,) in stored) == [1, 2, 3, 4]


def test_two_saves_at_once_both_succeed(tmp_path, org, secretary):
    """Two secretaries save two meetings in the same instant: the second waits for the first and
    is saved too (SQLite used to answer "database is locked")."""
    meetings = [MeetingFactory(organisation=org, location="Room 1") for _n in range(2)]
    database = file_database(tmp_path)
    User = get_user_model()

    def save(i):
        by = User.objects.get(pk=secretary.pk)
        with transaction.atomic():  # a request that reads, takes a moment, then writes
            meeting = Meeting.objects.get(pk=meetings[i].pk)
            time.sleep(0.3)
            meeting_services.meeting_update(
                meeting=meeting, by=by, data={"location": f"Room {i + 10}"}, version=meeting.version
            )
        return i

    done, errors = run_at_once(2, save, database=database)
    assert errors == []
    assert sorted(done) == [0, 1]
    stored = read(database, "SELECT location FROM meetings_meeting WHERE organisation_id = ?", (org.pk,))
    assert sorted(location for (location,) in stored) == ["Room 10", "Room 11"]


def test_sqlite_is_configured_for_concurrent_writers(settings):
    database = settings.DATABASES["default"]
    if database["ENGINE"] != "django.db.backends.sqlite3":
        assert "transaction_mode" not in database.get("OPTIONS", {})
        return
    options = database["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE" and options["timeout"] >= 20
    assert "journal_mode=WAL" in options["init_command"]
