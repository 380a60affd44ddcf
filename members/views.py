"""Member import for secretaries: upload, preview every row with its errors, then save all or nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core.views import messages_from

from .forms import MemberImportForm
from .models import Membership
from .selectors import organisations_managed_by
from .services import check_member_rows, members_import, read_member_file

PAYLOAD_SALT = "members.import"
PAYLOAD_MAX_AGE = 60 * 60


def _managed_organisation(request, pk):
    return get_object_or_404(organisations_managed_by(request.user), pk=pk)


@login_required
def member_import(request, org_pk):
    organisation = _managed_organisation(request, org_pk)
    form = MemberImportForm()
    context = {"organisation": organisation}
    if request.method == "POST" and "payload" in request.POST:
        try:
            rows = signing.loads(request.POST["payload"], salt=PAYLOAD_SALT, max_age=PAYLOAD_MAX_AGE)
        except signing.BadSignature:
            messages.error(request, _("The preview has expired or was altered; upload the file again."))
            return redirect(request.path)
        try:
            members = members_import(organisation=organisation, rows=rows, by=request.user)
        except ValidationError as exc:
            context["rows"] = check_member_rows(organisation=organisation, rows=rows)
            context["import_errors"] = messages_from(exc)
        else:
            messages.success(
                request,
                _("%(count)s members imported into %(org)s.") % {"count": len(members), "org": organisation.name},
            )
            return redirect(request.path)
    elif request.method == "POST":
        form = MemberImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                rows = read_member_file(upload.name, upload.read())
            except ValidationError as exc:
                form.add_error("file", exc)
            else:
                checked = check_member_rows(organisation=organisation, rows=rows)
                context["rows"] = checked
                context["error_count"] = sum(1 for r in checked if r["errors"])
                if not context["error_count"]:
                    context["payload"] = signing.dumps(rows, salt=PAYLOAD_SALT, compress=True)
    context["form"] = form
    context["memberships"] = (
        Membership.objects.current().filter(organisation=organisation).select_related("member").order_by("order")
    )
    return render(request, "members/member_import.html", context)
