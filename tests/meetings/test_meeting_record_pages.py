"""What a new user ran into on the meeting pages, and what they see now."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.ical import feed_token
from meetings.models import Attendance, CriticismRecord, HeartToHeartTalk, Meeting, SolicitedOpinion
from tests.factories import AttendanceFactory, CriticismFactory, KeyPointFactory, MeetingFactory, SpeechFactory

from .helpers import add_members

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + datetime.timedelta(days=7)


def _records(org):
    """A meeting with a criticism, a solicited opinion and a heart-to-heart talk."""
    a, b = add_members(org, 2)
    meeting = MeetingFactory(organisation=org)
    criticism = CriticismFactory(meeting=meeting, from_member=a, to_member=b, content="Too few visits.")
    opinion = SolicitedOpinion.objects.create(meeting=meeting, source="Unit 7", content="Slow replies.")
    talk = HeartToHeartTalk.objects.create(meeting=meeting, member_a=a, member_b=b, summary="Talked frankly.")
    return meeting, criticism, opinion, talk


def _problem_url(kind, pk):
    return f"{reverse('rectification:problem_create')}?{kind}={pk}"


# --- 1. a problem can be raised from a criticism, an opinion or a talk ------------------------------------


def test_a_secretary_marks_criticisms_opinions_and_talks_as_problems(client, org, secretary):
    meeting, criticism, opinion, talk = _records(org)
    client.force_login(secretary)
    criticism_page = client.get(reverse("meetings:criticism", args=[meeting.pk])).content.decode()
    assert _problem_url("criticism", criticism.pk) in criticism_page
    assert "Mark as a problem to rectify" in criticism_page
    preparation = client.get(reverse("meetings:preparation", args=[meeting.pk])).content.decode()
    assert _problem_url("opinion", opinion.pk) in preparation
    assert _problem_url("talk", talk.pk) in preparation
    # the link opens the rectification page with the record as the source
    assert client.get(_problem_url("criticism", criticism.pk)).status_code == 200


def test_the_minutes_offer_the_links_to_secretaries_only(client, org, secretary, member_user):
    meeting, criticism, opinion, talk = _records(org)
    meeting.agenda_items.create(kind="solicited_opinions", title="Opinions", order=1)
    AttendanceFactory(meeting=meeting, member=member_user.member)
    client.force_login(secretary)
    minutes = client.get(meeting.get_absolute_url()).content.decode()
    for kind, pk in (("criticism", criticism.pk), ("opinion", opinion.pk), ("talk", talk.pk)):
        assert _problem_url(kind, pk) in minutes
    printed = client.get(reverse("meetings:print", args=[meeting.pk])).content.decode()
    assert "Mark as a problem to rectify" not in printed
    client.force_login(member_user)
    minutes = client.get(meeting.get_absolute_url()).content.decode()
    assert "Too few visits." in minutes
    assert "Mark as a problem to rectify" not in minutes


# --- 2. removing asks first; the add form comes first ---------------------------------------------------


def test_remove_buttons_ask_for_confirmation_and_come_after_the_add_form(client, org, secretary):
    meeting, criticism, opinion, talk = _records(org)
    item = meeting.agenda_items.create(kind="other", title="Any other business", order=1)
    speech = SpeechFactory(meeting=meeting, title="Opening speech")
    client.force_login(secretary)
    page = client.get(reverse("meetings:criticism", args=[meeting.pk])).content.decode()
    assert 'src="/static/js/site.js"' in page
    remove = re.search(r'<button[^>]*data-confirm="([^"]+)"[^>]*>Remove</button>', page)
    assert remove and "cannot be undone" in remove.group(1)
    assert page.index("Record an entry") < page.index("Too few visits.")
    preparation = client.get(reverse("meetings:preparation", args=[meeting.pk])).content.decode()
    assert preparation.count("data-confirm=") == 2  # the opinion and the talk
    assert preparation.index("Record the opinion") < preparation.index("Slow replies.")
    agenda = client.get(reverse("meetings:agenda", args=[meeting.pk])).content.decode()
    assert 'data-confirm="Remove this agenda item?' in agenda and item.title in agenda
    speech_page = client.get(reverse("meetings:speech_edit", args=[meeting.pk, speech.pk])).content.decode()
    assert 'data-confirm="Remove this speech' in speech_page
    assert speech_page.index("Save the speech") < speech_page.index("Remove this speech")


def test_the_confirmation_script_is_served():
    script = (Path(django_settings.BASE_DIR) / "static" / "js" / "site.js").read_text()
    assert "data-confirm" in script and "confirm(" in script and "preventDefault" in script


# --- 3. a criticism needs its speaker present ------------------------------------------------------------


def test_a_criticism_from_an_absent_member_is_refused_with_a_clear_message(client, org, secretary):
    present, absent, on_leave = add_members(org, 3)
    meeting = MeetingFactory(organisation=org)
    AttendanceFactory(meeting=meeting, member=present, status=Attendance.Status.PRESENT)
    AttendanceFactory(meeting=meeting, member=absent, status=Attendance.Status.ABSENT, reason="Ill")
    AttendanceFactory(meeting=meeting, member=on_leave, status=Attendance.Status.ON_LEAVE, reason="Trip")
    with pytest.raises(ValidationError, match="marked on leave on the attendance sheet"):
        services.criticism_create(meeting=meeting, by=secretary, data={"from_member": on_leave, "content": "x"})
    client.force_login(secretary)
    url = reverse("meetings:criticism", args=[meeting.pk])
    response = client.post(url, {"from_member": absent.pk, "to_member": present.pk, "content": "Typed text kept."})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"{absent.name} is marked absent on the attendance sheet" in body
    assert "Typed text kept." in body
    assert not CriticismRecord.objects.filter(meeting=meeting).exists()
    # the person criticised may be absent; only the speaker must be present
    client.post(url, {"from_member": present.pk, "to_member": absent.pk, "content": "Fine."})
    assert CriticismRecord.objects.filter(meeting=meeting, from_member=present).count() == 1


def test_without_an_attendance_sheet_any_member_may_be_recorded(org, secretary):
    (member,) = add_members(org, 1)
    meeting = MeetingFactory(organisation=org)
    record = services.criticism_create(meeting=meeting, by=secretary, data={"from_member": member, "content": "x"})
    assert record.pk


# --- 4. a closed meeting is shown read-only ---------------------------------------------------------------


def test_a_closed_meeting_shows_its_records_read_only(client, org, secretary):
    meeting, criticism, opinion, talk = _records(org)
    AttendanceFactory(meeting=meeting, member=criticism.from_member, status=Attendance.Status.PRESENT)
    speech = SpeechFactory(meeting=meeting, title="Concluding words")
    Meeting.objects.filter(pk=meeting.pk).update(status=Meeting.Status.CLOSED)
    client.force_login(secretary)
    pages = {
        "attendance": reverse("meetings:attendance", args=[meeting.pk]),
        "criticism": reverse("meetings:criticism", args=[meeting.pk]),
        "preparation": reverse("meetings:preparation", args=[meeting.pk]),
        "agenda": reverse("meetings:agenda", args=[meeting.pk]),
        "speech": reverse("meetings:speech_create", args=[meeting.pk]),
        "edit": reverse("meetings:edit", args=[meeting.pk]),
    }
    for name, url in pages.items():
        body = client.get(url).content.decode()
        assert "This meeting is closed" in body, name
        assert "<textarea" not in body and "<select" not in body.split("</nav>", 2)[-1], name
    attendance = client.get(pages["attendance"]).content.decode()
    assert criticism.from_member.name in attendance and "present" in attendance
    assert "Too few visits." in client.get(pages["criticism"]).content.decode()
    assert "Concluding words" in client.get(pages["speech"]).content.decode()
    assert speech.pk
    # a stale form posted anyway changes nothing and says why
    response = client.post(pages["attendance"], {}, follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert meeting.attendances.get().status == Attendance.Status.PRESENT


# --- 5. calendars link to where the site is served, in the user's language -------------------------------


def _events(response):
    return list(Calendar.from_ical(response.content).walk("VEVENT"))


def test_the_calendar_file_links_to_the_host_it_was_fetched_from(client, org, secretary, settings):
    settings.ALLOWED_HOSTS = ["records.example.org"]
    meeting = MeetingFactory(organisation=org, held_on=SOON)
    client.force_login(secretary)
    response = client.get(reverse("meetings:calendar", args=[meeting.pk]), HTTP_HOST="records.example.org")
    (event,) = _events(response)
    assert str(event["URL"]) == f"http://records.example.org/meetings/{meeting.pk}/"
    assert str(event["UID"]) == f"meeting-{meeting.pk}@records.example.org"
    assert b"127.0.0.1:8000" not in response.content


def test_the_feed_speaks_the_language_of_the_user_who_copied_it(client, org, member_user, settings):
    settings.ALLOWED_HOSTS = ["records.example.org", "testserver"]
    meeting = MeetingFactory(
        organisation=org, title="", kind=Meeting.Kind.SPECIAL_DEMOCRATIC_LIFE, year=2024, held_on=SOON
    )
    AttendanceFactory(meeting=meeting, member=member_user.member)
    client.force_login(member_user)
    listing = client.get(reverse("meetings:list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    feed_url = reverse("meetings:feed", args=[feed_token(member_user)])
    assert f"{feed_url}?lang=en" in listing
    client.logout()
    # a calendar app sends no cookie; the server's default language is Chinese
    english = client.get(f"{feed_url}?lang=en", HTTP_HOST="records.example.org")
    (event,) = _events(english)
    assert str(event["SUMMARY"]) == str(meeting.display_title) and "2024" in str(event["SUMMARY"])
    assert re.search(r"[a-z]", str(event["SUMMARY"]))
    assert str(event["URL"]).startswith("http://records.example.org/")
    chinese = client.get(f"{feed_url}?lang=zh-hans")
    (event,) = _events(chinese)
    assert re.search(r"[\u4e00-\u9fff]", str(event["SUMMARY"]))


# --- 6. the speeches tab lists the speeches ---------------------------------------------------------------


def test_the_speeches_tab_lists_the_recorded_speeches_above_the_form(client, org, secretary):
    meeting = MeetingFactory(organisation=org)
    first = SpeechFactory(meeting=meeting, title="Opening speech")
    second = SpeechFactory(meeting=meeting, title="Report on rectification")
    client.force_login(secretary)
    body = client.get(reverse("meetings:speech_create", args=[meeting.pk])).content.decode()
    assert "Speeches recorded" in body
    for speech in (first, second):
        assert reverse("meetings:speech_edit", args=[meeting.pk, speech.pk]) in body
        assert body.index(speech.title) < body.index("Record a speech</h2>")
    empty = MeetingFactory(organisation=org)
    assert "No speech recorded yet." in client.get(reverse("meetings:speech_create", args=[empty.pk])).content.decode()


# --- 9. the year input is bounded in the browser; 10. the printed footer flows --------------------------------


def test_the_year_input_is_bounded_in_the_browser(client, org, secretary):
    client.force_login(secretary)
    body = client.get(reverse("meetings:create")).content.decode()
    year_input = re.search(r'<input[^>]*name="year"[^>]*>', body).group(0)
    assert 'min="1921"' in year_input and 'max="2200"' in year_input


def test_the_print_footer_flows_after_the_minutes(client, meeting, secretary):
    client.force_login(secretary)
    body = client.get(reverse("meetings:print", args=[meeting.pk])).content.decode()
    assert body.index("</article>") < body.index('class="print-footer')
    css = (Path(django_settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    rules = re.findall(r"\.print-footer\s*\{([^}]*)\}", css)
    assert rules and all("fixed" not in rule for rule in rules)


def test_the_minutes_do_not_number_key_points_that_carry_their_own_numbers(client, meeting, secretary):
    """ "一要…, 二要…" printed inside an <ol> read "1. 一要…": such points are listed as written."""
    own = SpeechFactory(meeting=meeting, title="总结讲话")
    for order, text in enumerate(["一要提高政治站位。", "二要狠抓整改落实。"], start=1):
        KeyPointFactory(speech=own, order=order, text=text)
    plain = SpeechFactory(meeting=meeting, title="表态发言")
    for order, text in enumerate(["提高政治站位。", "狠抓整改落实。"], start=1):
        KeyPointFactory(speech=plain, order=order, text=text)
    client.force_login(secretary)
    body = client.get(reverse("meetings:print", args=[meeting.pk])).content.decode()
    assert re.search(r'<ul class="key-points[^"]*">\s*<li class="key-point">一要提高政治站位。', body)
    assert re.search(r'<ol class="key-points">\s*<li class="key-point">提高政治站位。', body)


# --- the record's per-row links (written out in the minutes, one include per list of speeches) ----------------


def test_the_record_offers_each_opinion_talk_and_criticism_as_a_problem_to_its_secretary_only(client, org, secretary):
    from .helpers import filled_meeting

    meeting, _members = filled_meeting(org, 4, status=Meeting.Status.HELD)
    client.force_login(secretary)
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    problem_url = reverse("rectification:problem_create")
    for source, rows in (
        ("opinion", meeting.opinions.all()),
        ("talk", meeting.talks.all()),
        ("criticism", meeting.criticisms.all()),
    ):
        for row in rows:
            assert f'href="{problem_url}?{source}={row.pk}"' in body, (source, row.pk)
    assert body.count("Mark as a problem to rectify") == 12
    # Each speech, in its agenda item or on its own, can be edited while the meeting is open.
    for speech in meeting.speeches.all():
        assert f'href="{reverse("meetings:speech_edit", args=[meeting.pk, speech.pk])}"' in body
    assert body.count('class="key-point"') == 4 + 3 * 1
    # The print view is the minutes without any of these links.
    printed = client.get(reverse("meetings:print", args=[meeting.pk])).content.decode()
    assert "problem-link" not in printed and "/speeches/" not in printed
    assert printed.count('class="key-point"') == 4 + 3 * 1


def test_a_closed_record_keeps_its_problem_links_and_drops_the_speech_edit_links(client, org, secretary):
    from .helpers import filled_meeting

    meeting, _members = filled_meeting(org, 2, status=Meeting.Status.CLOSED)
    client.force_login(secretary)
    body = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert body.count("Mark as a problem to rectify") == 6
    for speech in meeting.speeches.all():
        assert reverse("meetings:speech_edit", args=[meeting.pk, speech.pk]) not in body


def test_the_chinese_minutes_write_the_dates_and_summaries_of_the_preparation_in_chinese_punctuation(
    client, org, secretary
):
    from meetings.models import PreparationActivity

    meeting, _criticism, _opinion, talk = _records(org)
    talk.date = datetime.date(2026, 3, 2)
    talk.save()
    PreparationActivity.objects.create(
        meeting=meeting, title="学习党章", date=datetime.date(2026, 3, 1), summary="通读全文"
    )
    PreparationActivity.objects.create(
        meeting=meeting,
        kind=PreparationActivity.Kind.OTHER,
        title="走访",
        date=datetime.date(2026, 3, 3),
        summary="听取意见",
    )
    client.force_login(secretary)
    body = client.get(reverse("meetings:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "学习党章（2026-03-01）：通读全文" in body
    assert "走访（2026-03-03）：听取意见" in body
    assert "（2026-03-02）：Talked frankly." in body


def test_the_records_written_out_problem_links_are_the_ones_the_record_pages_include(client, org, secretary):
    """meeting_minutes.html writes meetings/includes/meeting_problem_link.html out for each opinion, talk and
    criticism (cheaper than an include per row): each link must stay what the criticism and preparation pages
    include, in English and in Chinese."""
    from django.template.loader import render_to_string
    from django.utils import translation

    from .helpers import filled_meeting

    meeting, _members = filled_meeting(org, 3, status=Meeting.Status.HELD)
    client.force_login(secretary)
    for language in ("en", "zh-hans"):
        body = client.get(reverse("meetings:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE=language)
        body = re.sub(r"\s+", " ", body.content.decode())
        for source, rows in (
            ("opinion", meeting.opinions.all()),
            ("talk", meeting.talks.all()),
            ("criticism", meeting.criticisms.all()),
        ):
            assert rows
            for row in rows:
                with translation.override(language):
                    link = render_to_string(
                        "meetings/includes/meeting_problem_link.html", {"source": source, "record_pk": row.pk}
                    )
                assert re.sub(r"\s+", " ", link).strip() in body, (language, source, row.pk)
