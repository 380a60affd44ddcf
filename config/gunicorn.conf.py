"""gunicorn's settings for `make serve` and deploy/systemd/meeting-records-web.service.

    gunicorn -c config/gunicorn.conf.py config.wsgi

Each value comes from the environment when set there:

    BIND                 address to listen on (default 127.0.0.1:8000; behind nginx keep it on loopback
                         or a private network, e.g. 10.0.0.11:8000)
    WEB_CONCURRENCY      worker processes (default 2 x CPUs + 1, the CPUs this process may run on)
    GUNICORN_TIMEOUT     seconds a request may take before its worker is restarted (default 60: the
                         large exports and Word imports run in the request)
    GUNICORN_MAX_REQUESTS  requests a worker serves before it is replaced (default 2000, 0 = never),
                         so memory a worker gathered is given back; jittered so they do not all restart at once
    FORWARDED_ALLOW_IPS  proxies whose X-Forwarded-* headers are believed (default 127.0.0.1); the app
                         itself reads X-Forwarded-Proto and TRUSTED_PROXIES (see the README)
    GUNICORN_LOG_LEVEL   gunicorn's own log level (default info; the app's is LOG_LEVEL)

Access and error logs go to stdout/stderr (journald under systemd), one line per request with its
time in microseconds (%(D)s). Sync workers: every page is short, and the public pages come from
memory (notices/cache.py), so a worker per CPU-bound request is what the hardware can give.
"""

import os


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))  # a container's or a cgroup's CPU set, not the host's
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "config.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000").split(",")
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * _cpus() + 1)
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5  # behind nginx's keepalive connection pool (deploy/nginx.conf)
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # heartbeats never wait on a slow disk
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info").lower()
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(D)sus "%(f)s" "%(a)s"'
proc_name = "meeting-records"
# gunicorn's control socket has one default path per user, which several instances would share;
# systemd's signals (reload: HUP, stop: TERM) do what it would.
control_socket_disable = True
