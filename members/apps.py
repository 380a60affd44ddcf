from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Organisations and members")

    def ready(self):
        from . import pagecache, receivers, role_changes

        receivers.connect()
        role_changes.connect()
        pagecache.connect()
