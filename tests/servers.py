"""Real, throwaway servers for fault and multi-server tests: Redis, PostgreSQL and the app under gunicorn.

Each one runs in its own temporary folder on a free port, is started and stopped by the test
that owns it, and never touches the machine's own PostgreSQL (5432) or Redis (6379).

    with RedisServer(tmp_path) as redis:            # redis.url -> redis://127.0.0.1:PORT/0
        redis.stop(); ...; redis.start()
    with PostgresServer(tmp_path) as pg:            # pg.url -> postgres://postgres@127.0.0.1:PORT/app
        pg.stop(); ...; pg.start()
    app = AppServer(env={"DATABASE_URL": pg.url, "REDIS_URL": redis.url})
    with app:                                       # app.url -> http://127.0.0.1:PORT
        app.migrate(); app.get("/healthz")
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Poll `predicate` until it returns a true value; that value is returned."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _die_with_parent():
    """In the child before exec: the kernel sends SIGTERM when the test process that started it dies,
    so a crashed or killed test never leaves a server running."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    raise FileNotFoundError(f"{name} is not installed")


class RedisServer:
    """redis-server on a free port, keeping nothing on disk."""

    def __init__(self, folder: Path):
        self.folder = Path(folder) / f"redis-{os.getpid()}-{free_port()}"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        args = [_binary("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
        args += ["--appendonly", "no", "--dir", str(self.folder)]
        self.process = subprocess.Popen(  # noqa: S603
            args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent
        )
        wait_for(lambda: port_open(self.port), what="redis to listen")
        return self

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        wait_for(lambda: not port_open(self.port), what="redis to stop")

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class PostgresServer:
    """A PostgreSQL cluster of its own (initdb + pg_ctl) in a temporary folder, trust auth, database `app`."""

    def __init__(self, folder: Path | None = None, database: str = "app"):
        # A folder of its own under the system's temporary folder: pytest's tmp_path is private to
        # root, and the cluster runs as `postgres` when the tests run as root.
        self.folder = Path(tempfile.mkdtemp(prefix="mr-pg-"))
        self.data = self.folder / "data"
        self.port = free_port()
        self.database = database
        self._user_args = []
        if os.geteuid() == 0:  # initdb refuses to run as root; run the cluster as `postgres`
            self._user_args = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{self.database}"

    def _run(self, *args, check=True):
        return subprocess.run([*self._user_args, *args], check=check, capture_output=True, text=True)  # noqa: S603

    def init(self):
        if self._user_args:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(_binary("initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8")
        conf = self.data / "postgresql.conf"
        with conf.open("a") as f:
            f.write(f"\nport = {self.port}\nlisten_addresses = '127.0.0.1'\n")
            f.write(f"unix_socket_directories = '{self.folder}'\n")
            f.write("fsync = off\nfull_page_writes = off\nsynchronous_commit = off\n")
        return self

    def start(self):
        self._run(_binary("pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "log"), "-w", "start")
        atexit.register(self.stop, "immediate")  # pg_ctl daemonises the server: stop it when the tests end
        wait_for(lambda: port_open(self.port), what="postgres to listen")
        return self

    def stop(self, mode: str = "fast"):
        self._run(_binary("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)
        wait_for(lambda: not port_open(self.port), what="postgres to stop")

    def psql(self, sql: str, database: str = "postgres") -> str:
        args = [_binary("psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-d", database]
        return self._run(*args, "-Atc", sql).stdout

    def __enter__(self):
        self.init().start()
        self.psql(f"CREATE DATABASE {self.database}")
        return self

    def __exit__(self, *exc):
        self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


class AppServer:
    """The project under gunicorn (production settings: DEBUG off) on a free port.

    `env` is added to a minimal production environment; DATABASE_URL should name a database of its
    own (a PostgresServer's, or a SQLite file in a temporary folder).
    """

    def __init__(self, env: dict[str, str] | None = None, workers: int = 2, timeout: int = 30):
        self.port = free_port()
        self.workers = workers
        self.timeout = timeout
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "0",
            "SECRET_KEY": "test-only-key-not-a-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "SECURE_HSTS_SECONDS": "0",
            "REQUIRE_2FA": "0",
            "PYTHONUNBUFFERED": "1",
            # No collectstatic in tests: pages link static files without the manifest's hashes.
            "STATICFILES_BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage",
            **(env or {}),
        }
        self.process: subprocess.Popen | None = None
        self.log_path: Path | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, env: dict[str, str] | None = None, check: bool = True):
        """Run a management command against the same settings and database."""
        return subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **(env or {})},
            check=check,
            capture_output=True,
            text=True,
        )

    def migrate(self):
        return self.manage("migrate", "--noinput")

    def start(self, log_folder: Path | None = None):
        args = [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{self.port}"]
        args += ["--workers", str(self.workers), "--timeout", str(self.timeout), "--graceful-timeout", "5"]
        log = subprocess.DEVNULL
        if log_folder is not None:
            self.log_path = Path(log_folder) / f"gunicorn-{self.port}.log"
            log = self.log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent
        )
        atexit.register(self.stop)
        wait_for(lambda: self._answers(), timeout=30, what="gunicorn to answer")
        return self

    def _answers(self) -> bool:
        if self.process and self.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {self.process.returncode}: see {self.log_path}")
        try:
            return self.get("/robots.txt")[0] == 200
        except OSError:
            return False

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout  # noqa: S603,S607
        return [int(p) for p in out.split()]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None, timeout=30):
        """One HTTP request; returns (status, headers as a dict with lower-case names, body bytes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            data = response.read()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, data
        finally:
            conn.close()

    def get(self, path: str, headers: dict | None = None, timeout=30):
        return self.request("GET", path, headers=headers, timeout=timeout)

    def stop(self):
        if self.process and self.process.poll() is None:
            workers = self.worker_pids()
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
            for pid in workers:  # a worker the master no longer waits for must not outlive the test
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class Browser:
    """A cookie-keeping HTTP client for an AppServer: sign in, GET pages, POST forms with their CSRF token."""

    def __init__(self, app: AppServer, language: str = "zh-hans"):
        self.app = app
        self.cookies: dict[str, str] = {}
        self.language = language

    def _headers(self, extra: dict | None = None) -> dict:
        headers = {"Accept-Language": self.language, "Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {**headers, **(extra or {})}

    def _keep(self, headers: dict):
        # http.client joins several Set-Cookie headers with ", "; cookies here hold no commas.
        raw = headers.get("set-cookie")
        if not raw:
            return
        for part in raw.split(", "):
            name, _, rest = part.partition("=")
            value = rest.split(";", 1)[0]
            if name.strip():
                self.cookies[name.strip()] = value

    def get(self, path: str):
        status, headers, body = self.app.get(path, headers=self._headers())
        self._keep(headers)
        return status, headers, body

    def post(self, path: str, data: dict, referer: str | None = None):
        token = self.cookies.get("csrftoken", "")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}, doseq=True).encode()
        extra = {"Content-Type": "application/x-www-form-urlencoded", "Referer": referer or self.app.url + path}
        status, headers, content = self.app.request("POST", path, body=body, headers=self._headers(extra))
        self._keep(headers)
        return status, headers, content

    def login(self, username: str, password: str):
        self.get("/accounts/login/")
        status, headers, _ = self.post("/accounts/login/", {"username": username, "password": password})
        if status != 302:
            raise AssertionError(f"sign-in of {username} answered {status}")
        return self


@contextlib.contextmanager
def running(*servers):
    """Start several servers and stop them all, in reverse order, whatever happens."""
    with contextlib.ExitStack() as stack:
        yield [stack.enter_context(s) for s in servers]


@contextlib.contextmanager
def readers_busy(server: AppServer, paths, headers: dict, *, check: float, timeout: float = 30):
    """Readers ask `server` for `paths` over and over, from a check interval before the block starts
    until it ends: each of its workers has then checked the publication generation less than an
    interval before whatever the block does (the worst case for how soon a change is seen there)."""
    paths = list(paths)
    reading, warm = threading.Event(), threading.Event()

    def keep_reading():
        started = time.monotonic()
        while not reading.is_set():
            for path in paths:
                server.get(path, headers=headers)
            if time.monotonic() - started > check:
                warm.set()

    readers = threading.Thread(target=keep_reading, daemon=True)
    readers.start()
    try:
        wait_for(warm.is_set, timeout=check + timeout, what="readers busy for a check interval")
        yield
    finally:
        reading.set()
        readers.join(timeout)


def watch_propagation(
    server: AppServer,
    pages: dict,
    headers: dict,
    shows,
    since: float,
    *,
    in_a_row: int,
    timeout: float,
    interval: float = 0.05,
) -> tuple[dict, dict]:
    """Asks `server` for each of `pages` (name: path) until `shows(body)` holds for `in_a_row` answers in a
    row of each (so on every worker). Returns, per page, the seconds after `since` (a time.monotonic())
    when it was first seen and when the streak that counts began; TimeoutError names what was seen."""
    first_seen: dict[str, float] = {}
    everywhere: dict[str, float] = {}
    streak: dict[str, tuple[int, float]] = {}

    def propagated():
        for name, path in pages.items():
            if name in everywhere:
                continue
            asked = time.monotonic() - since
            if not shows(server.get(path, headers=headers)[2]):
                streak.pop(name, None)
                continue
            first_seen.setdefault(name, asked)
            count, began = streak.get(name, (0, asked))
            streak[name] = (count + 1, began)
            if count + 1 == in_a_row:
                everywhere[name] = began
        return len(everywhere) == len(pages)

    try:
        wait_for(propagated, timeout=timeout, interval=interval, what="the change on every page of the server")
    except TimeoutError as exc:
        raise TimeoutError(f"seen {first_seen}, on every worker {everywhere}") from exc
    return first_seen, everywhere
