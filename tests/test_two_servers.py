"""Two app servers behind one PostgreSQL and one Redis, as in a city's deployment (README: Deploying).

Two gunicorn processes on two loopback ports (production settings, two workers each), one throwaway
PostgreSQL, one throwaway Redis and one media folder they share:

- a sign-in on one is valid on the other (the session is in the database, cached in Redis);
- a notice published through one (the publisher signs in there and presses Publish) while readers
  keep the other busy is on the other's home page, notice list, feed and search within the page
  cache's check interval (PUBLIC_CACHE_CHECK_SECONDS) plus a margin, on every worker; the times
  are printed (run with -s to see them);
- a material saved through one, with an attachment, is what the other shows and sends.
"""

import json
import re
import time
import uuid

from django.conf import settings

from tests.materials.samples import PDF
from tests.servers import (
    AppServer,
    Browser,
    PostgresServer,
    RedisServer,
    readers_busy,
    running,
    watch_propagation,
)

PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's
MARGIN = 1.5  # seconds on top of the check interval: request times on a busy 2-core machine
TERM = "Propagationcheck"
TITLE = f"市委召开民主生活会 {TERM}"

SETUP = """
import json
from django.utils import timezone
from materials import services as materials
from meetings.models import Attendance
from notices.models import Notice
from notices.search import update_search_vectors
from tests.factories import (AttendanceFactory, MeetingFactory, MemberFactory, MembershipFactory, NoticeFactory,
                             OrganisationFactory, UserFactory)

org = OrganisationFactory(name="Municipal party group")
UserFactory(username="publisher", publisher=True)
member_user = UserFactory(username="member")
member = MemberFactory(name="Li Ming", user=member_user)
MembershipFactory(member=member, organisation=org)
meeting = MeetingFactory(organisation=org, aspects="Political stance\\nStyle of work")
AttendanceFactory(meeting=meeting, member=member, role=Attendance.Role.PARTICIPANT)
material = materials.material_start(meeting=meeting, by=member_user)
NoticeFactory(title="An earlier notice", body="Held last year.", status=Notice.Status.PUBLISHED,
              publish_at=timezone.now() - timezone.timedelta(days=1), organisation=org)
draft = NoticeFactory(title=%(title)r, body="会议强调 %(term)s 整改落实。", status=Notice.Status.DRAFT,
                      organisation=org)
update_search_vectors(Notice.objects.all())
print(json.dumps({"material": material.pk, "draft": draft.pk}))
"""


def multipart_post(browser: Browser, path: str, fields: dict, files: dict):
    """POST a form with files (Browser.post sends url-encoded forms only)."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in {"csrfmiddlewaretoken": browser.cookies.get("csrftoken", ""), **fields}.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content, content_type) in files.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        chunks.append(f"{head}Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}", "Referer": browser.app.url + path}
    status, response_headers, body = browser.app.request(
        "POST", path, body=b"".join(chunks), headers=browser._headers(headers)
    )
    browser._keep(response_headers)
    return status, response_headers, body


def shows_title(body: bytes) -> bool:
    return TITLE in re.sub(r"</?mark>", "", body.decode())  # search marks the words it found


def same_session(browser: Browser, app: AppServer) -> Browser:
    other = Browser(app, language=browser.language)
    other.cookies = dict(browser.cookies)
    return other


def test_two_app_servers_share_sessions_publications_and_materials(tmp_path):
    media = tmp_path / "shared-media"
    with running(RedisServer(tmp_path), PostgresServer()) as (redis, pg):
        env = {"DATABASE_URL": pg.url, "REDIS_URL": redis.url, "MEDIA_ROOT": str(media)}
        one, two = AppServer(env=env), AppServer(env=env)
        one.migrate()
        setup = one.manage("shell", "-c", SETUP % {"title": TITLE, "term": TERM})
        ids = json.loads(setup.stdout.strip().splitlines()[-1])
        with running(one, two):
            check_sign_in_is_shared(one, two)
            check_publication_reaches_the_other_server(one, two, ids["draft"])
            check_material_saved_on_one_is_shown_by_the_other(one, two, ids["material"])


def check_sign_in_is_shared(one: AppServer, two: AppServer):
    member = Browser(one).login("member", PASSWORD)
    status, _, body = same_session(member, two).get("/dashboard/")
    assert status == 200 and 'action="/accounts/logout/"' in body.decode()  # signed in there, not sent to sign in
    # Signing out on the second ends the session on the first too.
    elsewhere = same_session(member, two)
    assert elsewhere.post("/accounts/logout/", {})[0] == 302
    assert member.get("/dashboard/")[0] == 302  # to the sign-in page


def check_publication_reaches_the_other_server(one: AppServer, two: AppServer, draft: int):
    check = float(getattr(settings, "PUBLIC_CACHE_CHECK_SECONDS", 2.0))
    pages = {"home": "/", "list": "/notices/", "feed": "/notices/feed/", "search": f"/search/?q={TERM}"}
    reader = {"Accept-Language": "zh-hans", "Host": "127.0.0.1"}
    # The other server's workers hold every page in their caches, without the notice.
    for path in pages.values():
        served = [two.get(path, headers=reader) for _ in range(6)]
        assert all(status == 200 and not shows_title(body) for status, _, body in served), path
        assert any(headers.get("x-public-cache") == "hit" for _, headers, _ in served), path

    publisher = Browser(one).login("publisher", PASSWORD)
    # Readers keep the other server busy up to the publication, so each of its workers has checked the
    # generation less than an interval before: the worst case, not a check falling due just after it.
    with readers_busy(two, pages.values(), reader, check=check):
        status, headers, _ = publisher.post(f"/meetings/notices/{draft}/publish/", {})
        published = time.monotonic()
    assert status == 302, status
    assert shows_title(one.get("/", headers=reader)[2])  # the publisher's server: at once

    try:  # "everywhere": from the first of six answers in a row (both workers) that show it
        first_seen, everywhere = watch_propagation(
            two, pages, reader, shows_title, published, in_a_row=6, timeout=check + 20
        )
    except TimeoutError as exc:
        raise AssertionError(f"the notice did not reach every page of the other server: {exc}") from exc
    report = ", ".join(f"{name} {first_seen[name]:.2f} s (all workers {everywhere[name]:.2f} s)" for name in pages)
    print(f"\nPropagation to the other app server (check interval {check} s): {report}")
    assert max(everywhere.values()) <= check + MARGIN, report


def check_material_saved_on_one_is_shown_by_the_other(one: AppServer, two: AppServer, material: int):
    member = Browser(one).login("member", PASSWORD)
    status, _, editor = member.get(f"/meetings/materials/{material}/edit/")
    assert status == 200
    version = re.search(rb'name="version" value="(\d+)"', editor).group(1).decode()
    text = f"Saved through the first server {uuid.uuid4().hex}"
    fields = {"version": version, "title": "My material", "aspect_0": "- Study was hurried.", "aspect_1": "",
              "problems": "", "causes": text, "measures": "1. Study more.", "action": "save"}  # fmt: skip
    status, _, _ = multipart_post(
        member, f"/meetings/materials/{material}/edit/", fields, {"attachment": ("scan.pdf", PDF, "application/pdf")}
    )
    assert status == 302, status

    other = same_session(member, two)
    status, _, page = other.get(f"/meetings/materials/{material}/edit/")
    assert status == 200
    html = page.decode()
    assert text in html and "scan.pdf" in html
    attachment = re.search(r"/meetings/materials/attachments/(\d+)/", html).group(0)
    status, headers, content = other.get(attachment)
    assert status == 200 and content == PDF
    assert headers["cache-control"] == "private, no-store"
