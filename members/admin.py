from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import RecordAdminMixin, ScopedAdminMixin, SuperuserEditsInlineMixin, run_service_action, service_action

from .models import AuditEvent, Member, Membership, Organisation
from .permissions import secretary_organisation_ids
from .selectors import members_managed_by, organisations_managed_by

__all__ = ["OrganisationScopedAdminMixin", "run_service_action", "service_action"]


class OrganisationScopedAdminMixin(ScopedAdminMixin):
    """Rows of the organisations the user is secretary of (members.permissions), and choices
    scoped the same way (core.admin). Set `organisation_path` to the lookup from the model to
    its Organisation."""

    organisation_path = "organisation"

    @property
    def scope_path(self):
        return self.organisation_path

    def scope_ids(self, user):
        return secretary_organisation_ids(user)


class MembershipInline(SuperuserEditsInlineMixin, admin.TabularInline):
    """Memberships carry the roles: only a superuser changes them; secretaries see their organisations'."""

    model = Membership
    extra = 0
    autocomplete_fields = ["member", "organisation"]
    fields = ["member", "organisation", "role", "post_title", "order", "start_date", "end_date"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(organisation__in=organisations_managed_by(request.user))


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "pk"
    list_display = ["name", "kind", "parent", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    autocomplete_fields = ["parent"]
    inlines = [MembershipInline]

    def get_readonly_fields(self, request, obj=None):
        # Where an organisation sits in the tree is the administrator's decision.
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [*super().get_readonly_fields(request, obj), "parent"]


@admin.register(Member)
class MemberAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "memberships__organisation"
    list_display = ["name", "gender", "posts", "user", "organisation_list"]
    list_filter = ["gender", "memberships__organisation"]
    search_fields = ["name", "posts", "email", "user__username"]
    autocomplete_fields = ["user"]
    inlines = [MembershipInline]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user").prefetch_related("memberships__organisation")

    def choice_queryset(self, request):
        """A member named in a form (presider, attendee, responsible member…) is a current member
        of an organisation the user manages (members.selectors), as the services require."""
        return members_managed_by(request.user)

    # Linking a login account is the administrator's job: secretaries cannot browse users, so they
    # see the account's name as text (a link would lead to a page they may not open).
    def get_exclude(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_exclude(request, obj)
        return [*(super().get_exclude(request, obj) or []), "user"]

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return super().get_readonly_fields(request, obj)
        return [*super().get_readonly_fields(request, obj), "login_account"]

    @admin.display(description=_("login account"))
    def login_account(self, obj):
        return obj.user.get_username() if obj.user_id else "—"

    @admin.display(description=_("organisations"))
    def organisation_list(self, obj):
        return ", ".join(m.organisation.name for m in obj.memberships.all())


@admin.register(Membership)
class MembershipAdmin(OrganisationScopedAdminMixin, SimpleHistoryAdmin):
    """Who holds which role where, with its history: changed only by a superuser."""

    organisation_path = "organisation"
    superuser_edits_only = True
    list_display = ["member", "organisation", "role", "post_title", "start_date", "end_date"]
    list_filter = ["role", "organisation"]
    search_fields = ["member__name", "organisation__name", "post_title"]
    autocomplete_fields = ["member", "organisation"]
    list_select_related = ["member", "organisation"]


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdminMixin, admin.ModelAdmin):
    """Security events, for superusers only: a record that is read, never added, changed or deleted."""

    list_display = ["created_at", "kind", "username", "user", "ip_address", "method", "path"]
    list_filter = ["kind", ("created_at", admin.DateFieldListFilter)]
    search_fields = ["username", "user__username", "path"]
    date_hierarchy = "created_at"
    list_select_related = ["user"]
    readonly_fields = ["created_at", "kind", "user", "username", "ip_address", "method", "path", "detail"]
