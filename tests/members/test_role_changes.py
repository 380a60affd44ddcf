"""A change of a user's roles (their groups, the permissions they hold directly) leaves an audit event."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from members.models import AuditEvent
from members.roles import SECRETARIES_GROUP, setup_role_groups
from tests.admin_forms import change_form

pytestmark = pytest.mark.django_db


def test_role_changes_are_audited(client, superuser, member_user):
    setup_role_groups(Group, Permission)
    secretaries = Group.objects.get(name=SECRETARIES_GROUP)
    client.force_login(superuser)
    data = change_form(client, reverse("admin:auth_user_change", args=[member_user.pk]))
    data["groups"] = [str(secretaries.pk)]
    response = client.post(reverse("admin:auth_user_change", args=[member_user.pk]), {**data, "_save": "Save"})
    assert response.status_code == 302
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.ROLE_CHANGED)
    assert event.user == member_user
    assert event.detail == "added: group secretaries by root"
    assert event.path == reverse("admin:auth_user_change", args=[member_user.pk])

    secretaries.user_set.remove(member_user)
    member_user.user_permissions.add(Permission.objects.get(codename="publish_notice"))
    member_user.user_permissions.clear()
    details = list(AuditEvent.objects.filter(kind=AuditEvent.Kind.ROLE_CHANGED).order_by("pk").values_list("detail"))
    assert details == [
        ("added: group secretaries by root",),
        ("removed: group secretaries",),
        ("added: permission notices.publish_notice",),
        ("removed: permission notices.publish_notice",),
    ]
