"""Redis stopped, restarted or hung: every page still answers, sign-ins work, caching comes back.

Real faults on a real, throwaway redis-server (tests/servers.py): stopped (connections refused),
restarted empty, and frozen with SIGSTOP (it accepts connections and never answers: a hung server).
"""

import json
import logging
import signal
import time

import pytest
import redis as redis_py
from django.core.cache import cache, caches

from notices.cache import page_cache
from tests.factories import ItemFactory, MeetingFactory, PlanFactory
from tests.notices.helpers import published
from tests.servers import AppServer, Browser, RedisServer, wait_for

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's
LOGGER = "meeting_records.cache"


@pytest.fixture
def redis_server(tmp_path):
    with RedisServer(tmp_path) as server:
        yield server
        if server.process and server.process.poll() is None:
            server.process.send_signal(signal.SIGCONT)  # a frozen server must take the kill


@pytest.fixture
def use_redis(settings, redis_server):
    """Point the default cache (and cached_db sessions) at the throwaway Redis, as REDIS_URL does."""

    def configure(**options):
        settings.CACHES = {
            "default": {
                "BACKEND": "core.cache.ResilientRedisCache",
                "LOCATION": redis_server.url,
                "KEY_PREFIX": "test",
                "OPTIONS": {"RETRY_AFTER": 0.2, **options},
            }
        }
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
        settings.PUBLIC_CACHE_CHECK_SECONDS = 0  # every request reads the generation from the cache
        settings.WHITENOISE_USE_FINDERS = False
        page_cache.invalidate_local()
        return caches["default"]

    yield configure
    page_cache.invalidate_local()


def cache_warnings(caplog):
    return [r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING]


def raw_keys(redis_server, pattern="*"):
    client = redis_py.Redis.from_url(redis_server.url, socket_timeout=2)
    try:
        return [key.decode() for key in client.keys(pattern)]
    finally:
        client.close()


@pytest.fixture
def records(secretary, org):
    """A live notice about 整改, and a meeting of the secretary's organisation with a rectification item."""
    published(title="市政府党组召开民主生活会", body="会议强调，要建立整改台账，抓好整改落实。")
    meeting = MeetingFactory(organisation=org)
    ItemFactory(plan=PlanFactory(meeting=meeting), measure="Close the gaps found at the meeting")
    return meeting


PUBLIC_PAGES = ["/", "/notices/", "/search/?q=%E6%95%B4%E6%94%B9"]  # ?q=整改
SECRETARY_PAGES = ["/rectification/", "/meetings/"]


def test_every_cache_call_is_a_miss_while_redis_is_down_and_caching_resumes(use_redis, redis_server):
    shared = use_redis()
    shared.set("kept", "value")
    assert shared.get("kept") == "value"

    redis_server.stop()
    started = time.monotonic()
    assert shared.get("kept") is None
    assert shared.get("kept", "default") == "default"
    assert shared.get_many(["kept", "other"]) == {}
    assert shared.add("new", 1) is False
    assert shared.set("new", 1) is None
    assert shared.set_many({"a": 1, "b": 2}) == ["a", "b"]  # neither stored
    assert shared.delete("kept") is False
    assert shared.delete_many(["a", "b"]) is None
    assert shared.has_key("kept") is False
    assert shared.touch("kept") is False
    assert shared.get_or_set("computed", lambda: 42) == 42
    with pytest.raises(ValueError):  # as for a missing key: callers then set(), which does nothing
        shared.incr("counter")
    assert shared.ping() is False
    assert time.monotonic() - started < 2

    redis_server.start()  # empty, as a restarted cache is
    wait_for(shared.ping, timeout=10, what="the cache to answer again")
    shared.set("after-restart", "stored")
    assert shared.get("after-restart") == "stored"
    assert any(key.endswith(":after-restart") for key in raw_keys(redis_server))


def test_pages_sign_in_and_health_while_redis_is_down(client, use_redis, redis_server, records, caplog):
    caplog.set_level(logging.INFO, logger=LOGGER)
    use_redis()
    for path in PUBLIC_PAGES:  # cached while Redis is up
        assert client.get(path).status_code == 200

    redis_server.stop()
    for round_ in range(3):
        for path in PUBLIC_PAGES:
            response = client.get(path + ("&" if "?" in path else "?") + f"round={round_}")  # not in L1
            assert response.status_code == 200, path
        assert "市政府党组召开民主生活会" in client.get("/search/", {"q": "整改"}).content.decode()

    # A sign-in while Redis is down: the session is written to the database.
    response = client.post("/accounts/login/", {"username": "secretary", "password": PASSWORD})
    assert response.status_code == 302
    for path in SECRETARY_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
    assert "Close the gaps found at the meeting" in client.get("/rectification/").content.decode()

    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}
    assert len(cache_warnings(caplog)) == 1, "one warning for the outage, not one per request"

    redis_server.start()
    wait_for(lambda: client.get("/healthz").json()["cache"] == "ok", timeout=10, what="healthz to see Redis")
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert any("answers again" in r.getMessage() for r in caplog.records if r.name == LOGGER)

    # The session made during the outage survives Redis coming back, and is cached there again.
    for path in SECRETARY_PAGES:
        assert client.get(path).status_code == 200, path
    assert raw_keys(redis_server, "*django.contrib.sessions.cached_db*")
    assert len(cache_warnings(caplog)) == 1


def test_a_hung_redis_costs_one_timeout_not_one_per_request(client, use_redis, redis_server, records):
    use_redis(RETRY_AFTER=60, socket_timeout=0.5)
    assert client.get("/notices/").status_code == 200  # connected while Redis is well
    redis_server.process.send_signal(signal.SIGSTOP)  # accepts connections, never answers
    try:
        started = time.monotonic()
        for n in range(10):  # each page reads the generation, looks for the page, stores it: 3 calls
            assert client.get("/search/", {"q": "整改", "n": n}).status_code == 200
        assert time.monotonic() - started < 5  # 30 calls of 0.5 s without the breaker
        started = time.monotonic()
        assert client.get("/healthz").json()["cache"] == "degraded"
        assert time.monotonic() - started < 0.4  # the breaker is open: no ping sent
    finally:
        redis_server.process.send_signal(signal.SIGCONT)


def test_a_sign_out_during_a_redis_hang_stays_signed_out_when_it_answers_again(
    client, use_redis, redis_server, records
):
    """cached_db keeps the session in Redis too; the delete that could not reach Redis is made later."""
    use_redis(RETRY_AFTER=2, socket_timeout=0.3)
    client.post("/accounts/login/", {"username": "secretary", "password": PASSWORD})
    assert client.get("/meetings/").status_code == 200
    stolen = client.cookies["sessionid"].value
    assert raw_keys(redis_server, f"*{stolen}")

    redis_server.process.send_signal(signal.SIGSTOP)
    try:
        client.get("/notices/", {"n": 1})  # times out once: the breaker opens
        assert client.post("/accounts/logout/").status_code == 302  # while Redis is left alone
    finally:
        redis_server.process.send_signal(signal.SIGCONT)
    assert raw_keys(redis_server, f"*{stolen}"), "Redis kept the signed-in session through the hang"
    wait_for(cache.ping, timeout=10, what="the cache to answer again")

    client.cookies["sessionid"] = stolen  # the old cookie, replayed
    response = client.get("/meetings/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not raw_keys(redis_server, f"*{stolen}")


SETUP = """
from django.core.management import call_command
call_command("migrate", verbosity=0)

from tests.factories import ItemFactory, MeetingFactory, MemberFactory, MembershipFactory, OrganisationFactory
from tests.factories import PlanFactory, UserFactory
from tests.notices.helpers import published

org = OrganisationFactory(name="Party Group of the Municipal Government")
for name in ("secretary", "secretary2"):
    MembershipFactory(member=MemberFactory(name=name, user=UserFactory(username=name)), organisation=org,
                      role=Membership.Role.SECRETARY)
published(title="市政府党组召开民主生活会", body="会议强调，要建立整改台账，抓好整改落实。")
ItemFactory(plan=PlanFactory(meeting=MeetingFactory(organisation=org)), measure="Close the gaps")
"""


def test_under_gunicorn_redis_down_then_back(tmp_path, redis_server):
    app = AppServer(
        env={
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
            "REDIS_URL": redis_server.url,
            "MEDIA_ROOT": str(tmp_path / "media"),
            "CACHE_RETRY_SECONDS": "0.5",
            "LOG_LEVEL": "INFO",
        }
    )
    app.manage("shell", "-c", SETUP)  # migrate and add the records, in one process
    with app.start(tmp_path):
        reader = Browser(app)
        before = Browser(app).login("secretary", PASSWORD)
        for path in PUBLIC_PAGES:
            assert reader.get(path)[0] == 200

        redis_server.stop()
        timings = []
        for n in range(5):
            for path in PUBLIC_PAGES:
                started = time.monotonic()
                assert reader.get(path + ("&" if "?" in path else "?") + f"n={n}")[0] == 200, path
                timings.append(time.monotonic() - started)
            for path in SECRETARY_PAGES:
                assert before.get(path)[0] == 200, path
        during = Browser(app).login("secretary2", PASSWORD)  # a sign-in while Redis is down
        assert during.get("/meetings/")[0] == 200
        status, _, body = app.get("/healthz")
        assert status == 200
        assert json.loads(body) == {"status": "degraded", "database": "ok", "cache": "degraded"}

        redis_server.start()
        wait_for(lambda: json.loads(app.get("/healthz")[2])["cache"] == "ok", timeout=15, what="healthz: cache ok")
        for browser in (before, during):  # sessions survive Redis coming back
            for path in SECRETARY_PAGES:
                assert browser.get(path)[0] == 200, path

        def cached_again():
            reader.get("/notices/?again=1")
            return raw_keys(redis_server)

        wait_for(cached_again, timeout=15, what="values stored in Redis again")
    log = app.log_path.read_text()
    warnings = log.count("The shared cache (Redis) cannot be reached")
    assert 1 <= warnings <= app.workers, f"{warnings} warnings for {len(timings)} requests: one per worker at most"
    assert "Internal Server Error" not in log and "Traceback" not in log
