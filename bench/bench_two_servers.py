"""Propagation between two app servers: a notice published through one, on the other's pages.

    .venv/bin/python bench/bench_two_servers.py               # 7 trials
    .venv/bin/python bench/bench_two_servers.py --trials 3    # a quick look

What tests/test_two_servers.py checks (within the page cache's check interval plus a margin), measured
here over several trials, with the trivial view timed on the same server in the same run:

1. Its own PostgreSQL database on the machine's server (mr_bench_two_servers, made anew) and its own
   Redis database number (redis://127.0.0.1:6379/13, emptied): one of each, shared by both servers,
   with one media folder; a publisher and one draft notice per trial (tests.factories).
2. Two gunicorn servers (tests.servers.AppServer: production settings, DEBUG off, 2 sync workers
   each) on two loopback ports.
3. Each trial: readers keep the second server's home page, list, feed and the search for the trial's
   word busy for one check interval (so each of its workers has just checked the publication
   generation: the worst case), the publisher presses Publish on the first server, and the second
   server's four pages are asked in turn until each shows the notice on six requests in a row (both
   workers). A trial's propagation time is the last page's (from the answer to Publish).
4. The trivial view (robots.txt) on the second server: 100 requests one at a time after each trial.

Figures: each trial's time, the median and the max, per page; the trivial view's median request time,
and the propagation time as a multiple of it. Written between the markers of bench/two_servers.md.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchlib import Machine, recreate_database, write_results

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import AppServer, Browser, readers_busy, running, watch_propagation  # noqa: E402

DB_NAME = "mr_bench_two_servers"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
REDIS_URL = "redis://127.0.0.1:6379/13"
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's
READER = {"Accept-Language": "zh-hans", "Host": "127.0.0.1"}
IN_A_ROW = 6  # requests in a row that show the notice: every worker of the second server has it

SETUP = """
import json
from django.conf import settings
from django.utils import timezone
from notices.models import Notice
from notices.search import update_search_vectors
from tests.factories import NoticeFactory, OrganisationFactory, UserFactory

org = OrganisationFactory(name="市委办公室")
UserFactory(username="publisher", publisher=True)
NoticeFactory(title="上一年度民主生活会召开", body="去年召开。", status=Notice.Status.PUBLISHED,
              publish_at=timezone.now() - timezone.timedelta(days=1), organisation=org)
drafts = [
    NoticeFactory(title=f"市委召开民主生活会 {term}", body=f"会议强调 {term} 整改落实。", status=Notice.Status.DRAFT,
                  organisation=org).pk
    for term in %(terms)r
]
update_search_vectors(Notice.objects.all())
print(json.dumps({"drafts": drafts, "check": float(getattr(settings, "PUBLIC_CACHE_CHECK_SECONDS", 2.0))}))
"""


def term(n: int) -> str:
    """A word of its own per trial, letters only (the search's tokenizer keeps it whole)."""
    return "Propagation" + "".join("abcdefghij"[int(d)] for d in f"{n:03d}")


def title(n: int) -> str:
    return f"市委召开民主生活会 {term(n)}"


def shows(body: bytes, n: int) -> bool:
    return title(n) in re.sub(r"</?mark>", "", body.decode())  # search marks the words it found


def trivial_times(app: AppServer, count: int = 100) -> list[float]:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        status, _, _ = app.get("/robots.txt", headers=READER)
        times.append(time.perf_counter() - started)
        assert status == 200, status
    return times


def trial(one: AppServer, two: AppServer, publisher: Browser, n: int, draft: int, check: float) -> dict:
    pages = {"home": "/", "list": "/notices/", "feed": "/notices/feed/", "search": f"/search/?q={term(n)}"}
    for path in pages.values():  # the second server's workers hold every page, without the notice
        for _ in range(IN_A_ROW):
            status, _, body = two.get(path, headers=READER)
            assert status == 200 and not shows(body, n), (path, status)
    with readers_busy(two, pages.values(), READER, check=check, timeout=60):
        status, _, _ = publisher.post(f"/meetings/notices/{draft}/publish/", {})
        published = time.monotonic()
    assert status == 302, f"Publish answered {status}"

    first_seen, everywhere = watch_propagation(
        two,
        pages,
        READER,
        lambda body: shows(body, n),
        published,
        in_a_row=IN_A_ROW,
        timeout=check + 120,
        interval=0.02,
    )
    return {"first_seen": first_seen, "everywhere": everywhere, "propagation": max(everywhere.values())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trials", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server")
    args = parser.parse_args()
    machine = Machine()
    recreate_database(DB_NAME)
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()
    with tempfile.TemporaryDirectory(prefix="bench-two-servers-") as tmp:
        env = {
            "DATABASE_URL": DB_URL,
            "REDIS_URL": REDIS_URL,
            "CACHE_KEY_PREFIX": "bench-two-servers",
            "MEDIA_ROOT": str(Path(tmp) / "shared-media"),
            "LOG_LEVEL": "ERROR",
        }
        one, two = AppServer(env=env, workers=args.workers), AppServer(env=env, workers=args.workers)
        one.migrate()
        setup = one.manage("shell", "-c", SETUP % {"terms": [term(n) for n in range(args.trials)]})
        facts = json.loads(setup.stdout.strip().splitlines()[-1])
        check = facts["check"]
        trials, trivial = [], []
        with running(one, two):
            trivial_times(two, 50)  # warm-up: both workers answer
            publisher = Browser(one).login("publisher", PASSWORD)
            for n, draft in enumerate(facts["drafts"]):
                result = trial(one, two, publisher, n, draft, check)
                trials.append(result)
                trivial += trivial_times(two)
                seen = ", ".join(f"{name} {t:.2f} s" for name, t in result["everywhere"].items())
                print(f"trial {n + 1}: {result['propagation']:.2f} s ({seen})", flush=True)
    text = report(trials, trivial, check, args, machine)
    print(text)
    write_results("two_servers.md", text)
    return 0


def report(trials: list[dict], trivial: list[float], check: float, args, machine: Machine) -> str:
    times = [t["propagation"] for t in trials]
    trivial_ms = statistics.median(trivial) * 1000
    p95_ms = statistics.quantiles(trivial, n=20)[-1] * 1000 if len(trivial) > 1 else trivial_ms
    median, worst = statistics.median(times), max(times)
    lines = [
        machine.describe(),
        f"Two gunicorn servers ({args.workers} sync workers each, DEBUG off) on one PostgreSQL and one Redis; "
        f"page cache check interval (PUBLIC_CACHE_CHECK_SECONDS) {check:g} s; {len(trials)} trials.",
        "",
        "| | median | max | × the trivial view's median request |",
        "| --- | ---: | ---: | ---: |",
        f"| **propagation** (every page, every worker of the second server) | **{median:.2f} s** | **{worst:.2f} s** "
        f"| {median * 1000 / trivial_ms:,.0f}× (max {worst * 1000 / trivial_ms:,.0f}×) |",
    ]
    for name in ("home", "list", "feed", "search"):
        values = [t["everywhere"][name] for t in trials]
        first = statistics.median(t["first_seen"][name] for t in trials)
        mid = statistics.median(values)
        lines.append(
            f"| {name}: on every worker (first seen: median {first:.2f} s) "
            f"| {mid:.2f} s | {max(values):.2f} s | {mid * 1000 / trivial_ms:,.0f}× |"
        )
    lines += [
        f"| trivial view: robots.txt on the second server, {len(trivial)} requests one at a time "
        f"| {trivial_ms:.1f} ms | p95 {p95_ms:.1f} ms | 1× |",
        "",
        "Each trial (s): " + ", ".join(f"{t:.2f}" for t in times) + f". Target: within the check interval "
        f"plus 1.5 s ({check + 1.5:g} s), as tests/test_two_servers.py asserts: "
        + ("met ✓" if worst <= check + 1.5 else "missed ✗"),
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
