"""The groups the roles rest on, with their permissions (see members/roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from members.roles import PUBLISHERS_GROUP, SECRETARIES_GROUP, setup_role_groups


def create_groups(apps, schema_editor):
    # Permissions are made after migrating; make them now so the groups can carry them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    setup_role_groups(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[SECRETARIES_GROUP, PUBLISHERS_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0001_initial"),
        ("meetings", "0001_initial"),
        ("materials", "0001_initial"),
        ("rectification", "0001_initial"),
        ("notices", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
