"""make backup / make restore: scripts/backup.py run as the operator runs it, on the configured engine.

The test backs up a database with records and uploaded files, restores the archive into a fresh
database and an empty media folder, and finds every row of every table and every file again."""

import importlib.util
import json
import os
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection

from materials.models import MaterialAttachment
from meetings.models import Attendance
from rectification.models import Evidence
from tests.factories import (
    AttendanceFactory,
    ItemFactory,
    MaterialFactory,
    MeetingFactory,
    NoticeFactory,
    PlanFactory,
    ProgressReportFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

SCRIPT = Path(settings.BASE_DIR) / "scripts" / "backup.py"
_spec = importlib.util.spec_from_file_location("backup_script", SCRIPT)
backup_script = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(backup_script)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _records(org, member_user):
    """A meeting with attendance, a material with an attachment, an item with evidence, a notice."""
    meeting = MeetingFactory(organisation=org, title="2022 democratic life meeting · 民主生活会")
    AttendanceFactory(meeting=meeting, member=member_user.member, status=Attendance.Status.PRESENT)
    material = MaterialFactory(meeting=meeting, author=member_user.member)
    attachment = MaterialAttachment(material=material, original_name="材料.docx", content_type="x", size=6)
    attachment.file.save("material.docx", ContentFile(b"docx\x00\x01"))
    item = ItemFactory(plan=PlanFactory(meeting=meeting), responsible_member=member_user.member)
    report = ProgressReportFactory(item=item)
    evidence = Evidence(report=report, original_name="scan.pdf", content_type="application/pdf", size=9)
    evidence.file.save("scan.pdf", ContentFile(b"%PDF-1.4\n"))
    NoticeFactory(meeting=meeting, organisation=org, title="党组召开民主生活会")


def _source():
    """The test database as the script sees it: on SQLite, copied into a file a second process can open."""
    database = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        path = Path(settings.MEDIA_ROOT).parent / "source.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.close()
        database["NAME"] = str(path)
    return database


@pytest.fixture
def fresh(tmp_path):
    """An empty database of the configured engine (dropped afterwards on PostgreSQL)."""
    database = dict(connection.settings_dict)
    if connection.vendor == "sqlite":
        yield {**database, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    yield {**database, "NAME": name}
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def _url(database) -> str:
    if database["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{database['NAME']}"
    user = database.get("USER") or ""
    password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
    host = database.get("HOST") or "localhost"
    port = f":{database['PORT']}" if database.get("PORT") else ""
    return f"postgres://{user}{password}@{host}{port}/{database['NAME']}"


def _script(database, media_root, *args):
    env = {**os.environ, "DATABASE_URL": _url(database), "MEDIA_ROOT": str(media_root)}
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True
    )


def _all_rows(database) -> dict[str, list]:
    """Every row of every table, in a stable order."""
    if database["ENGINE"].endswith("sqlite3"):
        db = sqlite3.connect(database["NAME"])
        tables = [
            t for (t,) in db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        rows = {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}
        db.close()
        return rows
    db = backup_script._pg_connect(database)
    try:
        with db.cursor() as cursor:
            cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
            tables = [t for (t,) in cursor.fetchall()]
            rows = {}
            for table in tables:
                cursor.execute(f'SELECT * FROM "{table}"')
                rows[table] = sorted(map(repr, cursor.fetchall()))
            return rows
    finally:
        db.close()


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_a_backup_restores_into_a_fresh_database_with_every_record_and_file(tmp_path, media, fresh, org, member_user):
    _records(org, member_user)
    source = _source()

    made = _script(source, media, "backup", "--dir", str(tmp_path / "backups"))
    assert made.returncode == 0, made.stderr
    [archive] = (tmp_path / "backups").glob("meeting-records-*.tar.gz")
    assert str(archive) in made.stdout
    manifest = backup_script.read_manifest(archive)
    assert manifest["engine"] == ("sqlite" if connection.vendor == "sqlite" else "postgresql")
    assert manifest["tables"]["rectification_evidence"] == 1 and len(manifest["media"]) == 2

    restored_media = tmp_path / "restored-media"
    done = _script(fresh, restored_media, "restore", str(archive))
    assert done.returncode == 0, done.stderr

    expected = _all_rows(source)
    assert expected["meetings_meeting"] and expected["notices_notice"] and expected["materials_materialattachment"]
    assert _all_rows(fresh) == expected
    assert _files(restored_media) == _files(Path(media)) != {}


def test_restore_refuses_a_database_that_is_not_empty_unless_forced(tmp_path, media, fresh, org, member_user):
    _records(org, member_user)
    source = _source()
    archive = backup_script.backup(database=source, media_root=media, target_dir=tmp_path / "backups")
    restored_media = tmp_path / "restored-media"
    backup_script.restore(archive=archive, database=fresh, media_root=restored_media)
    before = _all_rows(fresh)

    refused = _script(fresh, restored_media, "restore", str(archive))
    assert refused.returncode == 1
    assert "Not restored" in refused.stderr and "--force" in refused.stderr
    assert _all_rows(fresh) == before

    forced = _script(fresh, restored_media, "restore", str(archive), "--force")
    assert forced.returncode == 0, forced.stderr
    assert _all_rows(fresh) == before == _all_rows(source)


def test_restore_refuses_a_backup_of_another_engine(tmp_path, media, fresh):
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    archive = backup_script.backup(database=_source(), media_root=media, target_dir=tmp_path / "backups")
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    (tmp_path / "manifest.json").write_text(json.dumps({**manifest, "engine": other}))
    forged = tmp_path / "other.tar.gz"
    with tarfile.open(forged, "w:gz") as tar:
        tar.add(tmp_path / "manifest.json", arcname="manifest.json")
    with pytest.raises(backup_script.BackupError, match=f"is a {other} backup"):
        backup_script.restore(archive=forged, database=fresh, media_root=tmp_path / "m")
