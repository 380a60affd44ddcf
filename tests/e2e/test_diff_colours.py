"""The revision diff shows its colours: Bootstrap's table rule painted every cell white over them."""

from django.urls import reverse
from playwright.sync_api import expect

from materials import services
from tests.materials.conftest import attended_fixture  # noqa: F401  (the meeting, attended)
from tests.materials.samples import ASPECTS


def _text(causes: str) -> services.MaterialText:
    return services.MaterialText(
        title="",
        problem_sections=[{"aspect": ASPECTS[1], "text": "- Research was hurried."}],
        problems="",
        causes=causes,
        measures="1. Study more.\n2. Go to the grassroots.",
    )


def _background(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("el => getComputedStyle(el).backgroundColor")


def test_changed_added_and_removed_lines_are_coloured(
    attended, member_user, secretary, page, live_server, login, screenshot
):
    material = services.material_start(meeting=attended, by=member_user)
    material = services.material_submit(
        material=material, by=member_user, text=_text("Relaxed study.\nOld habit."), version=material.version
    )
    material = services.material_return(material=material, by=secretary, comments="Go deeper.")
    text = _text("Relaxed study and weak discipline.")
    text.measures += "\n3. Report every quarter."
    services.material_submit(material=material, by=member_user, text=text, version=material.version)

    login("secretary", "pw-for-tests-1")
    page.goto(live_server.url + reverse("materials:diff", args=[material.pk]) + "?a=1&b=2")
    expect(page.locator("table.diff td.diff_chg").first).to_be_visible()
    assert _background(page, "table.diff td.diff_chg") == "rgb(255, 243, 205)"
    assert _background(page, "table.diff td.diff_add") == "rgb(209, 231, 221)"
    assert _background(page, "table.diff td.diff_sub") == "rgb(248, 215, 218)"
    assert _background(page, "table.diff td.diff_empty") == "rgb(248, 249, 250)"
    screenshot("material-diff-colours")


def test_an_imported_word_table_shows_as_a_table(attended, member_user, page, live_server, login, screenshot):
    from tests.materials.samples import upload
    from tests.materials.test_word_import import python_docx_material

    attended.aspects = "为民服务\n作风建设"
    attended.save()
    material = services.material_start(meeting=attended, by=member_user)
    content, _source = python_docx_material()
    text = services.material_import_docx(material=material, by=member_user, file=upload("王五.docx", content))
    services.material_save_draft(material=material, by=member_user, text=text, version=material.version)

    login("member", "pw-for-tests-1")
    page.goto(live_server.url + material.get_absolute_url())
    table = page.locator(".material-text table")
    expect(table.locator("th").first).to_have_text("问题")
    expect(table.locator("td", has_text="每月调研不少于2天")).to_be_visible()
    assert table.locator("td").first.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"
    expect(page.locator(".material-text")).to_contain_text("整改措施落实不到位，个别问题反复出现。")
    screenshot("material-imported-table")
