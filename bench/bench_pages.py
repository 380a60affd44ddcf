"""Benchmark of the signed-in pages against a trivial page, under gunicorn on PostgreSQL.

    .venv/bin/python bench/bench_pages.py                      # the demo data (manage.py load_demo)
    .venv/bin/python bench/bench_pages.py --items 100000       # the demo plus generate_data's 100,000 items
    .venv/bin/python bench/bench_pages.py --items 0 100000     # both, one after the other (make bench)
    .venv/bin/python bench/bench_pages.py --rounds 2 --duration 3   # a quick look

What it does, in one run:
  1. uses its own PostgreSQL database (mr_bench_pages, or mr_bench_pages_<items> with --items;
     created if missing), migrates it, loads the demo (`load_demo`, with a bench-only password)
     and, with --items, tops it up with `generate_data --items-per-meeting 10` to that many items;
  2. signs in the demo secretary and the demo member (sessions made in this process through the
     login form's own backend; REQUIRE_2FA=0, as behind an intranet's single sign-on);
  3. starts gunicorn with config/gunicorn.conf.py (2 workers, DEBUG off, persistent database
     connections, no worker recycling during the run), and with --redis-url the shared cache
     and cached_db sessions;
  4. measures requests/s with wrk (2 threads, 16 connections; a threaded Python client when wrk is
     missing) for robots.txt (anonymous: the trivial page) and, signed in as a browser would be
     (session and CSRF cookies), the secretary's dashboard, the seed meeting's record, the ledger
     and the member's material editor; interleaved rounds, each page's ratio to the trivial page
     measured in the same round (the median over rounds);
  5. prints the machine, the figures and each page's query count (one request of each, in this
     process, through Django's WSGI handler), and writes them between the markers of bench/pages.md.
Target: each page >= 0.1 of the trivial page's rate. Figures and findings: bench/pages.md.
"""

from __future__ import annotations

import argparse
import datetime
import http.client
import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import benchlib
from benchlib import Machine, write_results

ROOT = Path(__file__).resolve().parent.parent
BASE_URL = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "bench-pages-demo-password"
TARGET = 0.1


def env_for(db_url: str, redis_url: str, port: int) -> dict:
    env = dict(os.environ)
    env.pop("REDIS_URL", None)
    env.update(
        {
            "DATABASE_URL": db_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "bench-only-secret-key-not-for-production-0123456789",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "CONN_MAX_AGE": "600",
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            "WHITENOISE_USE_FINDERS": "0",
            "LANGUAGE_CODE": "zh-hans",
            "LOG_LEVEL": "ERROR",
            "SECURE_SSL_REDIRECT": "0",  # plain http on loopback (behind nginx's TLS in production)
            "SECURE_COOKIES": "0",
            "REQUIRE_2FA": "0",
            "DEMO_PASSWORD": PASSWORD,
            # config/gunicorn.conf.py
            "BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "GUNICORN_LOG_LEVEL": "error",
            "GUNICORN_MAX_REQUESTS": "0",  # a worker restarted mid-run would measure Django's start-up
        }
    )
    if redis_url:
        env["REDIS_URL"] = redis_url
        env["CACHE_KEY_PREFIX"] = "bench-pages"
    return env


def machine() -> str:
    """The CPU and the load average now (one line of a measurement's heading)."""
    cpus = f"{os.cpu_count()} CPUs (nproc {len(os.sched_getaffinity(0))})"
    return f"{cpus}, {benchlib.cpu()}; load average {benchlib.load()}"


def ensure_database(db_url: str):
    name = db_url.rsplit("/", 1)[1]
    exists = subprocess.run(
        ["psql", f"{BASE_URL}/postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    if exists != "1":
        subprocess.run(["psql", f"{BASE_URL}/postgres", "-qc", f'CREATE DATABASE "{name}"'], check=True)


def manage(env: dict, *args, debug=False):
    run_env = {**env, "DEBUG": "1"} if debug else env
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=run_env, check=True, stdout=subprocess.DEVNULL)


def prepare(env: dict, items: int) -> dict:
    manage(env, "migrate", "--noinput", "-v", "0")
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connections

    connections.close_all()  # a second size in the same run: its own database
    connections["default"].settings_dict["NAME"] = env["DATABASE_URL"].rsplit("/", 1)[1]

    from rectification.models import RectificationItem

    if not get_user_model().objects.filter(username="secretary").exists():
        print("loading the demo ...", flush=True)
        manage(env, "load_demo", debug=True)  # it makes accounts with a known password: DEBUG only
    have = RectificationItem.objects.count()
    meetings = (items - have) // 10  # generate_data makes 10 items a meeting: the demo's 13 leave 7 short
    if items and meetings >= 1:
        print(f"generating {meetings * 10} items (have {have}) ...", flush=True)
        started = time.monotonic()
        manage(env, "generate_data", "--meetings", str(meetings), "--items-per-meeting", "10")
        print(f"generated in {time.monotonic() - started:.0f} s", flush=True)
        manage(env, "shell", "-c", "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')")
    return facts()


def facts() -> dict:
    from django.test import Client

    from materials.models import InspectionMaterial
    from meetings.models import Meeting
    from rectification.models import RectificationItem

    seed = Meeting.objects.filter(year=2022, held_on=datetime.date(2023, 1, 30)).order_by("pk").first()
    material = (
        InspectionMaterial.objects.filter(author__user__username="member", status=InspectionMaterial.Status.DRAFT)
        .order_by("pk")
        .first()
    )
    cookies = {}
    for username in ("secretary", "member"):
        client = Client()
        assert client.login(username=username, password=PASSWORD), f"cannot sign in as {username}"
        cookies[username] = client.cookies["sessionid"].value
    return {
        "items": RectificationItem.objects.count(),
        "meetings": Meeting.objects.count(),
        "materials": InspectionMaterial.objects.count(),
        "pages": {
            "dashboard": ("secretary", "/dashboard/"),
            "meeting record": ("secretary", seed.get_absolute_url()),
            "ledger": ("secretary", "/rectification/"),
            "material editor": ("member", f"/meetings/materials/{material.pk}/edit/"),
        },
        "sessions": cookies,
    }


def start_server(env: dict, port: int):
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    proc = subprocess.Popen(
        [str(gunicorn), "-c", "config/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,  # the access log: one line per request, as in production
    )
    for _ in range(150):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/robots.txt")
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("gunicorn did not start")


def browser_cookie(port: int, path: str, session: str) -> str:
    """The Cookie header of a signed-in browser: the session, and the CSRF cookie the first page set."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", path, headers={"Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    response.read()
    assert response.status == 200, (path, response.status)
    csrf = re.search(r"csrftoken=([^;]+)", response.getheader("Set-Cookie") or "")
    return f"sessionid={session}" + (f"; csrftoken={csrf.group(1)}" if csrf else "")


def wrk(port: int, path: str, cookie: str, duration: int, connections: int) -> float:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f'wrk.headers["Cookie"] = "{cookie}"\n' if cookie else "")
        script.write(
            "done = function(summary, latency, requests)\n"
            '  io.stderr:write(string.format("non2xx=%d\\n", summary.errors.status))\nend\n'
        )
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{duration}s",
            "--timeout",
            "30s",
            "-s",
            script.name,
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
    )
    os.unlink(script.name)
    if "non2xx=0" not in result.stderr:
        raise SystemExit(f"{path}: responses other than 2xx\n{result.stdout}{result.stderr}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", result.stdout).group(1))


def python_load(port: int, path: str, cookie: str, duration: int, connections: int) -> float:
    stop = time.perf_counter() + duration
    counts = [0] * connections
    headers = {"Cookie": cookie} if cookie else {}

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", port)
        while time.perf_counter() < stop:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            assert response.status == 200, (path, response.status)
            counts[n] += 1

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sum(counts) / duration


def throughput(port, path, cookie, duration, connections):
    rate = (wrk if shutil.which("wrk") else python_load)(port, path, cookie, duration, connections)
    # The load tool stops at the end of its time, the server not: wait for the requests still queued
    # (slow pages on a busy machine) before the next page's run, or they would count against it.
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/robots.txt")
    conn.getresponse().read()
    return rate


def query_counts(pages: dict, sessions: dict) -> dict:
    """Queries of one request to each page (after one to warm it), in this process through Django's
    WSGI handler, with the same settings as the server."""
    from django.core.wsgi import get_wsgi_application
    from django.db import connection

    app = get_wsgi_application()
    counts = {}
    for name, (user, path) in pages.items():
        cookie = f"sessionid={sessions[user]}; csrftoken=bench0123456789abcdefghijklmnopq"
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_COOKIE": cookie,
        }  # fmt: skip
        seen = []

        def counting(execute, sql, params, many, context, seen=seen):
            seen.append(sql)
            return execute(sql, params, many, context)

        for attempt in range(2):
            seen.clear()
            with connection.execute_wrapper(counting):
                b"".join(app({**environ, "wsgi.input": io.BytesIO()}, lambda status, headers: None))
            if attempt == 0:
                first = len(seen)
        counts[name] = (first, len(seen))
    return counts


def cpu_per_request(pages: dict, sessions: dict, n: int = 100) -> dict:
    """Server CPU per request in this process through Django's WSGI handler (no sockets, no load
    generator): far less moved by other work on the machine than req/s. The database's own CPU is
    not in it (it is in req/s)."""
    from django.core.wsgi import get_wsgi_application

    app = get_wsgi_application()
    targets = {"robots.txt (anonymous, trivial)": ("/robots.txt", "")}
    for name, (user, path) in pages.items():
        targets[name] = (path, f"sessionid={sessions[user]}; csrftoken=bench0123456789abcdefghijklmnopq")
    out = {}
    for name, (path, cookie) in targets.items():
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": "127.0.0.1", "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1",
        }  # fmt: skip
        if cookie:
            environ["HTTP_COOKIE"] = cookie
        best = None
        for _ in range(3):
            started = time.process_time()
            for _ in range(n):
                b"".join(app({**environ, "wsgi.input": io.BytesIO()}, lambda status, headers: None))
            per = (time.process_time() - started) / n * 1e6
            best = per if best is None else min(best, per)
        out[name] = best
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--items", type=int, nargs="+", default=[0], help="0: the demo; N: the demo topped up to N items"
    )
    parser.add_argument("--port", type=int, default=8767)
    parser.add_argument("--duration", type=int, default=5, help="seconds per page per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--redis-url", default="", help="serve with the shared cache and cached_db sessions")
    parser.add_argument(
        "--page-cache", choices=["both", "on", "off"], default="both", help="signed-in page cache (both: off, then on)"
    )
    args = parser.parse_args()

    machine_ = Machine()
    ok, sections = True, []
    for items in args.items:
        db_url = args.database_url or f"{BASE_URL}/mr_bench_pages" + (f"_{items}" if items else "")
        ensure_database(db_url)
        env = env_for(db_url, args.redis_url, args.port)
        data = prepare(env, items)
        print(f"machine: {machine()}", flush=True)
        what = "Demo data (`load_demo`)" if not items else f"{items:,} items (`generate_data` on top of the demo)"
        sections += ["", f"### {what}"]
        modes = {"both": ["off", "on"], "on": ["on"], "off": ["off"]}[args.page_cache]
        for mode in modes:
            page_env = {**env, "PRIVATE_PAGE_CACHE": "1" if mode == "on" else "0"}
            lines, met = measure(page_env, data, args, mode)
            print("\n".join(lines), flush=True)
            sections += [line.replace("### signed-in", "#### signed-in") for line in lines]
            ok = ok and (met or mode == "off")
    verdict = "TARGETS MET" if ok else "TARGETS NOT MET"
    command = " ".join(["bench/bench_pages.py", *sys.argv[1:]])
    head = [machine_.describe(), f"`{command}`: {verdict} (each page ≥ {TARGET} of the trivial page)."]
    write_results("pages.md", "\n".join(head + sections))
    print(verdict)
    return 0 if ok else 1


def measure(env: dict, data: dict, args, mode: str) -> tuple[list[str], bool]:
    from django.conf import settings

    settings.PRIVATE_PAGE_CACHE = env["PRIVATE_PAGE_CACHE"] == "1"
    queries = query_counts(data["pages"], data["sessions"])
    cpu = cpu_per_request(data["pages"], data["sessions"])
    server = start_server(env, args.port)
    try:
        targets = {"robots.txt (anonymous, trivial)": ("/robots.txt", "")}
        for name, (user, path) in data["pages"].items():
            targets[name] = (path, browser_cookie(args.port, path, data["sessions"][user]))
        for path, cookie in targets.values():
            throughput(args.port, path, cookie, 2, args.connections)  # warm-up
        runs = {name: [] for name in targets}
        for _ in range(args.rounds):
            for name, (path, cookie) in targets.items():
                runs[name].append(throughput(args.port, path, cookie, args.duration, args.connections))
                print(f"  {mode}: {name}: {runs[name][-1]:,.1f} req/s", flush=True)
    finally:
        server.terminate()
        server.wait(timeout=10)

    trivial = next(iter(runs))
    tool = f"wrk -t2 -c{args.connections}" if shutil.which("wrk") else f"Python client, {args.connections} connections"
    lines = [
        "",
        f"### signed-in page cache {mode.upper()} (PRIVATE_PAGE_CACHE={env['PRIVATE_PAGE_CACHE']})",
        "",
        f"- machine: {machine()}",
        f"- data: {data['items']:,} rectification items, {data['meetings']:,} meetings, "
        f"{data['materials']:,} materials",
        "- server: gunicorn -c config/gunicorn.conf.py, 2 sync workers, DEBUG off, PostgreSQL, "
        + (f"Redis cache and cached_db sessions ({args.redis_url})" if args.redis_url else "database sessions")
        + f"; load: {tool}",
        f"- {args.rounds} interleaved rounds of {args.duration} s per page; req/s are medians, ratios the median of "
        "each round's ratio to the trivial page's run in the same round",
        "",
        "| page | req/s | ÷ trivial | server CPU per request (÷ trivial's) | queries (first, next request) | target |",
        "| --- | ---: | ---: | ---: | --- | --- |",
    ]
    ok = True
    for name, (path, _cookie) in targets.items():
        ratio = statistics.median(r / max(t, 0.01) for r, t in zip(runs[name], runs[trivial], strict=True))
        q = queries.get(name)
        label = name if name == trivial else f"{name} `{path}`"
        lines.append(
            f"| {label} | {statistics.median(runs[name]):,.0f} | {ratio:.3f} | "
            f"{cpu[name] / 1000:.2f} ms ({cpu[trivial] / cpu[name]:.3f}) | {f'{q[0]}, {q[1]}' if q else ''} | "
            f"{'' if name == trivial else f'>= {TARGET}'} |"
        )
        ok = ok and (name == trivial or ratio >= TARGET)
    return lines, ok


if __name__ == "__main__":
    sys.exit(main())
