"""The ledger page and its .xlsx export over 10,000 (and 100,000) rectification items on PostgreSQL.

    python bench/bench_ledger.py                    # 10,000 items
    python bench/bench_ledger.py --items 10000 100000
    python bench/bench_ledger.py --items 100000 --reuse   # keep the database of the last run of that size

Targets: ledger page p95 < 300 ms; export of 100,000 items < 30 s with peak memory < 300 MB.
The database is our own (mr_bench_ledger, dropped and made anew per size unless --reuse). Pages are
requested through Django's test Client in this process (no network); the export runs in a child
process so its peak resident memory (getrusage) is its own.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB_NAME = "mr_bench_ledger"
DB_URL = f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"
ITEMS_PER_MEETING = 10
PAGE_TARGET_MS = 300
EXPORT_TARGET_S = 30
EXPORT_TARGET_MB = 300

ENV = {
    "DATABASE_URL": DB_URL,
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-a-secret",
    "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "LANGUAGE_CODE": "zh-hans",
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "REQUIRE_2FA": "0",  # the session is made here (force_login), without the second factor
    "SECURE_SSL_REDIRECT": "0",
    "SECURE_COOKIES": "0",
    # The page as made by the view: the signed-in page cache would serve a repeated request from memory
    # (bench_pages.py measures it both ways).
    "PRIVATE_PAGE_CACHE": "0",
}


def _django():
    os.environ.update(ENV)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _manage(*args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**os.environ, **ENV}, check=True)


def prepare(items: int, reuse: bool) -> float:
    if reuse:
        return 0.0
    from benchlib import recreate_database

    recreate_database(DB_NAME)
    _manage("migrate", "--noinput", "-v", "0")
    started = time.monotonic()
    _manage(
        "generate_data",
        "--meetings",
        str(max(1, items // ITEMS_PER_MEETING)),
        "--items-per-meeting",
        str(ITEMS_PER_MEETING),
    )
    generated = time.monotonic() - started
    _manage("shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
    return generated


def _users():
    from django.contrib.auth import get_user_model

    from members.models import Membership

    User = get_user_model()
    root, _ = User.objects.get_or_create(username="bench-root", defaults={"is_superuser": True, "is_staff": True})
    secretary, _ = User.objects.get_or_create(username="bench-secretary")
    membership = Membership.objects.filter(role=Membership.Role.SECRETARY).select_related("member").first()
    if membership.member.user_id is None:
        membership.member.user = secretary
        membership.member.save()
    return root, membership.member.user


def _percentile(values, pct):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def measure_pages(requests: int) -> dict:
    from django.core.cache import cache
    from django.test import Client

    from rectification.models import RectificationItem

    root, secretary = _users()
    total = RectificationItem.objects.count()
    last_page = max(1, total // 50)
    urls = [
        "/rectification/",
        "/rectification/?page=2",
        f"/rectification/?page={last_page // 2}",
        "/rectification/?overdue=1",
        "/rectification/?status=in_progress&sort=-deadline",
        "/rectification/?sort=responsible",
        "/rectification/?source=criticism&sort=-progress",
    ]
    results = {}
    for label, user in (("superuser (all items)", root), ("secretary (one organisation)", secretary)):
        client = Client()
        client.force_login(user)
        for url in urls:  # warm up
            assert client.get(url).status_code == 200
        for mode in ("warm", "cold"):
            times = []
            for n in range(requests):
                url = urls[n % len(urls)]
                if mode == "cold":
                    cache.clear()  # no cached overview: every request runs every query
                started = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.status_code)
            results[f"{label}, {mode}"] = {
                "requests": requests,
                "p50_ms": round(statistics.median(times), 1),
                "p95_ms": round(_percentile(times, 95), 1),
                "max_ms": round(max(times), 1),
            }
    return {"items": total, "pages": results}


def export_child() -> None:
    """Runs in its own process: one export of every item, streamed to nowhere; prints JSON."""
    _django()
    from django.test import Client

    root, _ = _users()
    client = Client()
    client.force_login(root)
    baseline_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    cpu_started = time.process_time()
    response = client.get("/rectification/export.xlsx")
    size = 0
    for chunk in response.streaming_content:
        size += len(chunk)
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {
                "seconds": round(seconds, 1),
                "cpu_seconds": round(cpu_seconds, 1),
                "peak_rss_mb": round(peak_mb, 1),
                "rss_before_mb": round(baseline_mb, 1),
                "bytes": size,
            }
        )
    )


def measure_export() -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--export-child"],
        cwd=ROOT,
        env={**os.environ, **ENV},
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, nargs="+", default=[10_000])
    parser.add_argument("--requests", type=int, default=70)
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--export-child", action="store_true")
    args = parser.parse_args()
    if args.export_child:
        export_child()
        return 0
    ok = True
    all_results = []
    for items in args.items:
        generated = prepare(items, args.reuse)
        if "django" not in sys.modules:
            _django()
        from django.db import connections

        connections.close_all()
        pages = measure_pages(args.requests)
        export = measure_export()
        result = {"target_items": items, "generate_s": round(generated, 1), **pages, "export": export}
        all_results.append(result)
        print(f"-- {pages['items']} items (generated in {generated:.0f} s)")
        load = os.getloadavg()
        print(f"   load average while measuring: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} (2 cores)")
        result["load_average"] = load
        for label, figures in pages["pages"].items():
            verdict = "OK" if figures["p95_ms"] < PAGE_TARGET_MS else "OVER"
            print(
                f"   ledger page, {label}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms "
                f"(max {figures['max_ms']} ms, {figures['requests']} requests) [{verdict} < {PAGE_TARGET_MS} ms]"
            )
            ok &= figures["p95_ms"] < PAGE_TARGET_MS
        verdict = "OK" if export["seconds"] < EXPORT_TARGET_S and export["peak_rss_mb"] < EXPORT_TARGET_MB else "OVER"
        print(
            f"   export .xlsx: {export['seconds']} s ({export['cpu_seconds']} s CPU in the app process), "
            f"peak RSS {export['peak_rss_mb']} MB "
            f"(before the request {export['rss_before_mb']} MB), {export['bytes'] / 1e6:.1f} MB file "
            f"[{verdict} < {EXPORT_TARGET_S} s, < {EXPORT_TARGET_MB} MB]"
        )
        ok &= export["seconds"] < EXPORT_TARGET_S and export["peak_rss_mb"] < EXPORT_TARGET_MB
    results_dir = ROOT / "bench" / "results"
    results_dir.mkdir(exist_ok=True)
    (results_dir / "bench_ledger.json").write_text(json.dumps(all_results, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
