"""A secretary signs in and reads the seed meeting's concluding key points in the back office."""

import re

from playwright.sync_api import expect


def test_secretary_sees_the_five_key_points_in_the_admin(demo, page, live_server, login, screenshot):
    login("secretary")
    expect(page.get_by_role("heading", name="What is waiting for me")).to_be_visible()

    page.goto(f"{live_server.url}/admin/meetings/meeting/")
    row = page.get_by_role("link", name=re.compile("市政府党组2022年度民主生活会"))
    expect(row).to_be_visible()
    # Scoped: the district government's meeting is not listed for this secretary.
    expect(page.get_by_text("渝中区政府党组2022年度民主生活会")).to_have_count(0)
    row.click()

    points = page.locator(".key-point")
    expect(points).to_have_count(5)
    expect(points.nth(0)).to_contain_text("一要旗帜鲜明讲政治")
    expect(points.nth(4)).to_contain_text("五要持之以恒转作风")
    screenshot("seed-meeting-admin")
