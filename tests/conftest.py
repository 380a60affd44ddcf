"""Shared fixtures: two organisations, and a user for every role."""

import pytest
from django.core.cache import cache
from django.db.backends.postgresql.operations import DatabaseOperations as PostgresOperations

from members.models import Membership
from notices.cache import GENERATION_KEY, page_cache

from .factories import MeetingFactory, MemberFactory, MembershipFactory, OrganisationFactory, UserFactory

_truncate = PostgresOperations.sql_flush


def _delete_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    """A test on transactional_db (every browser test, the fault and concurrency tests) ends with a
    flush of every table. On PostgreSQL that is one TRUNCATE, which gives every table and index new
    files, written to disk at commit: 1-3 s per test. Deleting a test's few hundred rows takes a
    fraction of that. Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, so the order does not
    matter within the flush's transaction; a flush that resets sequences or cascades still truncates."""
    if reset_sequences or allow_cascade or not tables:
        return _truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
    return [f"DELETE FROM {self.quote_name(table)};" for table in tables]


PostgresOperations.sql_flush = _delete_rows


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.LANGUAGE_CODE = "en"
    # Uploads of every test go to its own folder, never into the project's private-media/.
    settings.MEDIA_ROOT = tmp_path / "private-media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Party Group of the Municipal Government")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Party Group of the District Government")


def _person(username, organisation, role=Membership.Role.MEMBER, **user_kwargs):
    user = UserFactory(username=username, **user_kwargs)
    member = MemberFactory(name=username.title(), user=user)
    MembershipFactory(member=member, organisation=organisation, role=role)
    return user


@pytest.fixture
def secretary(org):
    return _person("secretary", org, Membership.Role.SECRETARY)


@pytest.fixture
def member_user(org):
    return _person("member", org)


@pytest.fixture
def other_member_user(org):
    return _person("colleague", org)


@pytest.fixture
def other_secretary(other_org):
    return _person("secretary2", other_org, Membership.Role.SECRETARY)


@pytest.fixture
def other_member(other_org):
    return _person("member2", other_org)


@pytest.fixture
def publisher(db):
    return UserFactory(username="publisher", publisher=True)


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


@pytest.fixture
def meeting(org):
    return MeetingFactory(organisation=org)


@pytest.fixture
def fresh_page_cache(settings):
    """Every test starts with empty public caches (they outlive a test's rolled-back data)."""
    settings.PUBLIC_CACHE_CHECK_SECONDS = 2
    # WhiteNoise scans every static file (≈10k, 1 s) whenever a test client starts with finders on;
    # these tests do not fetch static files.
    settings.WHITENOISE_USE_FINDERS = False
    page_cache.invalidate_local()
    cache.delete(GENERATION_KEY)  # not clear(): with REDIS_URL set that would flush a shared Redis database
    yield
    page_cache.invalidate_local()
    cache.delete(GENERATION_KEY)
