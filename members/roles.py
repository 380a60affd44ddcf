"""The groups the roles rest on, and what each carries. Defined once: the data migration,
load_demo and the tests all call `setup_role_groups`.

- "secretaries": back-office access for staff secretaries (the admin is scoped to their
  organisations); every permission of the record's apps except deleting and publishing.
- "publishers": the newsroom; publishing is granted by the `notices.publish_notice`
  permission, which this group carries (a user may also hold it directly).
"""

SECRETARIES_GROUP = "secretaries"
PUBLISHERS_GROUP = "publishers"
PUBLISH_PERMISSION = "notices.publish_notice"

SECRETARY_APPS = ["members", "meetings", "materials", "rectification", "reports", "notices"]
#: Models of those apps that are no secretary's business: the audit log and calendar-feed keys.
SECRETARY_EXCLUDED_MODELS = ["auditevent", "feedkey"]
PUBLISHER_PERMISSIONS = ["publish_notice", "change_notice", "view_notice"]


def setup_role_groups(group_model, permission_model) -> None:
    """Create both groups (idempotent) and give them their permissions.

    Takes the models as arguments so that a migration can pass its historical ones."""
    secretaries, _ = group_model.objects.get_or_create(name=SECRETARIES_GROUP)
    secretaries.permissions.remove(
        *permission_model.objects.filter(
            content_type__app_label__in=SECRETARY_APPS, content_type__model__in=SECRETARY_EXCLUDED_MODELS
        )
    )
    secretaries.permissions.add(
        *permission_model.objects.filter(content_type__app_label__in=SECRETARY_APPS)
        .exclude(codename__startswith="delete_")
        .exclude(codename="publish_notice")
        .exclude(content_type__model__in=SECRETARY_EXCLUDED_MODELS)
    )
    publishers, _ = group_model.objects.get_or_create(name=PUBLISHERS_GROUP)
    publishers.permissions.add(
        *permission_model.objects.filter(content_type__app_label="notices", codename__in=PUBLISHER_PERMISSIONS)
    )
