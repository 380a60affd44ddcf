"""The rules of the item's life: who may do what, what is refused, and that a refusal changes nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from core.history import render_reason
from rectification import services
from rectification.models import ProgressReport, RectificationItem, Verification
from tests.factories import CriticismFactory, ItemFactory, MaterialFactory, MeetingFactory

S = RectificationItem.Status
pytestmark = pytest.mark.django_db


def _fresh(item):
    return RectificationItem.objects.get(pk=item.pk)


def test_progress_of_120_percent_is_refused_and_nothing_changes(item, member_user):
    with pytest.raises(ValidationError, match="percentage from 0 to 100"):
        services.item_report_progress(item=item, by=member_user, text="Way ahead", percent=120)
    fresh = _fresh(item)
    assert (fresh.status, fresh.progress_percent) == (S.OPEN, 0)
    assert not ProgressReport.objects.exists()
    assert fresh.history.count() == item.history.count()


def test_member_reports_progress_then_done(item, member_user):
    services.item_report_progress(item=item, by=member_user, text="Half the visits made", percent=50)
    fresh = _fresh(item)
    assert (fresh.status, fresh.progress_percent) == (S.IN_PROGRESS, 50)
    services.item_report_progress(item=fresh, by=member_user, text="All visits made", percent=90, done=True)
    fresh = _fresh(item)
    assert (fresh.status, fresh.progress_percent) == (S.DONE, 100)
    assert fresh.completed_on == datetime.date.today()
    reasons = [render_reason(r) for r in fresh.history.values_list("history_change_reason", flat=True)]
    assert reasons[0] == "Reported done" and "Progress reported: 50%" in reasons
    assert fresh.history.first().history_user == member_user


def test_only_the_responsible_member_reports_progress(item, secretary, other_member_user):
    for user in (secretary, other_member_user):
        with pytest.raises(PermissionDenied):
            services.item_report_progress(item=item, by=user, text="Not mine", percent=10)
    assert _fresh(item).status == S.OPEN


def test_responsible_member_cannot_verify_their_own_item(item, member_user):
    item.status = S.DONE
    item.save()
    with pytest.raises(ValidationError, match="another secretary must verify"):
        services.item_verify(item=item, by=member_user, confirmed=True)
    assert _fresh(item).status == S.DONE
    assert not Verification.objects.exists()


def test_responsible_secretary_cannot_verify_their_own_item(plan, secretary):
    own = ItemFactory(plan=plan, responsible_member=secretary.member, status=S.DONE, progress_percent=100)
    with pytest.raises(ValidationError, match="another secretary must verify"):
        services.item_verify(item=own, by=secretary, confirmed=True)
    assert _fresh(own).status == S.DONE


def test_verification_confirmed_closes_the_item(item, secretary):
    item.status = S.DONE
    item.save()
    services.item_verify(item=item, by=secretary, confirmed=True, comment="Checked the records")
    fresh = _fresh(item)
    assert fresh.status == S.VERIFIED and fresh.is_closed and fresh.verified_at is not None
    assert Verification.objects.get(item=item).verified_by == secretary


def test_not_confirmed_needs_a_reason_and_goes_back_to_in_progress(item, secretary):
    item.status = S.DONE
    item.completed_on = datetime.date.today()
    item.save()
    with pytest.raises(ValidationError, match="Say why"):
        services.item_verify(item=item, by=secretary, confirmed=False, comment="  ")
    assert _fresh(item).status == S.DONE
    services.item_verify(item=item, by=secretary, confirmed=False, comment="No minutes of the visits")
    fresh = _fresh(item)
    assert (fresh.status, fresh.status_reason, fresh.completed_on) == (S.IN_PROGRESS, "No minutes of the visits", None)


def test_other_organisations_secretary_cannot_verify(item, other_secretary):
    item.status = S.DONE
    item.save()
    with pytest.raises(PermissionDenied):
        services.item_verify(item=item, by=other_secretary, confirmed=True)


def test_only_an_item_reported_done_can_be_verified(item, secretary):
    with pytest.raises(ValidationError, match="reported done"):
        services.item_verify(item=item, by=secretary, confirmed=True)


def test_reopen_a_closed_item_needs_a_reason(item, secretary):
    item.status = S.VERIFIED
    item.save()
    with pytest.raises(ValidationError, match="Say why"):
        services.item_reopen(item=item, by=secretary, reason="")
    assert _fresh(item).status == S.VERIFIED
    services.item_reopen(item=item, by=secretary, reason="The problem came back")
    fresh = _fresh(item)
    assert (fresh.status, fresh.reopened_count, fresh.status_reason) == (S.IN_PROGRESS, 1, "The problem came back")
    assert render_reason(fresh.history.first().history_change_reason) == "Reopened: The problem came back"


def test_an_open_item_cannot_be_reopened(item, secretary):
    with pytest.raises(ValidationError, match="Only a closed item"):
        services.item_reopen(item=item, by=secretary, reason="why not")


def test_cancel_needs_a_reason(item, secretary, member_user):
    with pytest.raises(ValidationError, match="Say why"):
        services.item_cancel(item=item, by=secretary, reason="")
    with pytest.raises(PermissionDenied):
        services.item_cancel(item=item, by=member_user, reason="I'd rather not")
    assert _fresh(item).status == S.OPEN
    services.item_cancel(item=item, by=secretary, reason="Merged into item 2")
    assert _fresh(item).status == S.CANCELLED


def test_deadline_before_the_meeting_is_refused(plan, secretary, member_user):
    with pytest.raises(ValidationError, match="cannot be before the meeting"):
        services.item_create(
            plan=plan,
            by=secretary,
            measure="Back-dated",
            type=RectificationItem.Type.DEADLINE,
            responsible_member=member_user.member,
            deadline=plan.meeting.held_on - datetime.timedelta(days=1),
        )
    assert not RectificationItem.objects.exists()


def test_item_create_numbers_items_and_records_history(plan, secretary, member_user):
    first = services.item_create(
        plan=plan,
        by=secretary,
        measure="Monthly study",
        type=RectificationItem.Type.LONG_TERM,
        responsible_member=member_user.member,
    )
    second = services.item_create(
        plan=plan,
        by=secretary,
        measure="Cut documents",
        type=RectificationItem.Type.DEADLINE,
        responsible_member=member_user.member,
        deadline=datetime.date(2023, 6, 30),
    )
    assert (first.number, second.number) == (1, 2)
    assert second.history.get().history_user == secretary


def test_a_deadline_is_required_unless_long_term(plan, secretary, member_user):
    with pytest.raises(ValidationError, match="without a deadline"):
        services.item_create(
            plan=plan,
            by=secretary,
            measure="No date",
            type=RectificationItem.Type.DEADLINE,
            responsible_member=member_user.member,
        )


def test_other_organisations_secretary_cannot_add_items(plan, other_secretary, member_user):
    with pytest.raises(PermissionDenied):
        services.item_create(
            plan=plan,
            by=other_secretary,
            measure="Meddling",
            type=RectificationItem.Type.LONG_TERM,
            responsible_member=member_user.member,
        )
    with pytest.raises(PermissionDenied):
        services.plan_get_or_create(meeting=plan.meeting, by=other_secretary)
    with pytest.raises(PermissionDenied):
        services.problem_create(meeting=plan.meeting, by=other_secretary, description="Meddling")
    assert not plan.items.exists()


def test_problem_keeps_its_source_and_must_come_from_the_same_meeting(meeting, secretary, org):
    material = MaterialFactory(meeting=meeting)
    problem = services.problem_create(meeting=meeting, by=secretary, description="Shallow research", material=material)
    assert problem.material == material and problem.created_by == secretary
    elsewhere = CriticismFactory(meeting=MeetingFactory(organisation=org, held_on=datetime.date(2024, 1, 30)))
    with pytest.raises(ValidationError, match="another meeting"):
        services.problem_create(meeting=meeting, by=secretary, description="x", criticism=elsewhere)


def test_overdue_is_derived_from_deadline_and_status(plan, member_user):
    past = datetime.date.today() - datetime.timedelta(days=3)
    late = ItemFactory(plan=plan, responsible_member=member_user.member, deadline=past, status=S.IN_PROGRESS)
    closed = ItemFactory(plan=plan, responsible_member=member_user.member, deadline=past, status=S.VERIFIED)
    assert late.is_overdue and late.overdue_days == 3
    assert not closed.is_overdue
    assert list(RectificationItem.objects.overdue()) == [late]


def _done_after(item, member_user, *percents):
    for percent in percents:
        services.item_report_progress(item=_fresh(item), by=member_user, text=f"{percent}% done", percent=percent)
    services.item_report_progress(item=_fresh(item), by=member_user, text="All done", percent=100, done=True)
    return _fresh(item)


def test_a_reopened_item_goes_back_to_the_progress_last_reported_below_100(item, member_user, secretary):
    done = _done_after(item, member_user, 20, 40)
    assert done.progress_percent == 100
    services.item_verify(item=done, by=secretary, confirmed=True)
    services.item_reopen(item=_fresh(item), by=secretary, reason="Complaints again")
    fresh = _fresh(item)
    assert (fresh.status, fresh.progress_percent) == (S.IN_PROGRESS, 40)
    # The history still says it once stood at 100 %.
    assert 100 in fresh.history.values_list("progress_percent", flat=True)


def test_a_not_confirmed_item_goes_back_to_the_progress_last_reported_below_100(item, member_user, secretary):
    done = _done_after(item, member_user, 60)
    services.item_verify(item=done, by=secretary, confirmed=False, comment="No minutes of the visits")
    assert (_fresh(item).status, _fresh(item).progress_percent) == (S.IN_PROGRESS, 60)


def test_a_done_item_without_earlier_reports_goes_back_to_0_and_a_cancelled_one_keeps_its_progress(
    item, member_user, secretary
):
    done = _done_after(item, member_user)
    services.item_verify(item=done, by=secretary, confirmed=False, comment="Nothing to show")
    assert _fresh(item).progress_percent == 0
    services.item_report_progress(item=_fresh(item), by=member_user, text="Started again", percent=30)
    services.item_cancel(item=_fresh(item), by=secretary, reason="Merged")
    services.item_reopen(item=_fresh(item), by=secretary, reason="Not merged after all")
    assert (_fresh(item).status, _fresh(item).progress_percent) == (S.IN_PROGRESS, 30)
