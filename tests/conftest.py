"""Shared fixtures: two organisations, and a user for every role."""

import pytest

from members.models import Membership

from .factories import MeetingFactory, MemberFactory, MembershipFactory, OrganisationFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    settings.LANGUAGE_CODE = "en"
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
