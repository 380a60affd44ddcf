from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaterialsConfig(AppConfig):
    name = "materials"
    verbose_name = _("Comparison-inspection materials")

    def ready(self):
        from meetings.signals import closing_checks, readiness_checks

        from .receivers import material_checks, unfinished_materials

        closing_checks.connect(unfinished_materials, dispatch_uid="materials_unfinished_materials")
        readiness_checks.connect(material_checks, dispatch_uid="materials_readiness_checks")
