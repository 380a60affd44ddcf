from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def refresh_role_groups(sender, app_config=None, using="default", apps=None, **kwargs):
    """After every migrate, once the last app's permissions exist, give the role groups the permissions of
    models added since the groups were made (a new app's models, e.g. reports): the migration that made
    the groups only knew the models of its day."""
    from django.apps import apps as global_apps

    with_models = [config for config in global_apps.get_app_configs() if config.models_module is not None]
    if app_config is None or app_config is not with_models[-1]:  # post_migrate is sent for apps with models
        return
    from django.contrib.auth.models import Group, Permission

    from .roles import setup_role_groups

    setup_role_groups(Group, Permission)


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Organisations and members")

    def ready(self):
        from . import pagecache, receivers, role_changes

        receivers.connect()
        role_changes.connect()
        pagecache.connect()
        post_migrate.connect(refresh_role_groups, dispatch_uid="members.refresh_role_groups")
