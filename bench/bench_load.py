"""Mixed load with locust: 64 users for 60 s against gunicorn, PostgreSQL and Redis; then the check
that no acknowledged write was lost.

    .venv/bin/python bench/bench_load.py                   # also: make bench-load
    .venv/bin/python bench/bench_load.py --users 64 --duration 60 --reuse

1. Database postgres://postgres@127.0.0.1:5432/mr_bench_load made anew (unless --reuse): migrate,
   load_demo (the demo data), and 2,000 generated notices (demo.bulk) so the public pages and search
   have something to read. The records written to: the demo secretary's held meeting (its summary:
   the minutes being written), the demo member's material (made a draft), an item of the demo
   member's (progress reports). Sessions are made here for 6 secretary and 6 member sessions
   (REQUIRE_2FA=0: the load has no authenticator app).
2. gunicorn with config/gunicorn.conf.py (DEBUG off, sync workers 2 × CPUs + 1, REDIS_URL set: the
   shared cache and the cached_db sessions in Redis).
3. locust headless, bench/locustfile.py: the editors as fixed counts, the rest public readers.
4. Checks: no request failed (errors = 0), and lost writes = 0: every acknowledged save of the
   minutes and of the material (302) is the version of the record that follows the version it was
   based on, with its text, in the record's history (simple-history); no two acknowledged saves
   started from one version (none silently overwrote another); the record's version moved by at
   least the number of acknowledged saves (more only by saves in flight when locust stopped) and the
   record as it is now holds the last acknowledged save; every acknowledged progress report is in
   the database once, and no refused one is.
Figures (requests, failures, p50/p95/p99 per request kind, each kind's p95 as a multiple of the p95
of the trivial view, robots.txt, requested by the same readers in the same run; the writes; the
machine) go between the markers of bench/load.md.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchlib import Machine, recreate_database
from benchlib import write_results as write_results_block

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "mr_bench_load"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
PORT = 8773
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/7")
ENV = {
    "DATABASE_URL": DB_URL,
    "REDIS_URL": REDIS_URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "REQUIRE_2FA": "0",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "WHITENOISE_USE_FINDERS": "0",
    "LANGUAGE_CODE": "zh-hans",
    "LOG_LEVEL": "ERROR",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "CONN_MAX_AGE": "600",
}
SEARCH_TERMS = ["整改", "民主生活会", "对照检查", "谈心谈话", "整改台账", "渝中区", "綦江区", "乡村振兴", "基层减负",
                "党纪学习教育", "督导", "rectification", "不存在的词语", "卫生健康委", "批评与自我批评"]  # fmt: skip


def _django():
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _manage(*args, **extra_env):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **ENV, **extra_env}, check=True)


def prepare(reuse: bool, secretaries: int, members: int) -> dict:
    if not reuse:
        recreate_database(DB_NAME)
        _manage("migrate", "--noinput", "-v", "0")
        _manage("load_demo", DEBUG="1")
    _django()
    import redis
    from django.contrib.auth import get_user_model
    from django.test import Client

    from demo.bulk import generate_notices
    from materials.models import InspectionMaterial
    from meetings.models import Meeting
    from notices.models import Notice
    from rectification.models import RectificationItem

    redis.Redis.from_url(REDIS_URL).flushdb()  # our own database number: the page cache and sessions
    if not reuse:
        generate_notices(2000)
    User = get_user_model()
    secretary = User.objects.get(username="secretary")
    member = User.objects.get(username="member").member
    # A meeting whose record is still being written (held; a closed one's form is locked).
    managed = Meeting.objects.managed_by(secretary).order_by("pk")
    meeting = managed.filter(status=Meeting.Status.HELD).first() or managed.exclude(status="closed").first()
    material = InspectionMaterial.objects.filter(author=member, on_behalf_of_group=False).order_by("pk").first()
    if material is None:
        material = InspectionMaterial.objects.create(meeting=meeting, author=member, title="对照检查材料")
    InspectionMaterial.objects.filter(pk=material.pk).update(status=InspectionMaterial.Status.DRAFT)
    item = RectificationItem.objects.filter(plan__meeting__organisation=meeting.organisation).order_by("pk").first()
    RectificationItem.objects.filter(pk=item.pk).update(
        responsible_member=member, status=RectificationItem.Status.IN_PROGRESS
    )

    def sessions(user, count):
        cookies = []
        for _ in range(count):
            client = Client()
            client.force_login(user)
            cookies.append(client.cookies["sessionid"].value)
        return cookies

    notices = list(Notice.objects.live().order_by("?")[:300])
    return {
        "sessions": {"secretary": sessions(secretary, secretaries), "member": sessions(member.user, members)},
        "meeting_pk": meeting.pk,
        "meeting_edit": f"/meetings/{meeting.pk}/edit/",
        "meeting_page": f"/meetings/{meeting.pk}/",
        "material_pk": material.pk,
        "material_edit": f"/meetings/materials/{material.pk}/edit/",
        "material_field": "causes",
        "item_pk": item.pk,
        "item_page": f"/rectification/items/{item.pk}/progress/",
        "progress_url": f"/rectification/items/{item.pk}/progress/",
        "notice_urls": [n.get_absolute_url() for n in notices],
        "search_terms": SEARCH_TERMS,
        "start_versions": {
            "minutes": Meeting.objects.get(pk=meeting.pk).version,
            "material": InspectionMaterial.objects.get(pk=material.pk).version,
        },
    }


def _fix_urls(plan: dict):
    """The edit addresses as the app routes them (checked, not assumed)."""
    from django.urls import reverse

    plan["meeting_edit"] = reverse("meetings:edit", args=[plan["meeting_pk"]])
    plan["meeting_page"] = reverse("meetings:detail", args=[plan["meeting_pk"]])
    plan["material_edit"] = reverse("materials:edit", args=[plan["material_pk"]])
    plan["progress_url"] = plan["item_page"] = reverse("rectification:item_progress", args=[plan["item_pk"]])


class Server:
    def __enter__(self):
        env = {**os.environ, **ENV, "BIND": f"127.0.0.1:{PORT}", "GUNICORN_LOG_LEVEL": "warning"}
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.conf.py", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
        )
        for _ in range(300):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/robots.txt", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    return self
            except OSError:
                time.sleep(0.1)
        self.proc.terminate()
        raise SystemExit("gunicorn did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def warm_up(plan: dict, workers: int):
    """Every page kind a few times per worker, several at once, so no worker meets its first request
    (templates, translations, jieba's dictionary, the page cache) while measured. Reads only."""
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import quote

    secretary, member = plan["sessions"]["secretary"][0], plan["sessions"]["member"][0]
    pages = [("/", ""), ("/notices/", ""), ("/notices/feed/", ""), (f"/search/?q={quote('整改')}", "")]
    pages += [(url, "") for url in plan["notice_urls"][:20]]
    pages += [(plan["meeting_edit"], secretary), (plan["meeting_page"], secretary)]
    pages += [(plan["material_edit"], member), (plan["progress_url"], member)]

    def get(page):
        url, cookie = page
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=300)
        conn.request("GET", url, headers={"Host": "127.0.0.1", "Cookie": f"sessionid={cookie}" if cookie else ""})
        conn.getresponse().read()
        conn.close()

    with ThreadPoolExecutor(max_workers=workers * 2) as pool:
        list(pool.map(get, pages * 3))


def run_locust(plan_path: Path, log_path: Path, users: int, duration: int, csv_prefix: Path, env_extra: dict):
    env = {**os.environ, **ENV, "LOAD_PLAN": str(plan_path), "LOAD_LOG": str(log_path), **env_extra}
    subprocess.run(
        [
            str(ROOT / ".venv/bin/locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "-u",
            str(users),
            "-r",
            str(users),  # all users started within the first second
            "-t",
            f"{duration}s",
            "-H",
            f"http://127.0.0.1:{PORT}",
            "--csv",
            str(csv_prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
            "--stop-timeout",
            "10",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )


def check_writes(plan: dict, log_path: Path) -> dict:
    from materials.models import InspectionMaterial
    from meetings.models import Meeting
    from rectification.models import ProgressReport

    entries = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    result = {}
    records = {
        "minutes": (Meeting, plan["meeting_pk"], "summary"),
        "material": (InspectionMaterial, plan["material_pk"], plan["material_field"]),
    }
    for kind, (model, pk, field) in records.items():
        mine = [e for e in entries if e["kind"] == kind]
        acked = [e for e in mine if e["outcome"] == "acknowledged"]
        # Every version the record went through (simple-history keeps a row per save).
        versions: dict[int, list[str]] = {}
        for version, text in model.history.filter(id=pk).values_list("version", field):
            versions.setdefault(version, []).append(text or "")
        # An acknowledged save based on version v must be the record's version v + 1, with its text.
        lost = [
            e["marker"] for e in acked if not any(e["marker"] in t for t in versions.get(e["base_version"] + 1, []))
        ]
        bases = [e["base_version"] for e in acked]
        overwritten = len(bases) - len(set(bases))  # two saves acknowledged from one version: one overwrote
        record = model.objects.get(pk=pk)
        moved = record.version - plan["start_versions"][kind]
        last = max(acked, key=lambda e: e["base_version"], default=None)
        in_flight = moved - len(acked)
        result[kind] = {
            "attempts": len(mine),
            "acknowledged": len(acked),
            "conflicts (409)": sum(e["outcome"] == "conflict" for e in mine),
            "errors": sum(e["outcome"].startswith("error") for e in mine),
            "lost": len(lost),
            "silently overwritten": overwritten,
            "version moved": moved,
            # A save still in flight when locust stopped its users may be written with no answer read:
            # saved, never acknowledged. So the version moves by at least the acknowledged saves.
            "saved, not acknowledged (in flight at the stop)": in_flight,
            # The record as it is now holds the last acknowledged save (unless one in flight came after).
            "last save stands": in_flight > 0 or last is None or last["marker"] in (getattr(record, field) or ""),
            "version consistent": in_flight >= 0 and not lost and not overwritten,
        }
        result[kind]["version consistent"] &= result[kind]["last save stands"]
    progress = [e for e in entries if e["kind"] == "progress"]
    acked = [e for e in progress if e["outcome"] == "acknowledged"]
    texts = list(ProgressReport.objects.filter(item_id=plan["item_pk"]).values_list("text", flat=True))
    stored = {e["marker"]: sum(e["marker"] in t for t in texts) for e in progress}
    result["progress"] = {
        "attempts": len(progress),
        "acknowledged": len(acked),
        "errors": sum(e["outcome"].startswith("error") for e in progress),
        "lost": sum(1 for e in acked if stored[e["marker"]] == 0),
        # each report is appended once: none twice, none from a refused request
        "version consistent": all(stored[e["marker"]] <= 1 for e in progress)
        and all(stored[e["marker"]] == 0 for e in progress if e["outcome"] != "acknowledged"),
    }
    return result


def read_stats(csv_prefix: Path) -> list[dict]:
    with open(f"{csv_prefix}_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


TRIVIAL = "trivial view: robots.txt"  # the locustfile's name for it


def write_results(stats, writes, users, duration, workers, locust_kinds, machine: Machine) -> str:
    trivial = next((r for r in stats if r["Name"] == TRIVIAL), None)
    trivial_p95 = float(trivial["95%"]) if trivial and float(trivial["95%"]) > 0 else None
    lines = [
        machine.describe(),
        f"gunicorn {workers} sync workers, PostgreSQL, Redis; locust {users} users "
        f"({locust_kinds}) for {duration} s, started within the first second. "
        "“× trivial” is a kind's p95 over the p95 of robots.txt requested by the same readers in the same run "
        "(lower is better; 1 = as fast as the trivial view).",
        "",
        "| request kind | requests | failures | p50 | p95 | × trivial (p95) | p99 | max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in stats:
        name = row["Name"] if row["Name"] != "Aggregated" else "**all**"
        ratio = f"{float(row['95%']) / trivial_p95:.1f}×" if trivial_p95 else "–"
        lines.append(
            f"| {name} | {int(row['Request Count']):,} | {int(row['Failure Count'])} | {row['50%']} ms | "
            f"**{row['95%']} ms** | {ratio} | {row['99%']} ms | {float(row['Max Response Time']):.0f} ms |"
        )
    lines += ["", "Writes (from each user's log, checked against the database afterwards):", ""]
    lines += [
        "| record | answered saves | acknowledged | 409 conflicts | errors | lost | silently overwritten "
        "| version moved | saved in flight at the stop | last save stands |"
    ]
    lines += ["| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for kind, w in writes.items():
        stands = w.get("last save stands")
        lines.append(
            f"| {kind} | {w['attempts']} | {w['acknowledged']} | {w.get('conflicts (409)', '–')} | {w['errors']} | "
            f"**{w['lost']}** | {w.get('silently overwritten', '–')} | {w.get('version moved', '–')} | "
            f"{w.get('saved, not acknowledged (in flight at the stop)', '–')} | "
            f"{'–' if stands is None else '✓' if stands else '✗'} |"
        )
    errors = sum(int(r["Failure Count"]) for r in stats if r["Name"] == "Aggregated")
    lost = sum(w["lost"] + w.get("silently overwritten", 0) for w in writes.values())
    consistent = all(w.get("version consistent", True) for w in writes.values())
    lines += ["", f"**errors: {errors}, lost writes: {lost}**, versions consistent: {'yes' if consistent else 'NO'}."]
    text = "\n".join(lines)
    print(text)
    write_results_block("load.md", text)
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--secretaries", type=int, default=6)
    parser.add_argument("--members", type=int, default=6)
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    args = parser.parse_args()
    machine = Machine()
    plan = prepare(args.reuse, args.secretaries, args.members)
    _fix_urls(plan)
    with tempfile.TemporaryDirectory() as tmp:
        plan_path, log_path, csv_prefix = Path(tmp) / "plan.json", Path(tmp) / "writes.jsonl", Path(tmp) / "locust"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        log_path.write_text("", encoding="utf-8")
        with Server() as server:
            workers = len([p for p in Path("/proc").iterdir() if p.name.isdigit() and _ppid(p) == server.proc.pid])
            warm_up(plan, workers)
            run_locust(
                plan_path,
                log_path,
                args.users,
                args.duration,
                csv_prefix,
                {"LOAD_SECRETARIES": str(args.secretaries), "LOAD_MEMBERS": str(args.members)},
            )
        stats = read_stats(csv_prefix)
        writes = check_writes(plan, log_path)
    readers = args.users - args.secretaries - args.members
    kinds = f"{readers} public readers, {args.secretaries} secretary sessions, {args.members} member sessions"
    write_results(stats, writes, args.users, args.duration, workers, kinds, machine)
    errors = sum(int(r["Failure Count"]) for r in stats if r["Name"] == "Aggregated")
    lost = sum(w["lost"] + w.get("silently overwritten", 0) for w in writes.values())
    consistent = all(w.get("version consistent", True) for w in writes.values())
    sys.exit(0 if errors == 0 and lost == 0 and consistent else 1)


def _ppid(entry: Path) -> int:
    try:
        return int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return -1


if __name__ == "__main__":
    main()
