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


def run_service_action(modeladmin, request, queryset, service, success_message, **kwargs):
    """Run a state-changing service for each selected object, as the admin user.

    The service checks permission and state, exactly as it does for the pages; what it
    refuses is reported per object and nothing else is changed for that object.
    """
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError

    done = 0
    for obj in queryset:
        try:
            service(obj, request.user, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            text = "; ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc) or "permission denied"
            modeladmin.message_user(request, f"{obj}: {text}", messages.ERROR)
    if done:
        modeladmin.message_user(request, success_message % {"count": done}, messages.SUCCESS)
