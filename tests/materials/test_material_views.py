"""The material pages as each role meets them: editor, reading/review page, diff, files, lists."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from materials import services
from materials.models import InspectionMaterial
from materials.services import MaterialText

from ..factories import AttendanceFactory, MaterialFactory, MemberFactory
from .samples import (
    ASPECTS,
    EXE,
    HTML,
    PDF,
    SAMPLE_DOCX,
    make_docx,
    upload,
)

pytestmark = pytest.mark.django_db
Status = InspectionMaterial.Status


def form_data(material, **overrides):
    data = {
        "version": material.version,
        "title": material.title,
        "aspect_0": "",
        "aspect_1": "- Research was hurried.",
        "aspect_2": "",
        "problems": "",
        "causes": "Relaxed study.",
        "measures": "1. Study more.",
        "action": "save",
    }
    data.update(overrides)
    return data


@pytest.fixture
def draft(attended, member_user):
    return services.material_start(meeting=attended, by=member_user)


@pytest.fixture
def author(client, member_user):
    client.force_login(member_user)
    return client


def submit(material, user, **text):
    content = MaterialText(
        title=material.title,
        problem_sections=[{"aspect": a, "text": "- Research was hurried." if i == 1 else ""} for i, a in
                          enumerate(ASPECTS)],
        causes=text.get("causes", "Relaxed study."),
        measures=text.get("measures", "1. Study more."),
    )  # fmt: skip
    material.refresh_from_db()
    return services.material_submit(material=material, by=user, text=content, version=material.version)


# ----------------------------------------------------------------------------- the editor


def test_editor_shows_one_heading_per_aspect(author, draft):
    response = author.get(reverse("materials:edit", args=[draft.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    for aspect in ASPECTS:
        assert f">{aspect}</label>" in html
    assert f'name="version" value="{draft.version}"' in html


def test_save_draft_redirects_back_with_a_message(author, draft):
    response = author.post(reverse("materials:edit", args=[draft.pk]), form_data(draft), follow=True)
    assert response.redirect_chain[-1][0] == reverse("materials:edit", args=[draft.pk])
    assert "Draft saved." in response.content.decode()
    draft.refresh_from_db()
    assert draft.causes == "Relaxed study."
    assert draft.problem_sections[1] == {"aspect": ASPECTS[1], "text": "- Research was hurried."}


def test_submit_from_the_editor(author, draft):
    response = author.post(reverse("materials:edit", args=[draft.pk]), form_data(draft, action="submit"), follow=True)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "submitted for review" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_empty_submission_keeps_the_typed_text(author, draft):
    data = form_data(draft, action="submit", aspect_1="", causes="", measures="", title="My typed title")
    response = author.post(reverse("materials:edit", args=[draft.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "cannot be submitted yet" in html
    assert 'value="My typed title"' in html
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("report.pdf", EXE, "not a document we accept"),
        ("page.html", HTML, "not a document we accept"),
        ("big.pdf", PDF + b"0" * 3000, "files may be at most"),
    ],
)
def test_bad_attachment_keeps_the_typed_text(author, draft, settings, name, content, message):
    settings.MAX_UPLOAD_SIZE = 2048
    data = form_data(draft, causes="Typed but not saved because of the file.")
    data["attachment"] = upload(name, content)
    response = author.post(reverse("materials:edit", args=[draft.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Typed but not saved because of the file." in html
    draft.refresh_from_db()
    assert draft.causes == ""
    assert draft.attachments.count() == 0


def test_good_attachment_is_saved_with_the_draft(author, draft):
    data = form_data(draft)
    data["attachment"] = upload("scan.pdf", PDF)
    author.post(reverse("materials:edit", args=[draft.pk]), data)
    assert draft.attachments.get().original_name == "scan.pdf"


def test_two_tabs_the_second_save_gets_a_conflict_and_keeps_both_texts(author, draft):
    url = reverse("materials:edit", args=[draft.pk])
    loaded = draft.version  # both tabs loaded this version
    author.post(url, form_data(draft, version=loaded, causes="Text from tab one."))
    response = author.post(url, form_data(draft, version=loaded, causes="Text from tab two."))
    assert response.status_code == 409
    html = response.content.decode()
    assert "changed in another window or tab" in html
    theirs = re.search(r'<pre class="[^"]*conflict-theirs">(.*?)</pre>', html, re.S).group(1)
    mine = re.search(r'<pre class="[^"]*conflict-mine">(.*?)</pre>', html, re.S).group(1)
    assert "Text from tab one." in theirs
    assert "Text from tab two." in mine
    assert ">Text from tab two.</textarea>" in html  # still in the editor
    draft.refresh_from_db()
    assert draft.causes == "Text from tab one."
    # Saving again is a deliberate choice: the editor now carries the current version.
    new_version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert int(new_version) == draft.version
    author.post(url, form_data(draft, version=new_version, causes="Text from tab two."))
    draft.refresh_from_db()
    assert draft.causes == "Text from tab two."
    assert draft.history.filter(causes="Text from tab one.").exists()


def test_import_word_fills_the_editor(author, draft):
    data = form_data(draft, action="import", causes="", measures="", aspect_1="", title="Kept title")
    data["import_file"] = upload("offline.docx", make_docx(SAMPLE_DOCX))
    response = author.post(reverse("materials:edit", args=[draft.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert ">Research at the grassroots was sometimes hurried.</textarea>" in html
    assert ">Relaxed the tempering of party spirit.</textarea>" in html
    assert 'value="Kept title"' in html
    assert "Check it, then save the draft" in html
    assert draft.attachments.get().is_source_document


def test_import_of_a_non_word_file_keeps_the_text(author, draft):
    data = form_data(draft, action="import", causes="My typed causes.")
    data["import_file"] = upload("draft.docx", b"not a zip at all")
    response = author.post(reverse("materials:edit", args=[draft.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "not a document we accept" in html
    assert "My typed causes." in html


def test_import_without_a_file(author, draft):
    response = author.post(reverse("materials:edit", args=[draft.pk]), form_data(draft, action="import"))
    assert "Choose a Word (.docx) file to import." in response.content.decode()


def test_editor_of_a_submitted_material_redirects_to_it(author, draft, member_user):
    submit(draft, member_user)
    response = author.get(reverse("materials:edit", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == draft.get_absolute_url()
    assert "cannot be edited now" in response.content.decode()


def test_nobody_else_edits(client, draft, other_member_user, secretary):
    url = reverse("materials:edit", args=[draft.pk])
    client.force_login(other_member_user)
    assert client.post(url, form_data(draft, causes="hijack")).status_code == 404
    client.force_login(secretary)  # a draft is invisible to the secretary
    assert client.post(url, form_data(draft, causes="hijack")).status_code == 404
    draft.refresh_from_db()
    assert draft.causes == ""


# ----------------------------------------------------------------------------- start and lists


def test_start_page_then_editor(author, attended):
    url = reverse("materials:start", args=[attended.pk])
    assert "Start writing" in author.get(url).content.decode()
    response = author.post(url)
    material = InspectionMaterial.objects.get()
    assert response["Location"] == reverse("materials:edit", args=[material.pk])


def test_starting_the_groups_material_is_refused_to_a_member_with_a_message(author, attended):
    """Only the principal leader writes for the group: the member goes back to the list, told why."""
    response = author.post(reverse("materials:start", args=[attended.pk]), {"on_behalf_of_group": "1"}, follow=True)
    assert response.redirect_chain == [(reverse("materials:meeting_list", args=[attended.pk]), 302)]
    assert "Only the principal leader writes the material on behalf of the group." in response.content.decode()
    assert not InspectionMaterial.objects.exists()


def test_meeting_materials_list_for_the_secretary(client, attended, member_user, other_member_user, secretary):
    draft = services.material_start(meeting=attended, by=member_user)
    submit(draft, member_user)
    services.material_start(meeting=attended, by=other_member_user)  # a draft: invisible to the secretary
    client.force_login(secretary)
    html = client.get(reverse("materials:meeting_list", args=[attended.pk])).content.decode()
    assert draft.title in html
    assert "Colleague" in html.split("Not submitted yet")[1]
    assert "Personal comparison-inspection material of Colleague" not in html


def _many_materials(meeting, n):
    for _ in range(n):
        member = MemberFactory()
        AttendanceFactory(meeting=meeting, member=member)
        MaterialFactory(meeting=meeting, author=member, status=Status.SUBMITTED)


@pytest.mark.parametrize("n", [5, 40])
def test_list_runs_a_constant_number_of_queries(client, attended, secretary, django_assert_max_num_queries, n):
    _many_materials(attended, n)
    client.force_login(secretary)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("materials:meeting_list", args=[attended.pk]))
    assert response.content.decode().count("material-status-submitted") == n


# ----------------------------------------------------------------------------- reading and review


def test_roles_on_the_reading_page(client, draft, member_user, other_member_user, secretary, other_secretary,
                                   other_member, publisher):  # fmt: skip
    url = draft.get_absolute_url()

    def status(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client.get(url).status_code

    roles = {"author": member_user, "colleague": other_member_user, "secretary": secretary,
             "other_secretary": other_secretary, "other_member": other_member, "publisher": publisher}  # fmt: skip
    assert {name: status(u) for name, u in roles.items()} == {
        "author": 200, "colleague": 404, "secretary": 404, "other_secretary": 404, "other_member": 404,
        "publisher": 404,
    }  # fmt: skip
    assert status(None) == 302
    submit(draft, member_user)
    assert status(secretary) == 200
    assert status(other_member_user) == 404
    services.material_approve(material=draft, by=secretary)
    assert {name: status(u) for name, u in roles.items()} == {
        "author": 200, "colleague": 200, "secretary": 200, "other_secretary": 404, "other_member": 404,
        "publisher": 404,
    }  # fmt: skip


def test_markdown_is_rendered_safely(author, draft, member_user):
    evil = '<script>alert("x")</script>\n\n[click](javascript:alert(1))\n\n<img src=x onerror="alert(2)">\n\n**bold**'
    services.material_save_draft(
        material=draft, by=member_user, version=draft.version,
        text=MaterialText(problems=evil, problem_sections=draft.problem_sections, causes="c", measures="m"),
    )  # fmt: skip
    html = author.get(draft.get_absolute_url()).content.decode()
    body = html.split('class="material-text"')[1]
    assert "<script>alert" not in body
    assert "javascript:" not in body
    assert "onerror" not in body
    assert "<strong>bold</strong>" in body


def test_secretary_reviews_and_marks_a_problem(client, draft, member_user, secretary):
    submit(draft, member_user)
    client.force_login(secretary)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Return with comments" in html
    assert f"{reverse('rectification:problem_create')}?material={draft.pk}" in html

    response = client.post(
        reverse("materials:review", args=[draft.pk]), {"action": "return", "comments": "Name the causes."},
        follow=True,
    )  # fmt: skip
    assert "was returned to" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.RETURNED


def test_author_sees_the_comments_beside_the_text(author, draft, member_user, secretary):
    submit(draft, member_user)
    services.material_return(material=draft, by=secretary, comments="Name the deeper causes.")
    html = author.get(reverse("materials:edit", args=[draft.pk])).content.decode()
    assert "Comments to address" in html
    assert "Name the deeper causes." in html
    detail = author.get(draft.get_absolute_url()).content.decode()
    assert "Mark a problem to rectify" not in detail  # only for secretaries
    assert "Revise" in detail


def test_history_is_shown_to_author_and_reviewer(client, draft, member_user, secretary, other_member_user):
    submit(draft, member_user)
    services.material_approve(material=draft, by=secretary)
    client.force_login(secretary)
    html = client.get(draft.get_absolute_url()).content.decode()
    history = html.split('class="mb-3 material-history"')[1].split("</details>")[0]
    assert "Submitted (revision 1)" in history and "Approved" in history and "Material started" in history
    client.force_login(other_member_user)  # an attendee reads the approved text, not its history
    assert "material-history" not in client.get(draft.get_absolute_url()).content.decode()


def test_while_the_author_revises_the_secretary_reads_the_submitted_text(client, author, draft, member_user,
                                                                         secretary):  # fmt: skip
    submit(draft, member_user, causes="Submitted causes.")
    services.material_return(material=draft, by=secretary, comments="Deeper.")
    draft.refresh_from_db()
    data = form_data(draft, causes="Half-written new causes.")
    author.post(reverse("materials:edit", args=[draft.pk]), data)
    assert "Half-written new causes." in author.get(draft.get_absolute_url()).content.decode()
    client.force_login(secretary)
    html = client.get(draft.get_absolute_url()).content.decode()
    assert "Submitted causes." in html
    assert "Half-written new causes." not in html
    assert "Shown: revision 1" in html


def test_return_without_comments_shows_the_message(client, draft, member_user, secretary):
    submit(draft, member_user)
    client.force_login(secretary)
    response = client.post(reverse("materials:review", args=[draft.pk]), {"action": "return"})
    assert response.status_code == 400
    assert "Write the comments" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_review_refused_to_others(client, draft, member_user, other_secretary):
    submit(draft, member_user)
    url = reverse("materials:review", args=[draft.pk])
    client.force_login(member_user)
    assert client.post(url, {"action": "approve"}).status_code == 403
    client.force_login(other_secretary)
    assert client.post(url, {"action": "approve"}).status_code == 404
    draft.refresh_from_db()
    assert draft.status == Status.SUBMITTED


def test_diff_between_revisions_is_escaped(client, draft, member_user, secretary):
    submit(draft, member_user, causes="Relaxed study.")
    services.material_return(material=draft, by=secretary, comments="More.")
    submit(draft, member_user, causes="Relaxed study <script>alert(1)</script> and weak discipline.")
    client.force_login(secretary)
    response = client.get(reverse("materials:diff", args=[draft.pk]) + "?a=1&b=2")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="diff_add"' in html or 'class="diff_chg"' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)</script>" not in html


def test_diff_with_one_revision(author, draft, member_user):
    submit(draft, member_user)
    html = author.get(reverse("materials:diff", args=[draft.pk])).content.decode()
    assert "only one submitted revision" in html


# ----------------------------------------------------------------------------- files


def test_attachment_is_downloaded_never_shown_inline(author, draft, member_user, client, other_member_user, secretary):
    attachment = services.material_attach(material=draft, by=member_user, file=upload("扫描件.pdf", PDF))
    url = reverse("materials:attachment", args=[attachment.pk])
    response = author.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "%E6%89%AB%E6%8F%8F%E4%BB%B6.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    client.force_login(other_member_user)
    assert client.get(url).status_code == 404
    client.force_login(secretary)
    assert client.get(url).status_code == 404  # a draft's files are the author's alone
    submit(draft, member_user)
    assert client.get(url).status_code == 200


def test_uploaded_files_are_not_under_a_public_url(settings):
    assert str(settings.MEDIA_ROOT) not in str(settings.STATIC_ROOT)
    from django.urls import Resolver404, resolve

    with pytest.raises(Resolver404):
        resolve(settings.MEDIA_URL + "materials/1/1/x.pdf")


def test_a_colleague_of_the_same_meeting_on_every_page(client, draft, member_user, other_member_user):
    """The role the shared URL table has no column for: another attendee of the same meeting."""
    attachment = services.material_attach(material=draft, by=member_user, file=upload("scan.pdf", PDF))
    submit(draft, member_user)
    client.force_login(other_member_user)
    material_pages = ["detail", "edit", "diff"]
    statuses = {
        f"material_{name}": client.get(reverse(f"materials:{name}", args=[draft.pk])).status_code
        for name in material_pages
    }
    statuses["material_attachment"] = client.get(reverse("materials:attachment", args=[attachment.pk])).status_code
    statuses["material_review"] = client.post(
        reverse("materials:review", args=[draft.pk]), {"action": "approve"}
    ).status_code
    for name, url_name in [
        ("meeting_materials", "meeting_list"),
        ("material_start", "start"),
        ("material_export", "export"),
    ]:
        statuses[name] = client.get(reverse(f"materials:{url_name}", args=[draft.meeting_id])).status_code
    assert statuses == {
        "material_detail": 404, "material_edit": 404, "material_diff": 404, "material_attachment": 404,
        "material_review": 404, "meeting_materials": 200, "material_start": 200, "material_export": 404,
    }  # fmt: skip


# ----------------------------------------------------------------------------- review fixes


def test_import_word_keeps_what_the_author_typed_and_says_so(author, draft):
    data = form_data(draft, action="import", causes="My own causes, typed here.", measures="", aspect_1="")
    data["import_file"] = upload("offline.docx", make_docx(SAMPLE_DOCX))
    html = author.post(reverse("materials:edit", args=[draft.pk]), data).content.decode()
    assert ">My own causes, typed here.</textarea>" in html  # not replaced
    assert "Relaxed the tempering of party spirit." not in html
    assert ">Research at the grassroots was sometimes hurried.</textarea>" in html  # the empty box is filled
    assert "Your typed text was kept in: Causes" in html
    editor = author.get(reverse("materials:edit", args=[draft.pk])).content.decode()
    assert 'value="import" data-confirm-if-filled="The editor already has text.' in editor


def test_diff_shows_labelled_sides_without_navigation_columns_and_the_older_comments(
    client, draft, member_user, secretary
):
    submit(draft, member_user, causes="Relaxed study.")
    services.material_return(material=draft, by=secretary, comments="Name the causes in depth.")
    submit(draft, member_user, causes="Relaxed study and weak discipline.")
    client.force_login(secretary)
    html = client.get(reverse("materials:diff", args=[draft.pk]) + "?a=1&b=2").content.decode()
    assert "diff_next" not in html and ">f<" not in html and ">n<" not in html and ">t<" not in html
    revisions = list(draft.revisions.order_by("number"))
    for r in revisions:
        assert f"Revision {r.number} · submitted {timezone.localtime(r.submitted_at):%Y-%m-%d %H:%M}" in html
    assert "Review comments on revision 1" in html
    assert "Name the causes in depth." in html
    table = re.search(r'<table class="diff.*?</table>', html, re.S).group(0)
    assert "## " not in table and "<strong>Causes</strong>" in table


def test_the_materials_page_has_the_meeting_tabs_for_secretaries(client, attended, secretary, member_user):
    client.force_login(secretary)
    html = client.get(reverse("materials:meeting_list", args=[attended.pk])).content.decode()
    assert 'class="meeting-nav' in html
    assert reverse("meetings:attendance", args=[attended.pk]) in html
    client.force_login(member_user)
    html = client.get(reverse("materials:meeting_list", args=[attended.pk])).content.decode()
    assert 'class="meeting-nav' not in html


def test_the_material_breadcrumb_leads_to_the_meeting_page(author, draft):
    html = author.get(draft.get_absolute_url()).content.decode()
    crumbs = re.search(r'<ol class="breadcrumb">(.*?)</ol>', html, re.S).group(1)
    assert f'<a href="{draft.meeting.get_absolute_url()}">{draft.meeting}</a>' in crumbs


def test_the_editor_opens_for_its_writers_and_answers_anyone_else_as_the_read_scope_does(
    client, org, secretary, member_user
):
    """The author and the secretary drafting for a presider without an account open the editor; a reader who
    may not write gets 403, someone who may not read it 404 (a draft is its writer's alone)."""
    from meetings.models import Meeting
    from members.models import Membership
    from tests.factories import MeetingFactory, MembershipFactory, UserFactory

    presider = MemberFactory(name="Hu", user=None)
    MembershipFactory(member=presider, organisation=org, role=Membership.Role.SECRETARY)
    meeting = MeetingFactory(organisation=org, presider=presider, status=Meeting.Status.PREPARING)
    group_material = services.material_draft_for_presider(meeting=meeting, by=secretary)
    own = MaterialFactory(meeting=meeting, author=member_user.member)
    deputy = UserFactory(username="deputy")
    deputy_member = MemberFactory(name="Deputy", user=deputy)
    MembershipFactory(member=deputy_member, organisation=org, role=Membership.Role.DEPUTY_SECRETARY)

    def status(user, material):
        client.force_login(user)
        return client.get(reverse("materials:edit", args=[material.pk])).status_code

    assert status(secretary, group_material) == 200
    assert status(member_user, own) == 200
    assert status(deputy, group_material) == 404  # a draft: its drafter's alone
    assert status(member_user, group_material) == 404
    assert status(secretary, own) == 404
    group_material.status = InspectionMaterial.Status.SUBMITTED
    group_material.save()
    assert status(deputy, group_material) == 403  # read to review, not to write
