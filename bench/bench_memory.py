"""Peak memory of the two large exports, measured inside a gunicorn worker.

    .venv/bin/python bench/bench_memory.py                       # 10,000 and 100,000 items
    .venv/bin/python bench/bench_memory.py --items 1000          # a quick look
    .venv/bin/python bench/bench_memory.py --materials 20 200    # also the bundle of 20 materials
    .venv/bin/python bench/bench_memory.py --fresh               # make the databases anew

Each size has a database of its own (postgres://postgres@127.0.0.1:5432/mr_bench_memory_<items>),
made once with `generate_data --meetings N/10 --items-per-meeting 10`, where one meeting gets 200
approved comparison-inspection materials of about 4,000 characters each (another 20, to see the
growth with the number of materials); later runs migrate it and use it again when it holds what it
should (--fresh makes it anew). Then, for each export, a fresh gunicorn (config/gunicorn.conf.py,
1 sync worker, DEBUG off) is started, the worker is warmed up with the ledger page, its resident
memory is read (VmRSS), its peak is reset (`echo 5 > /proc/<pid>/clear_refs`), the export is
requested as the superuser and read to the end, and the worker's peak (VmHWM) is read:
the peak during the request, the whole process (Django included). VmRSS is also polled every
10 ms during the request as a cross-check.

Exports: the ledger .xlsx of every item (/rectification/export.xlsx) and the .docx bundle of the
meeting's 200 approved materials (/meetings/<pk>/materials/export.docx), each at every size.
Targets: peak under 150 MB, and growing less than 20 % from 10,000 to 100,000 items.
Results are written between the markers of bench/memory.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import Machine, recreate_database
from benchlib import write_results as write_results_block

ROOT = Path(__file__).resolve().parent.parent
DB_PREFIX = "mr_bench_memory"
PORT = 8772
TARGET_MB = 150
GROWTH_TARGET = 0.20
BUNDLES = (200, 20)  # materials on the first and the second meeting of the generated data
ENV = {
    "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{DB_PREFIX}_0",  # set per size by use_database
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    "REQUIRE_2FA": "0",  # the session is made here, without the second factor (a deployment option too)
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "WHITENOISE_USE_FINDERS": "0",
    "LANGUAGE_CODE": "zh-hans",
    "LOG_LEVEL": "ERROR",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}
ASPECTS = ["理论学习方面", "贯彻落实党中央决策部署方面", "担当作为方面", "联系服务群众方面", "作风建设方面"]
SENTENCES = [
    "理论学习不够系统深入，满足于读原著、学原文，对党的创新理论的核心要义领会不透",
    "调查研究不够深入，到基层一线次数偏少，听取群众意见不够广泛",
    "抓工作落实跟踪问效不够，有的部署停留在会议上、文件中",
    "联系服务群众不够经常，解决群众急难愁盼问题的力度不够",
    "执行民主集中制不够严格，批评与自我批评辣味不足",
    "担当作为不够，面对矛盾问题有时存在畏难情绪",
    "落实中央八项规定精神有松懈，文山会海问题仍然存在",
    "每月开展一次专题学习研讨，形成学习成果清单并在支部会议上交流",
    "每年到基层调研不少于二十天，形成调研报告，推动解决实际问题",
]


def _django():
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def use_database(items: int) -> str:
    """Point this process and the commands it starts at the database of `items` items."""
    from django.db import connections

    name = f"{DB_PREFIX}_{items}"
    ENV["DATABASE_URL"] = os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{name}"
    connections.close_all()
    connections["default"].settings_dict["NAME"] = name
    return name


def _database_exists(name: str) -> bool:
    import psycopg2

    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        found = cur.fetchone() is not None
    conn.close()
    return found


def _manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **ENV}, check=True)


def _paragraphs(rng, count):
    return "\n\n".join("；".join(rng.sample(SENTENCES, 4)) + "。" for _ in range(count))


def _materials(meeting, count, rng):
    """`count` approved materials of about 4,000 characters each, one per new member, on `meeting`."""
    from django.utils import timezone

    from materials.models import InspectionMaterial
    from members.models import Member

    members = Member.objects.bulk_create([Member(name=f"成员{meeting.pk}-{n:03d}") for n in range(count)])
    InspectionMaterial.objects.bulk_create(
        [
            InspectionMaterial(
                meeting=meeting,
                author=member,
                title=f"{member.name}个人对照检查材料",
                problem_sections=[{"aspect": a, "text": f"- {_paragraphs(rng, 2)}"} for a in ASPECTS],
                problems="",
                causes=f"## 思想根源\n\n{_paragraphs(rng, 3)}\n\n## 作风根源\n\n{_paragraphs(rng, 2)}",
                measures="\n".join(f"{i}. {_paragraphs(rng, 1)}" for i in range(1, 7)),
                status=InspectionMaterial.Status.APPROVED,
                approved_at=timezone.now(),
            )
            for member in members
        ]
    )


def _complete(items: int) -> bool:
    """The database holds the generated items and both meetings' approved materials."""
    from materials.models import InspectionMaterial
    from meetings.models import Meeting
    from rectification.models import RectificationItem

    meetings = list(Meeting.objects.order_by("pk")[:2])
    if RectificationItem.objects.count() != items or len(meetings) < 2:
        return False
    approved = InspectionMaterial.Status.APPROVED
    return all(
        InspectionMaterial.objects.filter(meeting=m, status=approved).count() == count
        for m, count in zip(meetings, BUNDLES, strict=True)
    )


def prepare(items: int, fresh: bool) -> dict:
    """The database of `items` items, made once and used again (--fresh: made anew)."""
    from django.contrib.auth import get_user_model

    from meetings.models import Meeting

    name = use_database(items)
    exists = _database_exists(name)
    if exists:
        _manage("migrate", "--noinput", "-v", "0")  # the code may have moved on since it was made
    if fresh or not exists or not _complete(items):
        recreate_database(name)
        _manage("migrate", "--noinput", "-v", "0")
        started = time.monotonic()
        _manage("generate_data", "--meetings", str(max(1, items // 10)), "--items-per-meeting", "10")
        rng = random.Random(1)
        for meeting, count in zip(Meeting.objects.order_by("pk")[:2], BUNDLES, strict=True):
            _materials(meeting, count, rng)
        _manage("shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
        print(f"database {name}: {items:,} items made in {time.monotonic() - started:.0f} s", flush=True)
    else:
        print(f"database {name}: {items:,} items, made by an earlier run (--fresh to make it anew)", flush=True)
    User = get_user_model()
    root, _ = User.objects.get_or_create(username="bench-root", defaults={"is_superuser": True, "is_staff": True})
    from django.test import Client

    client = Client()
    client.force_login(root)
    meetings = Meeting.objects.order_by("pk")[:2]
    return {
        "cookie": client.cookies["sessionid"].value,
        "meetings": {count: m.pk for m, count in zip(meetings, BUNDLES, strict=True)},
    }


# --- the server and its worker ------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def _status_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def _get(path: str, cookie: str, timeout=600) -> tuple[int, int]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=timeout)
    conn.request("GET", path, headers={"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"})
    response = conn.getresponse()
    size = 0
    while chunk := response.read(65536):
        size += len(chunk)
    conn.close()
    return response.status, size


class Server:
    def __enter__(self):
        env = {
            **os.environ,
            **ENV,
            "BIND": f"127.0.0.1:{PORT}",
            "WEB_CONCURRENCY": "1",
            "GUNICORN_MAX_REQUESTS": "0",
            "GUNICORN_TIMEOUT": "600",
            "GUNICORN_LOG_LEVEL": "warning",
        }
        self.proc = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "-c", "config/gunicorn.conf.py", "--access-logfile", "/dev/null"],
            cwd=ROOT,
            env=env,
        )
        for _ in range(200):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
                conn.request("GET", "/robots.txt", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            self.proc.terminate()
            raise SystemExit("gunicorn did not start")
        (self.worker,) = _children(self.proc.pid)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(timeout=60)


def measure(path: str, cookie: str) -> dict:
    with Server() as server:
        pid = server.worker
        for _ in range(3):  # Django, the templates, the session and the ledger's code loaded
            assert _get("/rectification/", cookie)[0] == 200
        before = _status_kb(pid, "VmRSS")
        Path(f"/proc/{pid}/clear_refs").write_text("5")  # the peak (VmHWM) starts again from here
        polled = [before]
        done = threading.Event()

        def poll():
            while not done.is_set():
                try:
                    polled.append(_status_kb(pid, "VmRSS"))
                except (OSError, KeyError):
                    return
                time.sleep(0.01)

        poller = threading.Thread(target=poll)
        poller.start()
        started = time.monotonic()
        status, size = _get(path, cookie)
        elapsed = time.monotonic() - started
        done.set()
        poller.join()
        peak = _status_kb(pid, "VmHWM")
        assert status == 200, (path, status)
    return {
        "at": f"{datetime.datetime.now(datetime.UTC):%H:%M}, load {os.getloadavg()[0]:.1f}",
        "before_mb": before / 1024,
        "peak_mb": peak / 1024,
        "polled_mb": max(polled) / 1024,
        "seconds": elapsed,
        "file_mb": size / 2**20,
    }


def write_results(results: dict, machine: Machine):
    sizes = sorted({items for _name, items in results})
    lines = [machine.describe(), ""]
    lines += [
        "| export | items in the database | worker before | peak during the request (VmHWM) | polled max | "
        "time | file | target < 150 MB | measured (UTC, load average) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |",
    ]
    for (name, items), r in results.items():
        ok = "✓" if r["peak_mb"] < TARGET_MB else "✗"
        lines.append(
            f"| {name} | {items:,} | {r['before_mb']:.1f} MB | **{r['peak_mb']:.1f} MB** | {r['polled_mb']:.1f} MB | "
            f"{r['seconds']:.1f} s | {r['file_mb']:.1f} MB | {ok} | {r.get('at', 'an earlier run')} |"
        )
    if len(sizes) > 1:
        lines.append("")
        small, large = sizes[0], sizes[-1]
        for name in dict.fromkeys(name for name, _items in results):
            a, b = results.get((name, small)), results.get((name, large))
            if a and b:
                growth = b["peak_mb"] / a["peak_mb"] - 1
                ok = "✓" if growth < GROWTH_TARGET else "✗"
                lines.append(
                    f"- {name}: peak {a['peak_mb']:.1f} MB at {small:,} items → {b['peak_mb']:.1f} MB at "
                    f"{large:,}: **{growth:+.1%}** (target < +20 %) {ok}"
                )
    text = "\n".join(lines)
    print(text)
    write_results_block("memory.md", text)
    met = all(r["peak_mb"] < TARGET_MB for r in results.values())
    for name in dict.fromkeys(name for name, _items in results):
        a, b = results.get((name, sizes[0])), results.get((name, sizes[-1]))
        if a and b and len(sizes) > 1:
            met = met and b["peak_mb"] / a["peak_mb"] - 1 < GROWTH_TARGET
    return met


RESULTS = Path(tempfile.gettempdir()) / "bench_memory_results.json"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--fresh", action="store_true", help="make each size's database anew")
    parser.add_argument("--materials", type=int, nargs="+", choices=BUNDLES, default=[200], help="bundles to measure")
    parser.add_argument("--only", choices=["xlsx", "docx"], help="measure one of the exports")
    parser.add_argument(
        "--keep", action="store_true", help=f"add to the figures of earlier runs (kept in {RESULTS}) in the report"
    )
    args = parser.parse_args()
    machine = Machine()
    _django()
    stored = json.loads(RESULTS.read_text()) if args.keep and RESULTS.exists() else {}
    results = {tuple(json.loads(key)): value for key, value in stored.items()}
    for items in sorted(args.items):
        facts = prepare(items, args.fresh)
        cookie = facts["cookie"]
        cases = []
        if args.only in (None, "xlsx"):
            cases.append(("ledger .xlsx, every item", "/rectification/export.xlsx"))
        if args.only in (None, "docx"):
            cases += [
                (f".docx bundle of {count} materials", f"/meetings/{facts['meetings'][count]}/materials/export.docx")
                for count in sorted(args.materials, reverse=True)
            ]
        for name, path in cases:
            results[(name, items)] = measure(path, cookie)
            figures = {k: v if isinstance(v, str) else round(v, 1) for k, v in results[(name, items)].items()}
            print((name, items), figures, flush=True)
            RESULTS.write_text(json.dumps({json.dumps(list(key)): value for key, value in results.items()}))
    met = write_results(dict(sorted(results.items(), key=lambda kv: (kv[0][0], kv[0][1]))), machine)
    print("TARGETS MET" if met else "TARGETS NOT MET")
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
