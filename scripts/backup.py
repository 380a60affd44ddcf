"""Back up and restore the database and the uploaded files, the same way everywhere.

    python scripts/backup.py backup [--dir backups]      (make backup)
    python scripts/backup.py restore ARCHIVE [--force]   (make restore FILE=ARCHIVE [FORCE=1])

The database and MEDIA_ROOT come from the settings (DATABASE_URL, MEDIA_ROOT). A backup is one
archive, backups/meeting-records-YYYYmmdd-HHMMSS.tar.gz, holding:

    manifest.json      engine, time, the row count of every table, the media files
    database.pgdump    PostgreSQL: pg_dump's custom format (pg_restore reads it)
    database.sqlite3   SQLite: a consistent copy made with sqlite3's backup API, safe while the app runs
    media/...          every file under MEDIA_ROOT

Restore refuses a database that already holds tables, or a MEDIA_ROOT that holds files, unless
--force: then the database is replaced (PostgreSQL: the public schema is dropped and restored;
SQLite: the file's content is replaced) and the backup's files are written over the media folder
(files not in the backup are left alone). Stop the app while restoring. Afterwards the row count of
every table is checked against the manifest.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
FORMAT = 1
PG_DUMP = "database.pgdump"
SQLITE_COPY = "database.sqlite3"


class BackupError(Exception):
    """Something the operator must see and fix; nothing was changed when it is raised before a restore."""


# --- the database, through its own client -------------------------------------------------------------------------


def engine_of(database: dict) -> str:
    engine = database["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups know PostgreSQL and SQLite, not {engine}.")


def _pg_env(database: dict) -> dict:
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])
    return env


def _pg_args(database: dict) -> list[str]:
    args = []
    if database.get("HOST"):
        args += ["-h", str(database["HOST"])]
    if database.get("PORT"):
        args += ["-p", str(database["PORT"])]
    if database.get("USER"):
        args += ["-U", str(database["USER"])]
    return args


def _pg_connect(database: dict):
    import psycopg2

    return psycopg2.connect(
        dbname=database["NAME"],
        user=database.get("USER") or None,
        password=database.get("PASSWORD") or None,
        host=database.get("HOST") or None,
        port=database.get("PORT") or None,
    )


def _run(command: list[str], env=None) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (apt-get install postgresql-client).")
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip() or result.stdout.strip()}")


def _sqlite_connect(database: dict, *, must_exist: bool) -> sqlite3.Connection:
    name = str(database["NAME"])
    if name.startswith("file:"):
        return sqlite3.connect(name, uri=True)
    path = Path(name)
    if must_exist and not path.exists():
        raise BackupError(f"There is no SQLite database at {path}.")
    path.parent.mkdir(parents=True, exist_ok=True)
    return sqlite3.connect(path)


def _pg_counts(cursor) -> dict[str, int]:
    cursor.execute(
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
    )
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def table_rows(database: dict) -> dict[str, int]:
    """The row count of every table of the application's database."""
    if engine_of(database) == "sqlite":
        db = _sqlite_connect(database, must_exist=False)
        try:
            tables = [
                name
                for (name,) in db.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            ]
            return {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        finally:
            db.close()
    db = _pg_connect(database)
    try:
        with db.cursor() as cursor:
            return _pg_counts(cursor)
    finally:
        db.close()


def _dump_database(database: dict, target: Path) -> tuple[str, dict[str, int]]:
    """Write the database's copy into target; return its file name and the row count of each table in it."""
    if engine_of(database) == "sqlite":
        source = _sqlite_connect(database, must_exist=True)
        copy = sqlite3.connect(target / SQLITE_COPY)
        try:
            source.backup(copy)  # one step: a consistent snapshot even while the app writes
        finally:
            copy.close()
            source.close()
        return SQLITE_COPY, table_rows({**database, "NAME": str(target / SQLITE_COPY)})
    # Count and dump in one snapshot: pg_dump joins the transaction that counted the rows.
    db = _pg_connect(database)
    try:
        db.set_session(isolation_level="REPEATABLE READ", readonly=True)
        with db.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = _pg_counts(cursor)
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    "--file",
                    str(target / PG_DUMP),
                    *_pg_args(database),
                    str(database["NAME"]),
                ],
                env=_pg_env(database),
            )
        db.rollback()
    finally:
        db.close()
    return PG_DUMP, counts


def _load_database(database: dict, source: Path, *, replace: bool) -> None:
    if engine_of(database) == "sqlite":
        backup = sqlite3.connect(source / SQLITE_COPY)
        target = _sqlite_connect(database, must_exist=False)
        try:
            backup.backup(target)  # replaces the target's whole content
        finally:
            target.close()
            backup.close()
        return
    if replace:
        db = _pg_connect(database)
        try:
            db.autocommit = True
            with db.cursor() as cursor:
                cursor.execute("DROP SCHEMA public CASCADE")
                cursor.execute("CREATE SCHEMA public")
        finally:
            db.close()
    _run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            *_pg_args(database),
            "--dbname",
            str(database["NAME"]),
            str(source / PG_DUMP),
        ],
        env=_pg_env(database),
    )


# --- backup and restore ----------------------------------------------------------------------------------------------


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def backup(*, database: dict, media_root: Path, target_dir: Path, now: datetime.datetime | None = None) -> Path:
    """Write one archive of the database and the media files into target_dir; return its path."""
    engine = engine_of(database)
    media_root = Path(media_root)
    target_dir = Path(target_dir)
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = (now or datetime.datetime.now().astimezone()).strftime("%Y%m%d-%H%M%S")
    archive = target_dir / f"meeting-records-{stamp}.tar.gz"
    n = 1
    while archive.exists():
        n += 1
        archive = target_dir / f"meeting-records-{stamp}-{n}.tar.gz"
    files = _media_files(media_root)
    with tempfile.TemporaryDirectory(prefix="backup-", dir=target_dir) as work:
        work = Path(work)
        dump, counts = _dump_database(database, work)
        manifest = {
            "format": FORMAT,
            "engine": engine,
            "created": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "database": dump,
            "tables": counts,
            "media": [p.relative_to(media_root).as_posix() for p in files],
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        partial = work / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(work / dump, arcname=dump)
            for path in files:
                tar.add(path, arcname=f"media/{path.relative_to(media_root).as_posix()}")
        partial.chmod(0o600)  # it holds every confidential record: readable by its owner only
        partial.replace(archive)  # the archive appears whole or not at all
    return archive


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:*") as tar:
            member = tar.extractfile("manifest.json")
            manifest = json.load(member)
    except (OSError, KeyError, tarfile.TarError, json.JSONDecodeError) as error:
        raise BackupError(f"{archive} is not a backup made by this script ({error}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{archive} has backup format {manifest.get('format')}; this script reads {FORMAT}.")
    return manifest


def restore(*, archive: Path, database: dict, media_root: Path, force: bool = False) -> dict:
    """Restore an archive into the configured database and media folder; return the manifest.

    Refuses (BackupError, nothing changed) when the database holds tables or the media folder
    holds files, unless force."""
    archive = Path(archive)
    media_root = Path(media_root)
    manifest = read_manifest(archive)
    engine = engine_of(database)
    if manifest["engine"] != engine:
        raise BackupError(
            f"{archive.name} is a {manifest['engine']} backup; the configured database is {engine}. "
            "Set DATABASE_URL to a database of the same kind."
        )
    existing = table_rows(database)
    present = _media_files(media_root)
    if (existing or present) and not force:
        what = []
        if existing:
            what.append(f"the database {database['NAME']} holds {len(existing)} tables")
        if present:
            what.append(f"{media_root} holds {len(present)} files")
        raise BackupError(
            f"Not restored: {' and '.join(what)}. Restore into an empty database, "
            "or add --force (make restore FORCE=1) to replace them."
        )
    with tempfile.TemporaryDirectory(prefix="restore-") as work:
        work = Path(work)
        with tarfile.open(archive, "r:*") as tar:
            tar.extractall(work, filter="data")  # no absolute paths, no "..", no links out
        _load_database(database, work, replace=bool(existing))
        media_root.mkdir(parents=True, exist_ok=True)
        for name in manifest["media"]:
            target = media_root / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(work / "media" / name, target)
    restored = table_rows(database)
    wrong = {t: (n, restored.get(t)) for t, n in manifest["tables"].items() if restored.get(t) != n}
    if wrong:
        raise BackupError(f"The restored database differs from the backup (table: backup, restored): {wrong}")
    return manifest


# --- command line ----------------------------------------------------------------------------------------------------


def _settings():
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.conf import settings

    return settings.DATABASES["default"], Path(settings.MEDIA_ROOT)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Back up or restore the database and the uploaded files.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write one archive of the database and MEDIA_ROOT")
    make.add_argument("--dir", default=str(BASE_DIR / "backups"), help="where to write it (default: backups/)")
    load = commands.add_parser("restore", help="restore an archive into the configured database and MEDIA_ROOT")
    load.add_argument("archive", help="the .tar.gz written by backup")
    load.add_argument("--force", action="store_true", help="replace a database or media folder that is not empty")
    args = parser.parse_args(argv)
    database, media_root = _settings()
    try:
        if args.command == "backup":
            archive = backup(database=database, media_root=media_root, target_dir=Path(args.dir))
            manifest = read_manifest(archive)
            rows = sum(manifest["tables"].values())
            print(f"Backed up {rows} rows in {len(manifest['tables'])} tables and {len(manifest['media'])} files")
            print(f"to {archive}")
        else:
            manifest = restore(archive=Path(args.archive), database=database, media_root=media_root, force=args.force)
            rows = sum(manifest["tables"].values())
            print(f"Restored {rows} rows in {len(manifest['tables'])} tables and {len(manifest['media'])} files")
            print(f"from {args.archive} (made {manifest['created']}) into {database['NAME']} and {media_root}")
    except BackupError as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
