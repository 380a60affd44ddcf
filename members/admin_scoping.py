"""Admin pages scoped per organisation: a staff secretary sees only their organisations' rows."""

from .permissions import secretary_organisation_ids


class OrganisationScopedAdminMixin:
    """Set `organisation_path` to the lookup from the model to its Organisation."""

    organisation_path = "organisation"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.organisation_path}__in": secretary_organisation_ids(request.user)}).distinct()
