"""What every bench script reports alike: the machine it ran on, and its figures between the markers
<!-- results --> and <!-- /results --> of its bench/*.md.

    from benchlib import Machine, write_results
    machine = Machine()                  # at the start: the load average then
    ...
    write_results("memory.md", f"{machine.describe()}\n\n| ... |")
"""

from __future__ import annotations

import datetime
import os
import platform
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
START, END = "<!-- results -->", "<!-- /results -->"
POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def _meminfo_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 2**20
    return 0.0


def cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown CPU"


def postgres_version(url: str = POSTGRES) -> str:
    """The server's version as PostgreSQL reports it (SHOW server_version), or why it is unknown."""
    try:
        out = subprocess.run(["psql", url, "-tAc", "SHOW server_version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unknown ({exc.__class__.__name__})"
    return out.stdout.strip().split(" ")[0] or "unknown"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.1f} / {five:.1f} / {fifteen:.1f}"


class Machine:
    """Made at the start of a run; describe() at its end gives both load averages."""

    def __init__(self):
        self.started = datetime.datetime.now(datetime.UTC)
        self.load_at_start = load()

    def describe(self) -> str:
        ended = datetime.datetime.now(datetime.UTC)
        return (
            f"Run {self.started:%Y-%m-%d %H:%M}–{ended:%H:%M} UTC on {os.cpu_count()} × {cpu()} "
            f"(nproc {len(os.sched_getaffinity(0))}), {_meminfo_gb():.1f} GB RAM, "
            f"{platform.system()} {platform.release()}, Python {platform.python_version()}, "
            f"PostgreSQL {postgres_version()}; load average (1 / 5 / 15 min) {self.load_at_start} at the start, "
            f"{load()} at the end."
        )


def write_results(md_name: str, text: str) -> Path:
    """Replace what is between the markers of bench/<md_name> with `text` (not with BENCH_NO_WRITE=1)."""
    path = HERE / md_name
    if os.environ.get("BENCH_NO_WRITE") == "1":
        print(f"(BENCH_NO_WRITE=1: {path.name} left as it is)", flush=True)
        return path
    doc = path.read_text(encoding="utf-8")
    if START not in doc or END not in doc:
        raise SystemExit(f"{path}: no {START} … {END} block to write the results into")
    start, end = doc.index(START) + len(START), doc.index(END)
    path.write_text(doc[:start] + "\n" + text.strip("\n") + "\n" + doc[end:], encoding="utf-8")
    return path


def recreate_database(name: str) -> None:
    """Drop the bench database `name` (closing this process's connections and anyone else's) and
    create it empty on the PostgreSQL at 127.0.0.1:5432."""
    import sys

    import psycopg2

    if "django" in sys.modules:
        from django.db import connections

        connections.close_all()
    conn = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        cur.execute(f"CREATE DATABASE {name}")
    conn.close()
