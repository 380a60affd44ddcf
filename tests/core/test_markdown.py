"""Images from other sites become links in rendered Markdown (materials, notices), so a reader's
browser fetches nothing from an address the author chose; the newsroom tells the editor so."""

import pytest
from django.urls import reverse

from core.markdown import render_markdown
from core.sanitise import removed_parts
from materials.models import InspectionMaterial
from tests.factories import AttendanceFactory, MaterialFactory

from ..notices.helpers import published


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://records.example.org"


def test_an_outside_image_becomes_a_link_named_by_its_alt_text():
    html = render_markdown("Before ![The meeting hall](https://tracker.example/pixel.png?who=me) after")
    assert "<img" not in html
    assert '<a href="https://tracker.example/pixel.png?who=me" rel="noopener noreferrer">The meeting hall</a>' in html


def test_without_alt_text_the_link_shows_the_address():
    html = render_markdown('<img src="http://tracker.example/p.gif" title="A photo">')
    assert "<img" not in html
    assert '<a href="http://tracker.example/p.gif" title="A photo" rel="noopener noreferrer">' in html
    assert ">http://tracker.example/p.gif</a>" in html


@pytest.mark.parametrize(
    "src",
    [
        "//tracker.example/p.png",  # another host, the page's scheme
        "/\\tracker.example/p.png",  # browsers read the backslash as a slash: another host
        "https://records.example.org.tracker.example/p.png",
        "http://records.example.org/notices/images/1/",  # the site's host on another scheme is another origin
        "HTTPS://TRACKER.EXAMPLE/p.png",
    ],
)
def test_addresses_that_look_local_but_are_not_become_links(src):
    html = render_markdown(f"![photo]({src})")
    assert "<img" not in html and ">photo</a>" in html


@pytest.mark.parametrize(
    "src",
    ["/notices/images/3/", "images/hall.png", "https://records.example.org/notices/images/3/"],
)
def test_the_sites_own_images_stay_images(src):
    html = render_markdown(f"![The hall]({src})")
    assert f'<img alt="The hall" src="{src}">' in html


def test_an_outside_image_inside_a_link_leaves_its_text_and_links_do_not_nest():
    html = render_markdown("[![Logo](https://tracker.example/logo.png)](https://example.org/about)")
    assert "<img" not in html
    assert html.count("<a ") == 1 and html.count("</a>") == 1
    assert ">Logo</a>" in html and 'href="https://example.org/about"' in html


def test_alt_text_is_text_not_markup():
    html = render_markdown('<img src="https://tracker.example/x.png" alt="<script>alert(1)</script> &amp; more">')
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</a>" in html


def test_unsafe_image_addresses_are_still_dropped():
    html = render_markdown('<img src="javascript:alert(1)" alt="x"> ![y](data:image/png;base64,AAAA)')
    assert "javascript:" not in html and "data:" not in html and "<a " not in html


def test_text_and_local_images_around_an_outside_one_are_untouched():
    text = "# Title\n\n![a](/notices/images/1/) ![b](https://tracker.example/b.png) ![c](/notices/images/2/)\n\n*done*"
    html = render_markdown(text)
    assert html.count("<img") == 2 and ">b</a>" in html
    assert "<h1>Title</h1>" in html and "<em>done</em>" in html


def test_one_text_leaves_nothing_behind_for_the_next():
    """Footnotes, abbreviations and link references of one material never show in the next one
    rendered in the same process (the converter is reused)."""
    first = render_markdown(
        "整改[^1] by the CPC.\n\n[^1]: 见附件一。\n\n*[CPC]: Communist Party of China\n\n[ref]: /notices/"
    )
    assert "见附件一" in first and 'title="Communist Party of China"' in first
    second = render_markdown("整改[^1] by the CPC, see [the list][ref].")
    assert "见附件一" not in second
    assert "Communist Party of China" not in second
    assert "/notices/" not in second
    assert second == render_markdown("整改[^1] by the CPC, see [the list][ref].")


def test_the_newsroom_tells_the_editor_outside_images_show_as_links():
    body = "![hall](https://tracker.example/hall.png)\n\n![ours](/notices/images/1/)"
    assert removed_parts(body, {"/notices/images/1/"}) == [
        "Images from other sites are shown as links to them, not as images: https://tracker.example/hall.png."
    ]
    assert removed_parts("![ours](https://records.example.org/notices/images/1/)") == []


@pytest.mark.django_db
def test_a_reviewer_reading_a_material_fetches_nothing_from_outside(client, meeting, secretary, member_user):
    AttendanceFactory(meeting=meeting, member=member_user.member)
    material = MaterialFactory(
        meeting=meeting,
        author=member_user.member,
        status=InspectionMaterial.Status.SUBMITTED,
        problems="See ![the chart](https://tracker.example/chart.png?reader=secretary)",
    )
    client.force_login(secretary)
    html = client.get(material.get_absolute_url()).content.decode()
    assert '<img src="https://tracker.example' not in html
    link = '<a href="https://tracker.example/chart.png?reader=secretary" rel="noopener noreferrer">the chart</a>'
    assert link in html


@pytest.mark.django_db
def test_a_published_notice_shows_an_outside_image_as_a_link(client, fresh_page_cache):
    notice = published(body="The meeting.\n\n![Group photo](https://tracker.example/photo.jpg)")
    html = client.get(notice.get_absolute_url()).content.decode()
    assert "tracker.example/photo.jpg" in html and '<img src="https://tracker.example' not in html
    assert ">Group photo</a>" in html
    assert reverse("public:list") in html
