"""Admin building blocks: pages scoped to what the user may see, choices scoped to what the user
may name, actions that call the services.

Which rows a user may see is a question for the app that owns the rule; a scoped admin names
it in `scope_filter(request)` (or `scope_path` and `scope_ids(user)`), and this module applies it
to the list, the change pages and django-simple-history's history pages alike.

Which rows a user may *name* in a form (every foreign-key and many-to-many choice, in every
admin and every inline) is asked of the related model's admin: `choice_queryset(request)`, by
default the rows that admin shows. A model without a scoped admin offers nothing to anyone but
a superuser. The form's field validates against that queryset, so a crafted POST naming a row
out of scope is refused with a form error and nothing is saved. Rows a form already points at
stay choosable, so editing an old record never silently drops a value the user cannot see.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import get_fields_from_path, unquote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from .forms import TextSafeModelForm
from .uploads import UploadNotStored
from .views import error_text


class ScopedModelForm(TextSafeModelForm):
    """The base form of every scoped admin and inline.

    `admin_user` is set on each form class the admin builds (for the request's user); the
    values the edited row already holds stay valid choices even when out of the user's scope.
    Text is checked as on every page (core.forms): no control characters, one-line fields on one
    line, dates in 1921-2100."""

    admin_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            return
        for name, field in self.fields.items():
            if getattr(field, "scoped_choices", False):
                _keep_current_choice(field, self.initial.get(name))


def _keep_current_choice(field, current) -> None:
    values = current if isinstance(field, forms.ModelMultipleChoiceField) else [current]
    key = field.to_field_name or "pk"
    values = [getattr(v, key, v) for v in values or () if v not in (None, "")]
    if not values:
        return
    queryset = field.queryset
    model = queryset.model
    ordering = queryset.query.order_by or model._meta.ordering
    field.queryset = model._default_manager.filter(
        Q(**{f"{key}__in": queryset.values(key)}) | Q(**{f"{key}__in": values})
    ).order_by(*ordering)


def choosable(admin_site, request, model):
    """The rows of `model` the request's user may name in a form: all for a superuser; else what
    the related model's scoped admin offers (`choice_queryset`), or nothing without one."""
    if request.user.is_superuser:
        return model._default_manager.all()
    related_admin = admin_site._registry.get(model)
    if isinstance(related_admin, ScopedAdminMixin):
        return related_admin.choice_queryset(request)
    return model._default_manager.none()


def visible(admin_site, request, model):
    """The rows of `model` the request's user may see in the back office (for list filters)."""
    if request.user.is_superuser:
        return model._default_manager.all()
    related_admin = admin_site._registry.get(model)
    if isinstance(related_admin, ScopedAdminMixin):
        return related_admin.get_queryset(request)
    return model._default_manager.none()


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A list filter on a relation that lists only the rows the user may see."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin)
        rows = visible(model_admin.admin_site, request, field.remote_field.model)
        return field.get_choices(include_blank=False, ordering=ordering, limit_choices_to=Q(pk__in=rows.values("pk")))


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices for what the user may name; for ModelAdmins and inlines."""

    form = ScopedModelForm

    def _scoped_formfield(self, make_field, db_field, request, kwargs):
        """The field with the choices the user may name, unless the admin set its own queryset."""
        scoped = "queryset" not in kwargs
        if scoped:
            kwargs["queryset"] = choosable(self.admin_site, request, db_field.remote_field.model)
        field = make_field(db_field, request, **kwargs)
        if field is not None and scoped:
            field.scoped_choices = True
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._scoped_formfield(super().formfield_for_foreignkey, db_field, request, kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._scoped_formfield(super().formfield_for_manytomany, db_field, request, kwargs)


class ScopedInlineMixin(ScopedChoicesMixin):
    """An inline whose rows are locked (shown, not added, changed or deleted) when
    `is_locked(request, parent)` says so, for users who are not superusers."""

    def is_locked(self, request, parent) -> bool:
        return False

    def _locked(self, request, parent) -> bool:
        return parent is not None and not request.user.is_superuser and self.is_locked(request, parent)

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.form.admin_user = request.user
        return formset

    def has_add_permission(self, request, obj):
        return super().has_add_permission(request, obj) and not self._locked(request, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not self._locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._locked(request, obj)


class SuperuserEditsInlineMixin(ScopedInlineMixin):
    """Rows that only a superuser adds, changes or deletes; others see them."""

    def is_locked(self, request, parent) -> bool:
        return True

    def has_add_permission(self, request, obj):
        return request.user.is_superuser and super().has_add_permission(request, obj)


class ReadOnlyInlineMixin(ScopedInlineMixin):
    """Records written by a service: shown, never added, changed or deleted here."""

    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return self.fields

    def has_add_permission(self, request, obj):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RecordAdminMixin:
    """A record the app writes and people only read: never added, changed or deleted in the admin.
    `may_read(user)` says who sees it (superusers unless a subclass says otherwise)."""

    def may_read(self, user) -> bool:
        return bool(user and user.is_active and user.is_superuser)

    def has_module_permission(self, request):
        return self.may_read(request.user)

    def has_view_permission(self, request, obj=None):
        return self.may_read(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceRefused(Exception):
    """A service refused a save the form had allowed (someone changed the row meanwhile)."""

    def __init__(self, refusal):
        super().__init__(error_text(refusal))
        self.refusal = refusal


class ScopedAdminMixin(ScopedChoicesMixin):
    """Rows, choices, list filters and history scoped to the user; rows locked by their state.

    Set `scope_path` to the lookup from the model to what `scope_ids(user)` returns, or override
    `scope_filter(request)`. `is_locked(request, obj)` says when a row is read-only for a user
    who is not a superuser (a closed meeting, a live notice); `superuser_edits_only` makes every
    row read-only for them."""

    scope_path = "pk"
    superuser_edits_only = False

    def scope_ids(self, user):  # pragma: no cover - each subclass answers
        raise NotImplementedError

    def scope_filter(self, request) -> Q:
        return Q(**{f"{self.scope_path}__in": self.scope_ids(request.user)})

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        return qs.filter(self.scope_filter(request)).distinct()

    def choice_queryset(self, request):
        """The rows other forms may point at (what this admin shows, unless a subclass narrows it)."""
        return self.get_queryset(request)

    # --- what may be changed -----------------------------------------------------------------

    def is_locked(self, request, obj) -> bool:
        return False

    def has_add_permission(self, request):
        if self.superuser_edits_only and not request.user.is_superuser:
            return False
        return super().has_add_permission(request)

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if request.user.is_superuser:
            return True
        if self.superuser_edits_only:
            return False
        return obj is None or not self.is_locked(request, obj)

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        if request.user.is_superuser:
            return True
        return not self.superuser_edits_only and (obj is None or not self.is_locked(request, obj))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.admin_user = request.user
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:  # the whole save was rolled back
            self.message_user(request, str(refused), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        except UploadNotStored as not_stored:  # a full or failing disk: rolled back, no file left
            self.message_user(request, " ".join(not_stored.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    # --- lists and autocompletion ----------------------------------------------------------------

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        return [self._scoped_list_filter(entry) for entry in filters]

    def _scoped_list_filter(self, entry):
        if not isinstance(entry, str):
            return entry
        try:
            field = get_fields_from_path(self.model, entry)[-1]
        except FieldDoesNotExist:
            return entry
        return (entry, ScopedRelatedFieldListFilter) if field.is_relation else entry

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "autocomplete" and not request.user.is_superuser:
            # A choice offered while typing is one the form will accept.
            queryset = queryset.filter(pk__in=self.choice_queryset(request).values("pk"))
        return queryset, may_have_duplicates

    # --- django-simple-history's pages fetch the object themselves: scope them too ------------------

    def history_scope(self, request) -> Q:
        """Which of a visible row's past versions the user may read (all, unless a subclass says)."""
        return Q()

    def _require_in_scope(self, request, object_id):
        if not self.get_queryset(request).filter(pk=unquote(object_id)).exists():
            raise Http404

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        qs = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return qs if request.user.is_superuser else qs.filter(self.history_scope(request))

    def history_view(self, request, object_id, extra_context=None):
        self._require_in_scope(request, object_id)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # Reverting is disabled project-wide (SIMPLE_HISTORY_REVERT_DISABLED): the page only hides
        # its button and would still save a posted form, so a past version is only ever read here.
        if request.method != "GET":
            raise PermissionDenied
        self._require_in_scope(request, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        if (
            not self.get_history_queryset(request, history, self.model._meta.pk.attname, unquote(object_id))
            .filter(history_id=version_id)
            .exists()
        ):
            raise Http404
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)


class LoadedVersionForm(ScopedModelForm):
    """A form that remembers the row's `version` when it was loaded; a save from a form loaded
    before someone else's save is refused with a message, and the user's values stay in the form."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            self.fields["loaded_version"].initial = self.instance.version

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            stored = type(self.instance)._default_manager.filter(pk=self.instance.pk).values_list("version", flat=True)
            loaded = cleaned.get("loaded_version")
            if loaded is None or list(stored) != [loaded]:
                raise ValidationError(
                    _(
                        "Someone else saved this %(name)s while you were editing it. Nothing was overwritten: "
                        "open it again to see their change, then make yours."
                    )
                    % {"name": self._meta.model._meta.verbose_name},
                    code="conflict",
                )
        return cleaned


def run_service_action(modeladmin, request, queryset, service, success_message, **kwargs):
    """Run a state-changing service for each selected object, as the admin user.

    The service checks permission and state, exactly as it does for the pages; what it
    refuses is reported per object and nothing else is changed for that object.
    """
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
