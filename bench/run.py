"""Every benchmark in one sitting (`make bench`): each script prints its figures and rewrites the
results block (<!-- results --> … <!-- /results -->) of its bench/*.md, with the machine described
(CPU, RAM, kernel, Python, PostgreSQL, load average at its start and end).

    python bench/run.py                      # everything, full sizes, in the order below
    python bench/run.py --quick              # every script at a small size: does it all work? (writes no .md)
    python bench/run.py bench_load bench_memory          # only those
    python bench/run.py --skip bench_ledger              # all but those
    python bench/run.py bench_memory -- --fresh          # arguments after -- go to each script run

Order, light to heavy (issue 14's figures first); each script's own docstring says what it does:

    bench_pages        signed-in pages ÷ robots.txt, on the demo and on 100,000 items  -> pages.md
    bench_two_servers  propagation between two app servers, and robots.txt's time        -> two_servers.md
    bench_load         locust, 64 users, 60 s: errors, lost writes, p95 ÷ robots.txt's   -> load.md
    bench_public       notice page, list, search ÷ the trivial view (100,000 notices)   -> public.md
    bench_memory       peak memory of the .xlsx and the .docx bundle, 10,000 and 100,000 -> memory.md
    bench_ledger       the ledger page and export at 10,000 items (bench/results/)
    bench_limits       the largest diff and Word import one request may ask for (printed)

bench_public needs its 100,000 notices indexed in mr_bench_public (generating them takes far longer
than the rest together); when they are not there it is left out, saying so, unless --public-anyway.
Databases made by earlier runs are used again where a script allows it (bench_memory's per size,
bench_pages' mr_bench_pages*), so the 100,000-item data is generated once, not at every run.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

from benchlib import Machine, load

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PUBLIC_NOTICES = 100_000

# (script, full-size arguments, --quick arguments)
PLAN = [
    ("bench_pages", ["--items", "0", "100000"], ["--items", "0", "--rounds", "1", "--duration", "2"]),
    ("bench_two_servers", ["--trials", "7"], ["--trials", "2"]),
    ("bench_load", [], ["--users", "16", "--duration", "15", "--secretaries", "3", "--members", "3"]),
    (
        "bench_public",
        [],
        ["--notices", "2000", "--rounds", "1", "--duration", "2", "--search-rounds", "40"]
        + ["--database-url", "postgres://postgres@127.0.0.1:5432/mr_bench_public_quick"],
    ),
    ("bench_memory", [], ["--items", "1000", "2000"]),
    ("bench_ledger", [], ["--items", "2000"]),
    ("bench_limits", [], []),
]


def public_notices() -> int:
    out = subprocess.run(
        [
            "psql",
            "postgres://postgres@127.0.0.1:5432/mr_bench_public",
            "-tAc",
            "SELECT count(*) FROM notices_notice WHERE status = 'published'",
        ],
        capture_output=True,
        text=True,
    )
    return int(out.stdout.strip()) if out.returncode == 0 and out.stdout.strip().isdigit() else 0


def main(argv: list[str]) -> int:
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1 :]
        argv = argv[: argv.index("--")]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("only", nargs="*", help="scripts to run (default: all)")
    parser.add_argument("--skip", nargs="+", default=[], help="scripts to leave out")
    parser.add_argument("--quick", action="store_true", help="small sizes: check that everything works")
    parser.add_argument("--no-write", action="store_true", help="print the figures only, rewrite no bench/*.md")
    parser.add_argument("--public-anyway", action="store_true", help="run bench_public even if it must generate")
    args = parser.parse_args(argv)
    wanted = {name.removesuffix(".py") for name in args.only}
    skip = {name.removesuffix(".py") for name in args.skip}
    unknown = (wanted | skip) - {name for name, _full, _quick in PLAN}
    if unknown:
        parser.error(f"no such bench script: {', '.join(sorted(unknown))}")
    machine = Machine()
    print(f"== {machine.describe()}", flush=True)
    results = []
    for name, full, quick in PLAN:
        if (wanted and name not in wanted) or name in skip:
            continue
        if name == "bench_public" and not args.quick and not args.public_anyway:
            have = public_notices()
            if have < PUBLIC_NOTICES:
                print(
                    f"== {name}: LEFT OUT: mr_bench_public holds {have:,} published notices, not {PUBLIC_NOTICES:,} "
                    "(indexing them takes hours on 2 cores); --public-anyway to generate them and run it",
                    flush=True,
                )
                results.append((name, "left out", 0))
                continue
        command = [sys.executable, str(HERE / f"{name}.py"), *(quick if args.quick else full), *extra]
        print(f"== {name}: {' '.join(command[1:])} (load average {load()})", flush=True)
        started = time.monotonic()
        env = {**os.environ, "BENCH_NO_WRITE": "1"} if args.quick or args.no_write else None
        if env and name == "bench_public" and "--no-write" not in command:
            command.append("--no-write")
        rc = subprocess.call(command, cwd=ROOT, env=env)
        elapsed = time.monotonic() - started
        print(f"== {name}: exit {rc} in {elapsed:.0f} s (load average {load()})", flush=True)
        results.append((name, f"exit {rc}", elapsed))
    print(f"\n== {machine.describe()}")
    for name, outcome, elapsed in results:
        failed = outcome not in ("exit 0", "left out")
        note = "  (a target missed, or a failure: see its output above)" if failed else ""
        print(f"   {name:<18} {outcome:<9} {elapsed / 60:5.1f} min{note}")
    return 1 if any(outcome not in ("exit 0", "left out") for _name, outcome, _elapsed in results) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
