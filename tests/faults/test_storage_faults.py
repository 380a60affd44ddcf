"""Storage faults, for real: uploads into a disk that is full or read-only, files of transactions that
roll back, and `manage.py check_files`.

The full disk is a real one: MEDIA_ROOT on a 64 KiB tmpfs mounted for the test (the tests run as root
here and in CI), so the kernel answers ENOSPC in the middle of a write; `mount -o remount,ro` makes it
read-only (EROFS). Nothing is mocked: the pages, the services and Django's storage run as in production.
"""

import datetime
import html
import os
import subprocess
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from materials import services as material_services
from materials.models import InspectionMaterial, MaterialAttachment
from meetings.models import Attendance
from notices.models import NoticeImage
from rectification.models import Evidence, ProgressReport, RectificationItem
from tests.factories import (
    AttendanceFactory,
    ItemFactory,
    MaterialFactory,
    MeetingFactory,
    MemberFactory,
    MembershipFactory,
    NoticeFactory,
    OrganisationFactory,
    PlanFactory,
    UserFactory,
)

DISK = "64k"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"
LARGE = 100 * 1024  # larger than the whole disk
FULL = "the server's storage is full"
ERROR = "because of a storage error on the server"


def _mount(*args):
    result = subprocess.run(["mount", *args], capture_output=True, text=True)  # noqa: S603,S607
    if result.returncode:
        pytest.fail(f"mount {' '.join(args)} failed (the storage tests need root to mount a tmpfs): {result.stderr}")


@pytest.fixture
def small_disk(tmp_path, settings):
    """MEDIA_ROOT on a real 64 KiB disk of its own."""
    folder = tmp_path / "small-disk"
    folder.mkdir()
    _mount("-t", "tmpfs", "-o", f"size={DISK},mode=0755", "tmpfs", str(folder))
    settings.MEDIA_ROOT = folder
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)  # noqa: S603,S607


def read_only(folder: Path):
    _mount("-o", "remount,ro", str(folder))


def text(response) -> str:
    return html.unescape(response.content.decode())


def files_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in Path(folder).rglob("*") if p.is_file())


@pytest.fixture
def author(db):
    organisation = OrganisationFactory()
    user = UserFactory(username="author")
    member = MemberFactory(name="Author", user=user)
    MembershipFactory(member=member, organisation=organisation)
    meeting = MeetingFactory(organisation=organisation, aspects="Theory\nPractice")
    AttendanceFactory(meeting=meeting, member=member, role=Attendance.Role.PARTICIPANT)
    user.material = MaterialFactory(
        meeting=meeting,
        author=member,
        problem_sections=[{"aspect": "Theory", "text": "Saved before"}, {"aspect": "Practice", "text": ""}],
        problems="Saved before",
    )
    return user


def editor_post(material, **changes):
    data = {
        "version": material.version,
        "title": material.title,
        "aspect_0": "Typed during the outage: theory studied too little",
        "aspect_1": "Typed during the outage: too few visits",
        "problems": "",
        "causes": "Typed cause",
        "measures": "Typed measure",
        "action": "save",
    }
    return {**data, **changes}


def assert_material_unchanged(material):
    stored = InspectionMaterial.objects.get(pk=material.pk)
    assert (stored.version, stored.problems, stored.problem_sections[0]["text"]) == (
        material.version,
        "Saved before",
        "Saved before",
    )
    assert not MaterialAttachment.objects.exists()


# ----------------------------------------------------------------------------- full and read-only disk


@pytest.mark.parametrize("upload_kind", ["in memory", "temporary file", "temporary file, short last write"])
def test_full_disk_on_a_material_attachment_gives_a_message_keeps_the_text_and_saves_nothing(
    client, author, small_disk, settings, upload_kind
):
    size = LARGE
    if upload_kind.startswith("temporary file"):  # a large upload: Django moves it from /tmp into the storage
        settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    if upload_kind.endswith("short last write"):
        # Moved in 64 KiB writes onto a 96 KiB disk: the second and last write stores only half of its
        # bytes and reports no error (a short write), so without a check the record would point at half a file.
        _mount("-o", "remount,size=96k", str(small_disk))
        size = 128 * 1024 - len(PDF)
    material = author.material
    client.force_login(author)
    url = reverse("materials:edit", args=[material.pk])
    scan = SimpleUploadedFile("scan.pdf", PDF + b"0" * size, content_type="application/pdf")

    response = client.post(url, editor_post(material, attachment=scan))

    assert response.status_code == 400
    page = text(response)
    assert FULL in page
    assert "Typed during the outage: theory studied too little" in page  # the typed text comes back
    assert_material_unchanged(material)  # all or nothing: the text is not saved without its file
    assert files_in(small_disk) == []  # the part written before the disk filled up was removed

    # A file that fits is saved with the text, and its record points at a file that is there.
    response = client.post(url, editor_post(material, attachment=SimpleUploadedFile("small.pdf", PDF)))
    assert response.status_code == 302
    attachment = MaterialAttachment.objects.get()
    assert attachment.file.read() == PDF
    assert files_in(small_disk) == [attachment.file.name]


def test_full_disk_on_progress_evidence_gives_a_message_and_saves_no_report(client, author, small_disk):
    item = ItemFactory(
        plan=PlanFactory(meeting=author.material.meeting),
        responsible_member=author.member,
        deadline=datetime.date.today() + datetime.timedelta(days=30),
    )
    client.force_login(author)
    evidence = [SimpleUploadedFile("minutes.pdf", PDF + b"0" * LARGE), SimpleUploadedFile("photo.png", PNG)]

    response = client.post(
        reverse("rectification:item_progress", args=[item.pk]),
        {"text": "Ten visits made", "percent": "50", "evidence": evidence},
    )

    assert response.status_code == 200
    page = text(response)
    assert "Nothing was changed." in page and FULL in page and "Ten visits made" in page
    assert not ProgressReport.objects.exists() and not Evidence.objects.exists()
    assert RectificationItem.objects.get(pk=item.pk).status == RectificationItem.Status.OPEN
    assert files_in(small_disk) == []


def test_full_disk_on_a_notice_image_gives_a_message_and_saves_no_image(db, client, small_disk):
    publisher = UserFactory(username="publisher", publisher=True)
    notice = NoticeFactory()
    client.force_login(publisher)

    response = client.post(
        reverse("newsroom:image_upload", args=[notice.pk]),
        {"image": SimpleUploadedFile("photo.png", PNG + b"\x00" * LARGE), "caption": "The meeting"},
        follow=True,
    )

    assert response.status_code == 200
    assert FULL in text(response)
    assert not NoticeImage.objects.exists()
    assert files_in(small_disk) == []


def test_read_only_disk_gives_a_message_and_saves_nothing(client, author, small_disk):
    read_only(small_disk)
    material = author.material
    client.force_login(author)

    response = client.post(
        reverse("materials:edit", args=[material.pk]),
        editor_post(material, attachment=SimpleUploadedFile("small.pdf", PDF)),
    )

    assert response.status_code == 400
    page = text(response)
    assert ERROR in page and "Typed cause" in page
    assert_material_unchanged(material)


# ----------------------------------------------------------------------------- files follow their transaction


def test_file_of_a_rolled_back_transaction_is_removed(transactional_db, author, tmp_path):
    material = author.material

    with pytest.raises(RuntimeError), transaction.atomic():
        attachment = material_services.material_attach(
            material=material, by=author, file=SimpleUploadedFile("scan.pdf", PDF)
        )
        path = Path(attachment.file.path)
        assert path.read_bytes() == PDF  # written while the transaction is open
        raise RuntimeError("something later in the same transaction fails")

    assert not path.exists()
    assert not MaterialAttachment.objects.exists()


def test_file_of_a_rolled_back_savepoint_is_removed_and_the_committed_one_kept(transactional_db, author):
    material = author.material

    with transaction.atomic():
        kept = material_services.material_attach(material=material, by=author, file=SimpleUploadedFile("a.pdf", PDF))
        try:
            with transaction.atomic():
                dropped = material_services.material_attach(
                    material=material, by=author, file=SimpleUploadedFile("b.pdf", PDF)
                )
                raise RuntimeError
        except RuntimeError:
            pass

    assert Path(kept.file.path).exists()
    assert not Path(dropped.file.path).exists()
    assert list(MaterialAttachment.objects.values_list("pk", flat=True)) == [kept.pk]


def test_committed_file_stays_when_a_commit_callback_before_it_fails(transactional_db, author):
    """A failing callback (a cache or a mail server that is down) must not make a committed file look
    rolled back: the record and its file stay together."""

    def cache_down():
        raise ConnectionError("the cache is down")

    with pytest.raises(ConnectionError), transaction.atomic():
        transaction.on_commit(cache_down)
        attachment = material_services.material_attach(
            material=author.material, by=author, file=SimpleUploadedFile("scan.pdf", PDF)
        )

    assert MaterialAttachment.objects.get().pk == attachment.pk
    assert Path(attachment.file.path).read_bytes() == PDF


def test_file_saved_outside_a_transaction_stays(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    name = default_storage.save("notes/plain.txt", ContentFile(b"kept"))
    assert (tmp_path / "media" / name).read_bytes() == b"kept"


# ----------------------------------------------------------------------------- check_files


def run_check_files(*args):
    out = []

    class Out:
        def write(self, text):
            out.append(text)

        def flush(self):
            pass

    try:
        call_command("check_files", *args, stdout=Out())
    except CommandError as error:
        return error.returncode, "".join(out)
    return 0, "".join(out)


def test_check_files_is_quiet_when_every_record_has_its_file(author, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    material_services.material_attach(material=author.material, by=author, file=SimpleUploadedFile("a.pdf", PDF))

    code, output = run_check_files()

    assert code == 0
    assert "0 records with a missing file, 0 files no record points to" in output


def test_check_files_lists_missing_files_and_orphans_and_deletes_only_old_orphans(author, settings, tmp_path):
    media = tmp_path / "media"
    settings.MEDIA_ROOT = media
    material = author.material
    lost = material_services.material_attach(material=material, by=author, file=SimpleUploadedFile("a.pdf", PDF))
    Path(lost.file.path).unlink()  # e.g. a disk restored without its files
    orphan = media / "materials" / "left-by-a-killed-worker.pdf"
    orphan.write_bytes(PDF)
    recent = media / "notices" / "an-upload-still-committing.png"
    recent.parent.mkdir(parents=True)
    recent.write_bytes(PNG)
    an_hour_ago = time.time() - 3700
    os.utime(orphan, (an_hour_ago, an_hour_ago))

    code, output = run_check_files()
    assert code == 1
    assert f"Missing file: materials.MaterialAttachment {lost.pk} (file): {lost.file.name}" in output
    assert "Orphan file: materials/left-by-a-killed-worker.pdf" in output
    assert "Orphan file: notices/an-upload-still-committing.png" in output
    assert "1 records with a missing file, 2 files no record points to" in output
    assert orphan.exists() and recent.exists()  # listing deletes nothing

    code, output = run_check_files("--delete-orphans")
    assert code == 1  # the record without its file is still there (records are never touched)
    assert "Deleted orphan file: materials/left-by-a-killed-worker.pdf" in output
    assert "Orphan file: notices/an-upload-still-committing.png (too recent to delete)" in output
    assert not orphan.exists() and recent.exists()
    assert MaterialAttachment.objects.filter(pk=lost.pk).exists()

    lost.delete()
    code, output = run_check_files("--delete-orphans", "--min-age", "0")
    assert code == 0
    assert not recent.exists()


def test_full_disk_on_a_notice_image_in_the_back_office_gives_a_message_and_saves_no_image(
    db, client, superuser, small_disk
):
    from django.contrib.messages import get_messages

    notice = NoticeFactory()
    client.force_login(superuser)
    url = reverse("admin:notices_noticeimage_add")

    response = client.post(
        url, {"notice": notice.pk, "image": SimpleUploadedFile("photo.png", PNG + b"\x00" * LARGE), "caption": "x"}
    )

    assert response.status_code == 302
    assert any(FULL in str(m) for m in get_messages(response.wsgi_request))
    assert not NoticeImage.objects.exists()
    assert files_in(small_disk) == []
