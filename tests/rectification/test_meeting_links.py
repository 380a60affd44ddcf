"""From a meeting to its rectification: the ledger filtered by a meeting and the {% rectification_links %} tag."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ItemFactory, MeetingFactory

pytestmark = pytest.mark.django_db
LEDGER = reverse("rectification:ledger")
PROBLEM_NEW = reverse("rectification:problem_create")


def _header(response):
    body = response.content.decode()
    if 'class="card mb-3 ledger-meeting"' not in body:
        return ""
    return body.split('class="card mb-3 ledger-meeting"', 1)[1].split("</section>", 1)[0]


def test_ledger_of_a_meeting_links_to_its_plan_a_new_problem_and_the_meeting(client, secretary, meeting, item):
    client.force_login(secretary)
    header = _header(client.get(f"{LEDGER}?meeting={meeting.pk}"))
    assert "2022 democratic life meeting" in header
    assert f'href="{item.plan.get_absolute_url()}"' in header and "Rectification plan" in header
    assert f'href="{PROBLEM_NEW}?meeting={meeting.pk}"' in header and "Record a problem" in header
    assert f'href="{meeting.get_absolute_url()}"' in header and "Back to the meeting" in header
    # Without the meeting filter there is no such header.
    assert _header(client.get(LEDGER)) == ""


def test_a_meeting_without_a_plan_offers_the_secretary_to_start_it(client, secretary, meeting):
    client.force_login(secretary)
    header = _header(client.get(f"{LEDGER}?meeting={meeting.pk}"))
    assert "Start the plan" in header and f'href="{PROBLEM_NEW}?meeting={meeting.pk}"' in header
    assert "Rectification plan" not in header
    # Following it, the problem form has the meeting chosen already.
    response = client.get(f"{PROBLEM_NEW}?meeting={meeting.pk}")
    assert f'<option value="{meeting.pk}" selected>' in response.content.decode()


def test_the_responsible_member_gets_the_plan_but_no_problem_button(client, member_user, meeting, item):
    client.force_login(member_user)
    header = _header(client.get(f"{LEDGER}?meeting={meeting.pk}"))
    assert f'href="{item.plan.get_absolute_url()}"' in header
    assert PROBLEM_NEW not in header and "Start the plan" not in header
    assert client.get(item.plan.get_absolute_url()).status_code == 200


def test_another_organisation_gets_no_header_for_our_meeting(client, other_secretary, meeting, item):
    client.force_login(other_secretary)
    response = client.get(f"{LEDGER}?meeting={meeting.pk}")
    assert _header(response) == ""
    assert item.plan.get_absolute_url() not in response.content.decode()


def test_ledger_of_a_meeting_runs_a_constant_number_of_queries(client, secretary, item):
    client.force_login(secretary)
    url = f"{LEDGER}?meeting={item.plan.meeting_id}"

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(30):
        ItemFactory(plan=item.plan, number=n + 2)
    assert count() == few


def _links(user, meeting):
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load rectification_tags %}{% rectification_links meeting %}")
    with CaptureQueriesContext(connection) as ctx:
        html = template.render(Context({"meeting": meeting, "request": request}))
    return html, len(ctx.captured_queries)


def test_rectification_links_tag_shows_only_what_the_user_may_do(
    secretary, member_user, other_secretary, meeting, item
):
    plan_url = item.plan.get_absolute_url()
    html, _n = _links(secretary, meeting)
    assert plan_url in html and f"{PROBLEM_NEW}?meeting={meeting.pk}" in html
    assert f"{LEDGER}?meeting={meeting.pk}" in html and "Ledger of this meeting" in html
    html, _n = _links(member_user, meeting)
    assert plan_url in html and f"{LEDGER}?meeting={meeting.pk}" in html and PROBLEM_NEW not in html
    html, _n = _links(other_secretary, meeting)
    assert plan_url not in html and PROBLEM_NEW not in html and LEDGER not in html
    html, _n = _links(secretary, MeetingFactory(organisation=meeting.organisation, year=2023))
    assert "Start the plan" in html and "Ledger of this meeting" not in html


def test_rectification_links_tag_runs_a_constant_number_of_queries(secretary, meeting, item):
    _html, few = _links(secretary, meeting)
    for n in range(30):
        ItemFactory(plan=item.plan, number=n + 2)
    secretary = type(secretary).objects.get(pk=secretary.pk)  # a fresh request: no roles cached
    _html, many = _links(secretary, meeting)
    assert many == few <= 3
