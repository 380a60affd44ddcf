"""Admin building blocks: pages scoped to what the user may see, actions that call the services.

Which rows a user may see is a question for the app that owns the rule; a scoped admin
names it in `scope_ids(user)`, and this module applies it to the list, the change pages
and django-simple-history's history pages alike.
"""


class ScopedAdminMixin:
    """Set `scope_path` to the lookup from the model to what `scope_ids(user)` returns."""

    scope_path = "pk"

    def scope_ids(self, user):  # pragma: no cover - each subclass answers
        raise NotImplementedError

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(**{f"{self.scope_path}__in": self.scope_ids(request.user)}).distinct()

    def _require_in_scope(self, request, object_id):
        from django.contrib.admin.utils import unquote
        from django.http import Http404

        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    # django-simple-history's history pages fetch the object themselves: scope them too.
    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


def run_service_action(modeladmin, request, queryset, service, success_message, **kwargs):
    """Run a state-changing service for each selected object, as the admin user.

    The service checks permission and state, exactly as it does for the pages; what it
    refuses is reported per object and nothing else is changed for that object.
    """
    from django.contrib import messages
    from django.core.exceptions import PermissionDenied, ValidationError

    from .views import error_text

    done = 0
    for obj in queryset:
        try:
            service(obj, request.user, **kwargs)
            done += 1
        except (ValidationError, PermissionDenied) as exc:
            modeladmin.message_user(request, f"{obj}: {error_text(exc, sep='; ')}", messages.ERROR)
    if done:
        modeladmin.message_user(request, success_message % {"count": done}, messages.SUCCESS)


def service_action(name, service, description, success_message, **kwargs):
    """An admin action named `name` that runs `service(obj, user)` for each selected object."""

    def action(modeladmin, request, queryset):
        run_service_action(modeladmin, request, queryset, service, success_message, **kwargs)

    action.__name__ = name
    action.short_description = description
    return action
