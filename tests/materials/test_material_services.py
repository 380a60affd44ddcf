"""Services of the materials: every transition, every wrong transition, who may do what."""

from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from core.history import render_reason
from materials import permissions, services
from materials.models import InspectionMaterial
from materials.services import MaterialConflict, MaterialText
from meetings.models import Meeting
from outbox.models import OutboxMessage

from ..factories import MaterialFactory, MeetingFactory
from .samples import (
    ASPECTS,
    EXE,
    PDF,
    SAMPLE_DOCX,
    make_docx,
    upload,
)

pytestmark = pytest.mark.django_db
Status = InspectionMaterial.Status


def full_text(**overrides):
    text = MaterialText(
        title="My material",
        problem_sections=[{"aspect": a, "text": ""} for a in ASPECTS],
        problems="",
        causes="Relaxed study.",
        measures="1. Study more.",
    )
    text.problem_sections[1]["text"] = "- Research was hurried."
    for key, value in overrides.items():
        setattr(text, key, value)
    return text


@pytest.fixture
def draft(attended, member_user):
    return services.material_start(meeting=attended, by=member_user)


@pytest.fixture
def submitted(draft, member_user):
    return services.material_submit(material=draft, by=member_user, text=full_text(), version=draft.version)


# ----------------------------------------------------------------------------- start


def test_start_creates_a_draft_with_one_section_per_aspect(draft, member_user):
    assert draft.status == Status.DRAFT
    assert draft.author == member_user.member
    assert [s["aspect"] for s in draft.problem_sections] == ASPECTS
    assert "Member" in draft.title


def test_start_twice_returns_the_same_material(draft, attended, member_user):
    assert services.material_start(meeting=attended, by=member_user).pk == draft.pk
    assert InspectionMaterial.objects.count() == 1


def test_start_refused_to_someone_who_does_not_attend(attended, other_member, publisher):
    for user in (other_member, publisher):
        with pytest.raises(PermissionDenied):
            services.material_start(meeting=attended, by=user)


def test_group_material_only_by_the_principal_leader(attended, member_user, secretary):
    with pytest.raises(PermissionDenied):
        services.material_start(meeting=attended, by=member_user, on_behalf_of_group=True)
    group = services.material_start(meeting=attended, by=secretary, on_behalf_of_group=True)
    assert group.on_behalf_of_group
    assert "Party Group of the Municipal Government" in group.title


def test_no_new_material_for_a_closed_meeting(attended, member_user):
    Meeting.objects.filter(pk=attended.pk).update(status=Meeting.Status.CLOSED)
    attended.refresh_from_db()
    with pytest.raises(ValidationError, match="closed"):
        services.material_start(meeting=attended, by=member_user)


# ----------------------------------------------------------------------------- save draft


def test_save_draft_any_number_of_times(draft, member_user):
    v = draft.version
    m = services.material_save_draft(material=draft, by=member_user, text=full_text(causes="first"), version=v)
    m = services.material_save_draft(material=m, by=member_user, text=full_text(causes="second"), version=v + 1)
    m.refresh_from_db()
    assert m.causes == "second"
    assert m.version == v + 2
    assert m.status == Status.DRAFT
    assert m.problem_sections[1] == {"aspect": ASPECTS[1], "text": "- Research was hurried."}
    reasons = [render_reason(r) for r in m.history.values_list("history_change_reason", flat=True)]
    assert reasons.count("Draft saved") == 2


def test_stale_save_is_a_conflict_and_overwrites_nothing(draft, member_user):
    loaded = draft.version
    services.material_save_draft(material=draft, by=member_user, text=full_text(causes="tab one"), version=loaded)
    with pytest.raises(MaterialConflict) as excinfo:
        services.material_save_draft(material=draft, by=member_user, text=full_text(causes="tab two"), version=loaded)
    assert excinfo.value.current.causes == "tab one"
    assert "another window or tab" in excinfo.value.messages[0]
    draft.refresh_from_db()
    assert draft.causes == "tab one"


def test_only_the_author_saves(draft, other_member_user, secretary, superuser):
    for user in (other_member_user, secretary, superuser):
        with pytest.raises(PermissionDenied):
            services.material_save_draft(material=draft, by=user, text=full_text(), version=draft.version)


def test_a_submitted_or_approved_material_cannot_be_saved(submitted, member_user, secretary):
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.material_save_draft(material=submitted, by=member_user, text=full_text(), version=submitted.version)
    approved = services.material_approve(material=submitted, by=secretary)
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.material_save_draft(material=approved, by=member_user, text=full_text(), version=approved.version)


def test_a_bad_attachment_saves_nothing(draft, member_user):
    with pytest.raises(ValidationError, match="not a document we accept"):
        services.material_save_draft(
            material=draft, by=member_user, text=full_text(causes="typed"), version=draft.version,
            attachments=[upload("report.pdf", EXE)],
        )  # fmt: skip
    draft.refresh_from_db()
    assert draft.causes == ""
    assert draft.attachments.count() == 0


def test_save_with_attachment_stores_it_under_a_safe_name(draft, member_user, settings):
    services.material_save_draft(
        material=draft, by=member_user, text=full_text(), version=draft.version,
        attachments=[upload("../../etc/evil name.pdf", PDF)],
    )  # fmt: skip
    attachment = draft.attachments.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.original_name == "evil name.pdf"
    assert attachment.file.name.startswith(f"materials/{draft.meeting_id}/{draft.pk}/")
    assert ".." not in attachment.file.name and attachment.file.name.endswith(".pdf")
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == PDF


# ----------------------------------------------------------------------------- submit


def send_outbox():
    call_command("send_outbox", stdout=StringIO())


def test_submit_keeps_a_revision_and_tells_the_secretaries(draft, member_user, secretary, mailoutbox):
    m = services.material_submit(material=draft, by=member_user, text=full_text(), version=draft.version)
    assert m.status == Status.SUBMITTED
    assert m.submitted_at is not None
    revision = m.revisions.get()
    assert revision.number == 1
    assert revision.causes == "Relaxed study."
    assert revision.submitted_by == member_user
    queued = OutboxMessage.objects.get()  # written with the submission, sent by the worker
    assert (queued.kind, queued.reference, queued.to) == (
        "materials.submitted",
        f"materials.inspectionmaterial:{m.pk}",
        secretary.email,
    )
    assert queued.status == OutboxMessage.Status.QUEUED
    assert mailoutbox == []
    send_outbox()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [secretary.email]
    assert "submitted" in mailoutbox[0].subject
    assert m.get_absolute_url() in mailoutbox[0].body
    assert "Relaxed study" not in mailoutbox[0].body  # the confidential text stays out of email
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.SENT
    send_outbox()
    assert len(mailoutbox) == 1


def test_an_empty_submission_is_refused_and_saves_nothing(draft, member_user, mailoutbox):
    empty = MaterialText(title="Typed title", problem_sections=[], problems="  ", causes="", measures="")
    with pytest.raises(ValidationError) as excinfo:
        services.material_submit(material=draft, by=member_user, text=empty, version=draft.version)
    message = excinfo.value.messages[0]
    assert "problems found" in message and "causes" in message and "rectification measures" in message
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT
    assert draft.title != "Typed title"
    assert draft.revisions.count() == 0
    assert not OutboxMessage.objects.exists()
    send_outbox()
    assert mailoutbox == []


def test_submit_without_text_uses_the_saved_draft(draft, member_user):
    services.material_save_draft(material=draft, by=member_user, text=full_text(), version=draft.version)
    m = services.material_submit(material=draft, by=member_user)
    assert m.status == Status.SUBMITTED


def test_wrong_submissions(submitted, member_user, other_member_user, secretary):
    with pytest.raises(PermissionDenied):
        services.material_submit(material=submitted, by=other_member_user)
    with pytest.raises(PermissionDenied):
        services.material_submit(material=submitted, by=secretary)
    with pytest.raises(ValidationError, match="Only a draft or a returned material"):
        services.material_submit(material=submitted, by=member_user)
    approved = services.material_approve(material=submitted, by=secretary)
    with pytest.raises(ValidationError, match="Only a draft or a returned material"):
        services.material_submit(material=approved, by=member_user)


# ----------------------------------------------------------------------------- review


def test_return_with_comments_then_revise_and_resubmit(submitted, member_user, secretary, mailoutbox):
    returned = services.material_return(material=submitted, by=secretary, comments="Go deeper on causes.")
    assert returned.status == Status.RETURNED
    assert returned.review_comments == "Go deeper on causes."
    assert returned.reviewed_by == secretary
    assert returned.revisions.get(number=1).review_comments == "Go deeper on causes."
    assert OutboxMessage.objects.filter(kind="materials.returned", to=member_user.email).count() == 1
    send_outbox()
    assert mailoutbox[-1].to == [member_user.email]
    assert "returned" in mailoutbox[-1].subject

    revised = services.material_submit(
        material=returned, by=member_user, text=full_text(causes="Deeper causes."), version=returned.version
    )
    assert revised.status == Status.SUBMITTED
    assert list(revised.revisions.values_list("number", "causes")) == [(1, "Relaxed study."), (2, "Deeper causes.")]


def test_return_needs_comments(submitted, secretary):
    with pytest.raises(ValidationError, match="Write the comments"):
        services.material_return(material=submitted, by=secretary, comments="   ")
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_approve_locks_and_tells_the_author(submitted, member_user, secretary, mailoutbox):
    approved = services.material_approve(material=submitted, by=secretary)
    assert approved.status == Status.APPROVED
    assert approved.approved_at is not None
    assert not permissions.can_edit_material(member_user, approved)
    assert OutboxMessage.objects.filter(kind="materials.approved", to=member_user.email).count() == 1
    send_outbox()
    assert mailoutbox[-1].to == [member_user.email]
    assert "approved" in mailoutbox[-1].subject


def test_who_may_not_review(submitted, member_user, other_member_user, other_secretary, publisher):
    with pytest.raises(PermissionDenied):  # the author sees it but does not review it
        services.material_return(material=submitted, by=member_user, comments="x")
    for user in (other_member_user, other_secretary, publisher):  # they cannot see it at all
        with pytest.raises(PermissionDenied):
            services.material_approve(material=submitted, by=user)
    submitted.refresh_from_db()
    assert submitted.status == Status.SUBMITTED


def test_superuser_may_review(submitted, superuser):
    assert services.material_approve(material=submitted, by=superuser).status == Status.APPROVED


def test_wrong_reviews(draft, submitted, secretary):
    approved = services.material_approve(material=submitted, by=secretary)
    with pytest.raises(ValidationError, match="Only a submitted material"):
        services.material_return(material=approved, by=secretary, comments="x")
    with pytest.raises(ValidationError, match="Only a submitted material"):
        services.material_approve(material=approved, by=secretary)
    returned_one = MaterialFactory(meeting=submitted.meeting, status=Status.RETURNED)
    with pytest.raises(ValidationError, match="Only a submitted material"):
        services.material_approve(material=returned_one, by=secretary)


def test_a_draft_is_not_even_visible_to_the_secretary(attended, other_member_user, secretary):
    draft = services.material_start(meeting=attended, by=other_member_user)
    with pytest.raises(PermissionDenied):
        services.material_return(material=draft, by=secretary, comments="x")


# ----------------------------------------------------------------------------- visibility


def test_visibility_through_the_life_of_a_material(draft, member_user, other_member_user, secretary, other_secretary,
                                                   other_member, publisher):  # fmt: skip
    def who_sees(material):
        users = {
            "author": member_user, "colleague": other_member_user, "secretary": secretary,
            "other_secretary": other_secretary, "other_member": other_member, "publisher": publisher,
        }  # fmt: skip
        return {
            name for name, user in users.items() if InspectionMaterial.objects.visible_to(user).filter(pk=material.pk)
        }

    from django.contrib.auth.models import AnonymousUser

    assert who_sees(draft) == {"author"}
    submitted = services.material_submit(material=draft, by=member_user, text=full_text(), version=draft.version)
    assert who_sees(submitted) == {"author", "secretary"}
    approved = services.material_approve(material=submitted, by=secretary)
    assert who_sees(approved) == {"author", "secretary", "colleague"}
    assert not InspectionMaterial.objects.visible_to(AnonymousUser()).exists()


# ----------------------------------------------------------------------------- files


def test_attach_a_file_to_a_draft_only(draft, member_user, secretary):
    attachment = services.material_attach(material=draft, by=member_user, file=upload("scan.pdf", PDF))
    assert attachment.size == len(PDF)
    assert not attachment.is_source_document
    with pytest.raises(PermissionDenied):
        services.material_attach(material=draft, by=secretary, file=upload("scan.pdf", PDF))
    submitted = services.material_submit(material=draft, by=member_user, text=full_text(), version=draft.version)
    with pytest.raises(ValidationError, match="only while the material is a draft"):
        services.material_attach(material=submitted, by=member_user, file=upload("scan.pdf", PDF))


def test_import_word_puts_the_text_under_its_sections_and_keeps_the_document(draft, member_user):
    text = services.material_import_docx(
        material=draft, by=member_user, file=upload("offline draft.docx", make_docx(SAMPLE_DOCX))
    )
    sections = {s["aspect"]: s["text"] for s in text.problem_sections}
    assert sections["Serving the people"] == "Research at the grassroots was sometimes hurried."
    assert sections["Style of work"] == "- Too many meetings."
    assert sections["Learning the innovative theory"] == ""
    assert text.causes == "Relaxed the tempering of party spirit."
    assert text.measures == "Go to the grassroots every month."
    source = draft.attachments.get()
    assert source.is_source_document
    assert source.original_name == "offline draft.docx"
    draft.refresh_from_db()
    assert draft.causes == ""  # the text lands in the editor; saving is the member's choice


def test_import_keeps_text_without_headings_under_other_problems(draft, member_user):
    text = services.material_import_docx(
        material=draft, by=member_user, file=upload("plain.docx", make_docx([("p", "一段没有标题的文字。")]))
    )
    assert text.problems == "一段没有标题的文字。"


def test_import_refuses_what_is_not_a_word_document(draft, member_user):
    with pytest.raises(ValidationError, match="only Word"):
        services.material_import_docx(material=draft, by=member_user, file=upload("scan.docx", PDF))
    with pytest.raises(ValidationError, match="not a document we accept"):
        services.material_import_docx(material=draft, by=member_user, file=upload("fake.docx", b"just text"))
    assert draft.attachments.count() == 0


def test_import_refuses_a_document_that_unpacks_too_large(draft, member_user, monkeypatch):
    monkeypatch.setattr(services, "MAX_UNPACKED_IMPORT", 1000)
    with pytest.raises(ValidationError, match="too large to import"):
        services.material_import_docx(material=draft, by=member_user, file=upload("big.docx", make_docx(SAMPLE_DOCX)))
    assert draft.attachments.count() == 0


def test_split_imported_recognises_chinese_headings():
    text = services.split_imported(
        "一、存在的问题\n\n（一）为民服务\n\n调研不够深入。\n\n二、原因分析\n\n党性锻炼有所放松。\n\n三、整改措施\n\n每月到基层调研。",
        ["为民服务"],
    )
    assert text.problem_sections == [{"aspect": "为民服务", "text": "调研不够深入。"}]
    assert text.causes == "党性锻炼有所放松。"
    assert text.measures == "每月到基层调研。"


def test_stored_sections_of_a_removed_aspect_are_kept(draft, member_user, attended):
    services.material_save_draft(material=draft, by=member_user, text=full_text(), version=draft.version)
    attended.aspects = "A new aspect"
    attended.save()
    draft.refresh_from_db()
    assert services.section_aspects(attended, draft) == ["A new aspect", *ASPECTS]


def test_material_of_another_meeting_is_independent(member_user, org):
    other = MeetingFactory(organisation=org, year=2023)
    with pytest.raises(PermissionDenied):  # not an attendee of that one
        services.material_start(meeting=other, by=member_user)
