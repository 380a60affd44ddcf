"""Item pages: progress with evidence, verification, reopen, cancel, history; problem and item creation."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectification.models import Evidence, Problem, ProgressReport, RectificationItem, RectificationPlan
from tests.factories import CriticismFactory, ItemFactory, MaterialFactory, MeetingFactory

S = RectificationItem.Status
pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _url(name, item):
    return reverse(f"rectification:{name}", args=[item.pk])


def test_member_reports_progress_with_evidence(client, member_user, item):
    client.force_login(member_user)
    response = client.post(
        _url("item_progress", item),
        {"text": "Ten visits made", "percent": "50", "evidence": [SimpleUploadedFile("minutes.png", PNG)]},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.status, item.progress_percent) == (S.IN_PROGRESS, 50)
    evidence = Evidence.objects.get()
    assert (evidence.original_name, evidence.content_type) == ("minutes.png", "image/png")
    page = client.get(response["Location"]).content.decode()
    assert "Progress reported." in page and "minutes.png" in page and "Ten visits made" in page


def test_progress_of_120_is_refused_with_a_message_and_the_input_kept(client, member_user, item):
    client.force_login(member_user)
    response = client.post(_url("item_progress", item), {"text": "Overachieved", "percent": "120"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Progress is a percentage from 0 to 100." in body
    assert "Overachieved" in body
    item.refresh_from_db()
    assert (item.status, item.progress_percent) == (S.OPEN, 0)
    assert not ProgressReport.objects.exists()


def test_evidence_whose_content_is_not_its_extension_is_refused(client, member_user, item):
    client.force_login(member_user)
    response = client.post(
        _url("item_progress", item),
        {"text": "See file", "percent": "10", "evidence": [SimpleUploadedFile("report.pdf", b"MZ\x90\x00 not a pdf")]},
    )
    assert "is not a document we accept" in response.content.decode()
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    response = client.post(
        _url("item_progress", item),
        {
            "text": "See file",
            "percent": "10",
            "evidence": [SimpleUploadedFile("page.pdf", b"<html><script>x</script>")],
        },
    )
    assert "is not a document we accept" in response.content.decode()
    assert not ProgressReport.objects.exists()


def test_evidence_larger_than_20_mb_is_refused(client, member_user, item, settings):
    settings.MAX_UPLOAD_SIZE = 1024
    client.force_login(member_user)
    response = client.post(
        _url("item_progress", item),
        {"text": "Big", "percent": "10", "evidence": [SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)]},
    )
    assert "files may be at most" in response.content.decode()
    assert not Evidence.objects.exists()


def test_evidence_is_served_as_attachment_to_those_who_see_the_item(
    client, member_user, secretary, other_secretary, other_member_user, item
):
    client.force_login(member_user)
    client.post(
        _url("item_progress", item), {"text": "Report", "percent": "20", "evidence": [SimpleUploadedFile("r.pdf", PDF)]}
    )
    url = reverse("rectification:evidence_download", args=[Evidence.objects.get().pk])
    for user in (member_user, secretary):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == PDF
    for user in (other_secretary, other_member_user):
        client.force_login(user)
        assert client.get(url).status_code == 404


def test_verification_by_the_responsible_member_is_refused_with_a_message(client, member_user, item):
    item.status = S.DONE
    item.save()
    client.force_login(member_user)
    response = client.post(_url("item_verify", item), {"confirmed": "1"})
    assert "another secretary must verify it" in response.content.decode()
    item.refresh_from_db()
    assert item.status == S.DONE


def test_secretary_verifies_reopens_and_history_shows_it(client, secretary, item):
    item.status = S.DONE
    item.save()
    client.force_login(secretary)
    response = client.post(_url("item_verify", item), {"confirmed": "0", "comment": ""})
    assert "Say why the item is not confirmed." in response.content.decode()
    client.post(_url("item_verify", item), {"confirmed": "1", "comment": "Records checked"})
    item.refresh_from_db()
    assert item.status == S.VERIFIED
    response = client.post(_url("item_reopen", item), {"reopen-reason": ""})
    assert "Say why the item is reopened." in response.content.decode()
    client.post(_url("item_reopen", item), {"reopen-reason": "Complaints again"})
    item.refresh_from_db()
    assert (item.status, item.reopened_count) == (S.IN_PROGRESS, 1)
    page = client.get(_url("item_detail", item)).content.decode()
    assert "Reopened: Complaints again" in page and "Verified" in page


def test_cancel_from_the_item_page(client, secretary, item):
    client.force_login(secretary)
    response = client.post(_url("item_cancel", item), {"cancel-reason": ""})
    assert "Say why the item is cancelled." in response.content.decode()
    client.post(_url("item_cancel", item), {"cancel-reason": "Duplicate of item 2"})
    item.refresh_from_db()
    assert (item.status, item.status_reason) == (S.CANCELLED, "Duplicate of item 2")


def test_other_organisation_gets_404_on_every_item_url(client, other_secretary, item):
    client.force_login(other_secretary)
    for name in ("item_detail", "item_progress", "item_verify", "item_reopen", "item_cancel"):
        assert client.get(_url(name, item)).status_code == 404
        assert client.post(_url(name, item), {"confirmed": "1"}).status_code == 404
    item.refresh_from_db()
    assert item.status == S.OPEN


def test_problem_from_a_material_then_an_item(client, secretary, meeting, member_user):
    material = MaterialFactory(
        meeting=meeting, author=member_user.member, status="approved", problems="Shallow research"
    )
    client.force_login(secretary)
    url = reverse("rectification:problem_create") + f"?material={material.pk}"
    response = client.get(url)
    form = response.context["form"]
    assert form.initial["meeting"] == meeting.pk and form.initial["about_member"] == member_user.member.pk
    assert "Shallow research" in response.content.decode()
    response = client.post(
        url,
        {
            "meeting": meeting.pk,
            "source": "self_inspection",
            "about_member": member_user.member.pk,
            "description": "Research at the grassroots was hurried",
            "severity": "medium",
        },
    )
    problem = Problem.objects.get()
    assert problem.material == material and problem.created_by == secretary
    assert response["Location"] == reverse("rectification:item_create") + f"?problem={problem.pk}"

    item_url = response["Location"]
    assert client.get(item_url).context["form"].initial["responsible_member"] == member_user.member.pk
    data = {
        "measure": "Twenty days a year at the grassroots",
        "type": "deadline",
        "responsible_member": member_user.member.pk,
        "deadline": "2022-12-01",
    }
    response = client.post(item_url, data)
    assert "cannot be before the meeting" in response.content.decode()
    assert not RectificationPlan.objects.exists() and not RectificationItem.objects.exists()
    response = client.post(item_url, {**data, "deadline": "2023-12-01"})
    item = RectificationItem.objects.get()
    assert response["Location"] == item.get_absolute_url()
    assert item.problem == problem and item.plan.meeting == meeting and item.number == 1


def test_problem_create_refuses_sources_out_of_scope(client, secretary, other_org, member_user, meeting):
    other_meeting = MeetingFactory(organisation=other_org)
    client.force_login(secretary)
    for key, obj in (
        ("material", MaterialFactory(meeting=other_meeting, status="approved")),
        ("criticism", CriticismFactory(meeting=other_meeting)),
    ):
        assert client.get(reverse("rectification:problem_create") + f"?{key}={obj.pk}").status_code == 404
    draft = MaterialFactory(meeting=meeting, author=member_user.member, status="draft")
    assert client.get(reverse("rectification:problem_create") + f"?material={draft.pk}").status_code == 404
    assert client.get(reverse("rectification:problem_create") + "?talk=abc").status_code == 404


def test_problem_create_from_criticism_prefills_the_text(client, secretary, meeting, member_user):
    criticism = CriticismFactory(meeting=meeting, from_member=secretary.member, to_member=member_user.member)
    client.force_login(secretary)
    form = client.get(reverse("rectification:problem_create") + f"?criticism={criticism.pk}").context["form"]
    assert form.initial["source"] == "criticism"
    assert form.initial["description"] == criticism.content
    assert form.initial["about_member"] == member_user.member.pk


def test_members_cannot_record_problems(client, member_user):
    client.force_login(member_user)
    assert client.get(reverse("rectification:problem_create")).status_code == 404


def test_dashboard_lists_my_items_with_a_link_to_report_progress(client, member_user, item, other_item):
    client.force_login(member_user)
    body = client.get(reverse("dashboard")).content.decode()
    assert "My rectification items" in body
    assert _url("item_progress", item) in body
    assert other_item.measure not in body


def test_plan_page_lists_items_and_problems_without_measures(client, secretary, plan, item):
    Problem.objects.create(meeting=plan.meeting, description="Nobody took this one up yet")
    client.force_login(secretary)
    body = client.get(plan.get_absolute_url()).content.decode()
    assert item.measure in body and "Nobody took this one up yet" in body


def test_overdue_item_shows_overdue_days_on_its_page(client, member_user, item):
    RectificationItem.objects.filter(pk=item.pk).update(
        deadline=datetime.date.today() - datetime.timedelta(days=2), status=S.IN_PROGRESS
    )
    client.force_login(member_user)
    assert "2 days overdue" in client.get(_url("item_detail", item)).content.decode()


def test_secretary_changes_an_item_and_history_names_the_fields(client, secretary, item, other_member_user):
    client.force_login(secretary)
    url = _url("item_edit", item)
    data = {
        "measure": item.measure,
        "type": "deadline",
        "responsible_member": other_member_user.member.pk,
        "deadline": "2022-01-01",
        "version": item.version,
    }
    response = client.post(url, data)
    assert "cannot be before the meeting" in response.content.decode()
    item.refresh_from_db()
    assert item.responsible_member != other_member_user.member
    response = client.post(url, {**data, "deadline": "2024-03-01"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.responsible_member == other_member_user.member and item.deadline == datetime.date(2024, 3, 1)
    assert "Changed: responsible member, deadline" in client.get(_url("item_detail", item)).content.decode()
    # A stale form (an older version) is refused rather than overwriting the newer change.
    response = client.post(url, {**data, "deadline": "2024-05-01", "version": item.version - 1})
    assert "Someone else changed this item meanwhile" in response.content.decode()
    item.refresh_from_db()
    assert item.deadline == datetime.date(2024, 3, 1)


def test_responsible_member_cannot_change_the_item(client, member_user, item):
    client.force_login(member_user)
    assert client.post(_url("item_edit", item), {"measure": "Easier"}).status_code == 403
    item.refresh_from_db()
    assert item.measure != "Easier"


class _Rollback(Exception):
    pass


def _service_allows(call) -> bool:
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.db import transaction

    try:
        with transaction.atomic():
            call()
            raise _Rollback
    except _Rollback:
        return True
    except (PermissionDenied, ValidationError):
        return False


def test_the_item_page_offers_exactly_the_actions_the_services_accept(client, plan, secretary, member_user):
    from rectification import services

    responsible_secretary = secretary
    colleague_secretary = _second_secretary(plan.organisation)
    checks = {
        # action: (what the page shows for it, the service call)
        "report": (
            'id="report-progress"',
            lambda i, u: services.item_report_progress(item=i, by=u, text="x", percent=10),
        ),
        "verify": ('id="verify"', lambda i, u: services.item_verify(item=i, by=u, confirmed=True)),
        "not confirm": ('id="verify"', lambda i, u: services.item_verify(item=i, by=u, confirmed=False, comment="x")),
        "reopen": ('id="reopen"', lambda i, u: services.item_reopen(item=i, by=u, reason="x")),
        "cancel": ('id="cancel"', lambda i, u: services.item_cancel(item=i, by=u, reason="x")),
        "edit": ("/edit/", lambda i, u: services.item_update(item=i, by=u, measure="Changed")),
    }
    for status in S.values:
        for responsible in (member_user, responsible_secretary):
            item = ItemFactory(plan=plan, status=status, responsible_member=responsible.member)
            for user in {member_user, responsible_secretary, colleague_secretary}:
                client.force_login(user)
                page = client.get(_url("item_detail", item)).content.decode()
                for action, (marker, call) in checks.items():
                    shown = marker in page
                    allowed = _service_allows(lambda i=item, u=user, c=call: c(i, u))
                    assert shown == allowed, (status, responsible.username, user.username, action, shown)


def _second_secretary(organisation):
    from members.models import Membership
    from tests.factories import MemberFactory, MembershipFactory, UserFactory

    user = UserFactory(username="deputy")
    member = MemberFactory(name="Deputy", user=user)
    MembershipFactory(member=member, organisation=organisation, role=Membership.Role.SECRETARY)
    return user


def test_a_responsible_secretary_is_told_why_there_is_no_verify_form(client, plan, secretary):
    own = ItemFactory(plan=plan, responsible_member=secretary.member, status=S.DONE, progress_percent=100)
    client.force_login(secretary)
    page = client.get(_url("item_detail", own)).content.decode()
    assert 'id="verify"' not in page and "Record verification" not in page
    assert "another secretary must verify it" in page
    client.force_login(_second_secretary(plan.organisation))
    page = client.get(_url("item_detail", own)).content.decode()
    assert 'id="verify"' in page and "another secretary must verify it" not in page


def test_a_member_who_may_not_change_the_item_gets_a_page_that_says_why(client, member_user, item):
    client.force_login(member_user)
    response = client.get(_url("item_edit", item))
    assert response.status_code == 403
    body = response.content.decode()
    assert 'class="navbar' in body  # the site's own page, not a bare error
    assert "You may not do this" in body and "Only a secretary of the organisation changes its items." in body
    assert f'href="{item.get_absolute_url()}"' in body and "Back to the item" in body
    response = client.post(_url("item_reopen", item), {"reopen-reason": "I want to"})
    assert response.status_code == 403
    assert "Only a secretary of the organisation reopens its items." in response.content.decode()
    item.refresh_from_db()
    assert item.status == S.OPEN


def test_a_reopened_item_shows_the_progress_it_really_has(client, member_user, secretary, item):
    client.force_login(member_user)
    client.post(_url("item_progress", item), {"text": "Half the visits", "percent": "50"})
    client.post(_url("item_progress", item), {"text": "All visits", "percent": "100", "done": "on"})
    client.force_login(secretary)
    client.post(_url("item_verify", item), {"confirmed": "1", "comment": ""})
    client.post(_url("item_reopen", item), {"reopen-reason": "Complaints again"})
    page = client.get(_url("item_detail", item)).content.decode()
    facts = page.split('class="row item-facts"', 1)[1].split("</dl>", 1)[0]
    assert ">in progress<" in facts and '<span class="progress-label small text-nowrap">50%</span>' in facts
    ledger = client.get(reverse("rectification:ledger")).content.decode()
    assert '<span class="progress-label small text-nowrap">50%</span>' in ledger and ">100%<" not in ledger


def test_a_closed_item_offers_no_change_form_but_says_how_to_change_it(client, secretary, item):
    RectificationItem.objects.filter(pk=item.pk).update(status=S.VERIFIED)
    client.force_login(secretary)
    response = client.get(_url("item_edit", item), follow=True)
    assert response.redirect_chain == [(item.get_absolute_url(), 302)]
    body = response.content.decode()
    assert "A closed item cannot be changed: reopen it first." in body and 'id="reopen"' in body


def test_the_item_form_validates_the_items_rules_and_keeps_the_input(client, secretary, plan, item, member_user):
    """The form runs the model's own validation (no step skipped): a deadline item without a deadline is
    refused on create and on edit, a deadline before the meeting on edit, and nothing is written."""
    client.force_login(secretary)
    data = {
        "measure": "A measure typed with care",
        "type": "deadline",
        "responsible_member": member_user.member.pk,
        "deadline": "",
    }
    response = client.post(reverse("rectification:item_create") + f"?plan={plan.pk}", data)
    assert response.status_code == 200
    assert "Only a long-term item may go without a deadline." in response.content.decode()
    assert "A measure typed with care" in response.content.decode()
    assert plan.items.count() == 1

    url = _url("item_edit", item)
    response = client.post(url, {**data, "version": item.version})
    assert "Only a long-term item may go without a deadline." in response.content.decode()
    response = client.post(url, {**data, "deadline": "2022-01-01", "version": item.version})
    assert response.context["form"].errors["deadline"] == ["The deadline cannot be before the meeting (2023-01-30)."]
    item.refresh_from_db()
    assert item.measure == "Research at the grassroots twenty days a year" and item.deadline is not None

    response = client.post(url, {**data, "type": "long_term", "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.type, item.deadline, item.measure) == ("long_term", None, "A measure typed with care")


def test_the_responsible_choices_are_current_members_and_whoever_the_item_names(client, secretary, item, org):
    """A member who has left is not offered for new work, but an item they hold can still be edited."""
    from members.models import Membership
    from tests.factories import MemberFactory, MembershipFactory

    left = MemberFactory(name="Comrade Who Left")
    MembershipFactory(member=left, organisation=org, end_date=datetime.date.today() - datetime.timedelta(days=1))
    client.force_login(secretary)
    assert "Comrade Who Left" not in client.get(_url("item_edit", item)).content.decode()

    Membership.objects.filter(member=item.responsible_member, organisation=org).update(
        end_date=datetime.date.today() - datetime.timedelta(days=1)
    )
    data = {
        "measure": item.measure,
        "type": "deadline",
        "responsible_member": item.responsible_member_id,
        "deadline": "2030-03-01",
        "version": item.version,
    }
    assert client.post(_url("item_edit", item), data).status_code == 302
    item.refresh_from_db()
    assert item.deadline == datetime.date(2030, 3, 1)
