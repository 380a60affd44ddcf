"""The page cache while the database is down (notices.cache), in-process: pages already kept are
served stale instead of failing, nothing new is kept, and all is fresh again once it is back.

The database "goes down" here for the cache's generation read (and, where said, for the views'
queries); tests/faults/test_database_down.py stops a real PostgreSQL under gunicorn.
"""

import datetime

import pytest
import time_machine
from django.db import OperationalError
from django.test import Client

from notices import public_views
from notices.cache import PageCache, page_cache

from .helpers import published

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_page_cache")]

TITLE = "The party group holds its democratic life meeting"


class Database:
    """Switches the database off and on for the page cache's generation read and the public views."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.token_reads = 0
        self._read_token = PageCache._read_token

    def _watch_token_reads(self):
        def read(cache):
            self.token_reads += 1
            if self.down:
                raise OperationalError("server closed the connection unexpectedly")
            return self._read_token(cache)

        self.monkeypatch.setattr(PageCache, "_read_token", read)

    def stop(self, views_too=True):
        self.down = True
        self._watch_token_reads()
        if views_too:
            self.monkeypatch.setattr(public_views, "_published", self._refuse)

    def start(self):
        self.down = False
        self.monkeypatch.undo()
        self._watch_token_reads()

    @staticmethod
    def _refuse():
        raise OperationalError("connection refused")


@pytest.fixture
def database(monkeypatch):
    return Database(monkeypatch)


@pytest.fixture
def reader():
    return Client(raise_request_exception=False)


def _stale(response):
    assert response.status_code == 200
    assert response["X-Public-Cache"] == "stale"
    assert response["Warning"] == '110 - "Response is Stale"'
    assert response["Cache-Control"] == "no-cache"
    return response.content.decode()


def test_pages_read_before_the_outage_are_served_stale_and_the_rest_answers_503(reader, database, settings):
    settings.PUBLIC_CACHE_CHECK_SECONDS = 0  # the generation is read on every request
    notice = published(title=TITLE)
    pages = ["/", "/notices/", notice.get_absolute_url()]
    for path in pages:
        assert reader.get(path).status_code == 200
    database.stop()
    for path in pages:
        assert TITLE in _stale(reader.get(path))
    response = reader.get("/search/?q=meeting")  # never read: nothing to serve
    assert response.status_code == 503 and "Service temporarily unavailable" in response.content.decode()
    database.start()
    for path in pages:
        response = reader.get(path)
        assert response.status_code == 200 and response["X-Public-Cache"] == "hit"
        assert "Warning" not in response


def test_the_generation_is_tried_again_once_per_interval_not_per_request(reader, database, settings):
    settings.PUBLIC_CACHE_CHECK_SECONDS = 60
    published(title=TITLE)
    with time_machine.travel(datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC), tick=False) as clock:
        reader.get("/")
        database.stop()
        clock.shift(61)
        for _ in range(5):
            _stale(reader.get("/"))
        assert database.token_reads == 1
        clock.shift(61)
        _stale(reader.get("/"))
        assert database.token_reads == 2
        database.start()
        _stale(reader.get("/"))  # within the interval after the last failed try
        clock.shift(61)
        assert reader.get("/")["X-Public-Cache"] == "hit"


def test_a_page_past_its_age_is_still_served_when_it_cannot_be_rendered(reader, database, settings):
    settings.PUBLIC_CACHE_MAX_AGE = 600
    published(title=TITLE)
    with time_machine.travel(datetime.datetime(2030, 1, 1, 12, tzinfo=datetime.UTC), tick=False) as clock:
        reader.get("/notices/")
        clock.shift(3600)
        # The generation still reads, but the page's own queries fail: the old page, marked stale.
        database.stop()
        database.start()
        database.monkeypatch.setattr(public_views, "_published", Database._refuse)
        assert TITLE in _stale(reader.get("/notices/"))
        # With the generation down too, it stays served.
        database.stop()
        clock.shift(3600)
        assert TITLE in _stale(reader.get("/notices/"))


def test_nothing_new_is_kept_while_the_database_is_down(reader, database, settings):
    settings.PUBLIC_CACHE_CHECK_SECONDS = 0
    published(title=TITLE)
    reader.get("/")
    database.stop(views_too=False)  # the generation cannot be read, the page's queries still work
    assert reader.get("/notices/").status_code == 200  # rendered, not kept
    database.stop()
    assert reader.get("/notices/").status_code == 503


def test_a_new_worker_serves_the_shared_cache_pages_of_the_last_generation(reader, database, settings, tmp_path):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": str(tmp_path)}
    }
    published(title=TITLE)
    assert reader.get("/").status_code == 200  # rendered, kept in the shared cache
    page_cache.invalidate_local()  # what a new worker knows: nothing
    database.stop()
    assert TITLE in _stale(reader.get("/"))
