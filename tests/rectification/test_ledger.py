"""The ledger page, its summary and chart, its filters, the .xlsx export and the print view."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from rectification.models import Problem, RectificationItem
from tests.factories import ItemFactory, PlanFactory

S = RectificationItem.Status
pytestmark = pytest.mark.django_db
LEDGER = reverse("rectification:ledger")
EXPORT = reverse("rectification:ledger_export")


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def _workbook(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_secretary_sees_own_organisation_only(client, secretary, item, other_item):
    client.force_login(secretary)
    response = client.get(LEDGER)
    body = response.content.decode()
    assert item.measure in body
    assert other_item.measure not in body
    assert response.context["summary"]["total"] == 1


def test_member_sees_only_the_items_they_are_responsible_for(client, member_user, plan, item, other_member_user):
    colleague_item = ItemFactory(
        plan=plan, measure="The colleague's measure", responsible_member=other_member_user.member
    )
    client.force_login(member_user)
    body = client.get(LEDGER).content.decode()
    assert item.measure in body and colleague_item.measure not in body


def test_other_secretary_gets_no_counts_of_ours(client, other_secretary, item, other_item):
    client.force_login(other_secretary)
    response = client.get(LEDGER)
    assert response.context["summary"]["total"] == 1
    assert [bar["name"] for bar in response.context["chart"]["bars"]] == [other_item.plan.organisation.name]


def test_filters_status_overdue_source_and_responsible(client, secretary, plan, item, other_member_user):
    past = datetime.date.today() - datetime.timedelta(days=5)
    late = ItemFactory(
        plan=plan,
        measure="Late measure",
        deadline=past,
        status=S.IN_PROGRESS,
        responsible_member=other_member_user.member,
    )
    late.problem.source = Problem.Source.CRITICISM
    late.problem.save()
    client.force_login(secretary)

    def measures(query):
        return {i.measure for i in client.get(f"{LEDGER}?{query}").context["items"]}

    assert measures("overdue=1") == {"Late measure"}
    assert measures("status=open") == {item.measure}
    assert measures("source=criticism") == {"Late measure"}
    assert measures(f"responsible={other_member_user.member.pk}") == {"Late measure"}
    assert measures(f"organisation={plan.organisation_id}") == {item.measure, "Late measure"}
    body = client.get(f"{LEDGER}?overdue=1").content.decode()
    assert "5 days overdue" in body and "text-danger" in body


def test_sorting_and_pagination(client, secretary, plan):
    for n in range(55):
        ItemFactory(
            plan=plan,
            number=n + 1,
            measure=f"Measure {n:02d}",
            deadline=datetime.date(2023, 3, 1) + datetime.timedelta(days=n),
        )
    client.force_login(secretary)
    page1 = client.get(f"{LEDGER}?sort=-deadline")
    assert page1.context["items"][0].measure == "Measure 54"
    assert page1.context["page_obj"].paginator.num_pages == 2
    page2 = client.get(f"{LEDGER}?sort=-deadline&page=2")
    assert [i.measure for i in page2.context["items"]] == [
        "Measure 04",
        "Measure 03",
        "Measure 02",
        "Measure 01",
        "Measure 00",
    ]
    assert "sort=-deadline&page=2" in page1.content.decode()


def test_summary_counts_rate_days_and_reopened(client, secretary, plan):
    held = plan.meeting.held_on
    ItemFactory(
        plan=plan,
        status=S.VERIFIED,
        deadline=held + datetime.timedelta(days=30),
        completed_on=held + datetime.timedelta(days=10),
    )
    ItemFactory(
        plan=plan,
        status=S.VERIFIED,
        deadline=held + datetime.timedelta(days=30),
        completed_on=held + datetime.timedelta(days=40),
        reopened_count=1,
    )
    ItemFactory(plan=plan, status=S.IN_PROGRESS, deadline=datetime.date.today() - datetime.timedelta(days=1))
    ItemFactory(plan=plan, status=S.OPEN, deadline=datetime.date.today() + datetime.timedelta(days=9))
    client.force_login(secretary)
    response = client.get(LEDGER)
    summary = response.context["summary"]
    counts = {s["value"]: s["count"] for s in summary["by_status"]}
    assert counts[S.VERIFIED] == 2 and counts[S.IN_PROGRESS] == 1 and counts[S.OPEN] == 1
    assert summary["overdue"] == 1
    # Due or verified: two verified and one overdue; on time: the one verified before its deadline.
    assert summary["on_time_rate"] == 33.3
    assert summary["avg_days_to_close"] == 25.0
    assert summary["reopened"] == 1
    bar = response.context["chart"]["bars"][0]
    assert (bar["verified"], bar["total"], bar["percent"]) == (2, 4, 50)
    body = response.content.decode()
    assert "<svg" in body and "50% (2/4)" in body
    assert "<script" not in body.split("<footer")[0].split("</nav>", 1)[1]


def _items(plan, count):
    for n in range(count):
        ItemFactory(plan=plan, number=n + 1, status=[S.OPEN, S.IN_PROGRESS, S.VERIFIED][n % 3])


def test_ledger_runs_a_constant_number_of_queries(client, secretary, plan, meeting, settings):
    settings.PRIVATE_PAGE_CACHE = False  # the view's own queries (tests/perf counts the page cache's)
    client.force_login(secretary)
    _items(plan, 5)
    few = _queries(client, LEDGER)
    _items(PlanFactory(meeting__organisation=plan.organisation), 45)
    many = _queries(client, LEDGER)
    assert few == many
    assert many <= 15  # with the supervised plans' ids


def test_export_runs_a_constant_number_of_queries(client, secretary, plan):
    client.force_login(secretary)
    _items(plan, 5)
    few = _queries(client, EXPORT)
    _items(PlanFactory(meeting__organisation=plan.organisation), 45)
    many = _queries(client, EXPORT)
    assert few == many
    assert many <= 8  # one of them the organisations' names, for the column's width; one the supervised plans


def test_export_is_a_spreadsheet_of_what_the_filters_show(client, secretary, plan, item, other_item):
    ItemFactory(plan=plan, measure='=HYPERLINK("http://evil")', status=S.VERIFIED)
    ItemFactory(plan=plan, measure="-2+3", status=S.VERIFIED)
    ItemFactory(plan=plan, measure="@SUM(A1)", status=S.VERIFIED)
    client.force_login(secretary)
    response = client.get(EXPORT)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith("attachment;")
    ws = _workbook(response).active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[:3] == ["No.", "Organisation", "Meeting"] and "Deadline" in header
    assert ws.column_dimensions["G"].width == 36
    measure_col = header.index("Measure")
    measures = {row[measure_col].value: row[measure_col] for row in ws.iter_rows(min_row=2)}
    assert other_item.measure not in measures
    assert set(measures) == {item.measure, '=HYPERLINK("http://evil")', "-2+3", "@SUM(A1)"}
    for text in ('=HYPERLINK("http://evil")', "-2+3", "@SUM(A1)"):
        assert measures[text].data_type == "s"
    assert measures[item.measure].alignment.wrap_text
    deadline_cell = ws.cell(row=2, column=header.index("Deadline") + 1)
    assert deadline_cell.is_date and isinstance(deadline_cell.value, datetime.datetime)

    filtered = _workbook(client.get(f"{EXPORT}?status=open")).active
    assert [r[measure_col].value for r in filtered.iter_rows(min_row=2)] == [item.measure]


def test_member_export_holds_only_their_items(client, member_user, plan, item, other_member_user):
    ItemFactory(plan=plan, measure="Not mine", responsible_member=other_member_user.member)
    client.force_login(member_user)
    ws = _workbook(client.get(EXPORT)).active
    assert [r[6].value for r in ws.iter_rows(min_row=2)] == [item.measure]


def test_print_view_lists_the_filtered_items(client, secretary, item, other_item):
    client.force_login(secretary)
    body = client.get(reverse("rectification:ledger_print")).content.decode()
    assert item.measure in body and other_item.measure not in body
    assert "/static/css/ledger-print.css" in body  # A4 landscape (its @page rule)


def test_summary_follows_changes_at_once(client, secretary, plan, item):
    from rectification import services

    client.force_login(secretary)
    assert client.get(LEDGER).context["summary"]["verified"] == 0
    RectificationItem.objects.filter(pk=item.pk).update(status=S.DONE)
    services.item_verify(item=item, by=secretary, confirmed=True)
    response = client.get(LEDGER)
    assert response.context["summary"]["verified"] == 1
    assert response.context["chart"]["bars"][0]["percent"] == 100


def test_untitled_meetings_read_as_their_display_title_in_the_filter_and_the_export(client, secretary, item):
    meeting = item.plan.meeting
    assert meeting.title == "" and meeting.display_title == "2022 democratic life meeting"
    client.force_login(secretary)
    options = dict(client.get(LEDGER).context["options"]["meetings"])
    assert options[meeting.pk].startswith("2022 democratic life meeting · ")
    ws = _workbook(client.get(EXPORT)).active
    header = [c.value for c in ws[1]]
    assert [row[header.index("Meeting")].value for row in ws.iter_rows(min_row=2)] == ["2022 democratic life meeting"]


def test_on_time_rate_counts_overdue_items_as_late_and_says_what_it_means(client, secretary, plan):
    today = datetime.date.today()
    for n in range(4):
        ItemFactory(plan=plan, status=S.OPEN, deadline=today - datetime.timedelta(days=n + 1))
    ItemFactory(
        plan=plan, status=S.VERIFIED, deadline=today - datetime.timedelta(days=3), completed_on=plan.meeting.held_on
    )
    # Not yet due, cancelled, or without a deadline: not counted either way.
    ItemFactory(plan=plan, status=S.IN_PROGRESS, deadline=today + datetime.timedelta(days=9))
    ItemFactory(plan=plan, status=S.CANCELLED, deadline=today - datetime.timedelta(days=9))
    ItemFactory(plan=plan, status=S.OPEN, type=RectificationItem.Type.LONG_TERM, deadline=None)
    client.force_login(secretary)
    response = client.get(LEDGER)
    summary = response.context["summary"]
    assert summary["overdue"] == 4
    assert (summary["on_time_rate"], summary["on_time"], summary["due"]) == (20.0, 1, 5)
    body = response.content.decode()
    assert "20.0% <span" in body and "(1 of 5)" in body
    assert "Overdue items count as late" in body and 'title="Of the items whose deadline has passed' in body


def test_ledger_rows_name_the_meeting_with_the_number_and_the_percent_beside_the_bar(client, secretary, item):
    RectificationItem.objects.filter(pk=item.pk).update(progress_percent=30, status=S.IN_PROGRESS)
    client.force_login(secretary)
    body = client.get(LEDGER).content.decode()
    row = body.split('class="ledger-row', 1)[1].split("</tr>", 1)[0]
    assert "2022 democratic life meeting</a> · No. 1" in row
    assert f'href="{LEDGER}?meeting={item.plan.meeting_id}"' in row
    assert '<span class="progress-label small text-nowrap">30%</span>' in row
    assert ' pct-30"></div>' in row  # the bar itself carries no text to spill
    thead = body.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert ">No.<" not in thead


def test_chart_wraps_long_names_prefers_short_names_and_keeps_the_full_name_in_a_tooltip(client, secretary, plan):
    organisation = plan.organisation
    organisation.name = "Party Group of the Municipal Bureau of Housing, Urban and Rural Development"
    organisation.save()
    ItemFactory(plan=plan)
    client.force_login(secretary)
    response = client.get(LEDGER)
    lines = [line["text"] for line in response.context["chart"]["bars"][0]["lines"]]
    assert lines == ["Party Group of the Municipal Bureau of", "Housing, Urban and Rural Development"]
    body = response.content.decode()
    assert "<title>Party Group of the Municipal Bureau of Housing, Urban and Rural Development: 0 / 1" in body
    assert ">Housing, Urban and Rural Development</tspan>" in body
    organisation.short_name = "Housing Bureau"
    organisation.save()
    RectificationItem.objects.filter(plan=plan).update(progress_percent=5)  # any change refreshes the chart
    ItemFactory(plan=plan)
    assert [line["text"] for line in client.get(LEDGER).context["chart"]["bars"][0]["lines"]] == ["Housing Bureau"]


def test_wrap_label_breaks_chinese_names_and_ends_what_does_not_fit_with_an_ellipsis():
    from rectification.charts import wrap_label

    assert wrap_label("市住房和城乡建设局党组") == ["市住房和城乡建设局党组"]
    name = "中共某某市住房和城乡建设局机关委员会第一党支部委员会全体党员大会暨组织生活会筹备工作小组"
    lines = wrap_label(name)
    assert len(lines) == 2 and lines[0] == name[:20] and lines[1] == name[20:39] + "…"
    assert wrap_label("Short") == ["Short"]


def test_each_ledger_row_labels_its_cells_and_its_progress_bar(client, secretary, plan):
    """The words every row repeats are made once for the page; each row still carries them (the stacked
    table on a phone shows the data-labels; a screen reader names the progress bar and reads its value)."""
    ItemFactory(plan=plan, number=1, status=RectificationItem.Status.IN_PROGRESS, progress_percent=40)
    ItemFactory(plan=plan, number=2, status=RectificationItem.Status.OPEN, progress_percent=0, problem=None)
    client.force_login(secretary)
    body = client.get(LEDGER).content.decode()
    rows = body.split('<tr class="ledger-row')[1:]
    assert len(rows) == 2
    for row in rows:
        for label in ("Organisation / meeting · No.", "Source", "Responsible", "Deadline", "Status", "Progress"):
            assert f'data-label="{label}"' in row, label
        assert 'role="progressbar" aria-label="Progress"' in row
        assert f'href="{reverse("rectification:ledger")}?meeting={plan.meeting_id}"' in row
    assert 'aria-valuenow="40"' in body and 'aria-valuenow="0"' in body
    assert "added by hand" in rows[1] or "added by hand" in rows[0]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_ledgers_written_out_progress_bar_is_the_one_item_and_plan_pages_draw(client, secretary, plan, language):
    """ledger.html writes rectification/includes/progress_bar.html out in each row (cheaper than an include):
    each state's colour, width and label must stay what the progress_bar tag draws elsewhere."""
    import re

    from django.template import Context, Template
    from django.utils import translation

    states = [(S.IN_PROGRESS, 40), (S.DONE, 100), (S.VERIFIED, 100), (S.CANCELLED, 10), (S.OPEN, None)]
    items = [ItemFactory(plan=plan, number=n, status=s, progress_percent=p or 0) for n, (s, p) in enumerate(states, 1)]
    client.force_login(secretary)
    body = client.get(LEDGER, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    tag = Template("{% load rectification_tags %}{% progress_bar item %}")

    def squeezed(html):
        return re.sub(r"\s+", " ", html).strip()

    rows = squeezed(body)
    for item in items:
        with translation.override(language):
            bar = squeezed(tag.render(Context({"item": item})))
        assert bar in rows, (item.status, bar)
