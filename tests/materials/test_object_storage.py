"""Materials in S3-compatible object storage (MEDIA_STORAGE=s3; core/object_storage.py), against moto's
S3 server running in this process on a free port: uploaded through the editor, downloaded only
through the app's permission-checked view, private in the bucket, never on the local disk."""

import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from moto.server import ThreadedMotoServer

from materials import services
from tests.factories import MemberFactory, UserFactory
from tests.servers import free_port

from .samples import PDF, upload
from .test_material_views import form_data

pytestmark = pytest.mark.django_db

BUCKET = "meeting-records-media"
KEYS = {"access_key": "test-access-key", "secret_key": "test-secret-key"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint, settings):
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=KEYS["access_key"],
        aws_secret_access_key=KEYS["secret_key"],
    )
    client.create_bucket(Bucket=BUCKET)
    options = {"bucket_name": BUCKET, "endpoint_url": s3_endpoint, "region_name": "us-east-1", **KEYS}
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "core.object_storage.PrivateS3Storage", "OPTIONS": options},
    }
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


@pytest.fixture
def draft(attended, member_user):
    return services.material_start(meeting=attended, by=member_user)


def keys(client) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def test_an_attachment_goes_to_the_bucket_privately_and_comes_back_through_the_app(
    client, bucket, draft, member_user, s3_endpoint, settings
):
    client.force_login(member_user)
    data = form_data(draft)
    data["attachment"] = upload("scan.pdf", PDF)
    response = client.post(reverse("materials:edit", args=[draft.pk]), data)
    assert response.status_code == 302
    attachment = draft.attachments.get()

    # In the bucket, under the attachment's stored name, with the uploaded bytes; not on the local disk.
    assert keys(bucket) == [attachment.file.name]
    assert bucket.get_object(Bucket=BUCKET, Key=attachment.file.name)["Body"].read() == PDF
    assert not (settings.MEDIA_ROOT / attachment.file.name).exists()

    # Private: no grant to everyone or to every AWS account, and a request without the keys is refused.
    grants = bucket.get_object_acl(Bucket=BUCKET, Key=attachment.file.name)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    assert all(g["Grantee"].get("Type") == "CanonicalUser" for g in grants)
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{attachment.file.name}", timeout=10)  # noqa: S310
    assert refused.value.code == 403

    # The app hands out no address of the object, signed or not.
    assert attachment.file.url == f"/private-media/{attachment.file.name}"
    assert "amz" not in attachment.file.url.lower() and "signature" not in attachment.file.url.lower()

    # Downloaded through the permission-checked view: the same bytes, as a private download.
    download = client.get(reverse("materials:attachment", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["Cache-Control"] == "private, no-store"

    # Someone who may not read the material gets nothing, whatever storage holds the file.
    stranger = UserFactory(username="stranger")
    MemberFactory(user=stranger)
    client.force_login(stranger)
    assert client.get(reverse("materials:attachment", args=[attachment.pk])).status_code == 404


def test_a_missing_object_is_a_404_not_an_error(client, bucket, draft, member_user):
    client.force_login(member_user)
    attachment = services.material_attach(material=draft, by=member_user, file=upload("scan.pdf", PDF))
    bucket.delete_object(Bucket=BUCKET, Key=attachment.file.name)
    assert client.get(reverse("materials:attachment", args=[attachment.pk])).status_code == 404


def test_a_stored_name_is_never_overwritten(bucket):
    first = default_storage.save("materials/same.pdf", ContentFile(b"first"))
    second = default_storage.save("materials/same.pdf", ContentFile(b"second"))
    assert first != second
    assert bucket.get_object(Bucket=BUCKET, Key=first)["Body"].read() == b"first"


def test_an_object_written_in_a_rolled_back_transaction_is_deleted(bucket):
    with pytest.raises(RuntimeError), transaction.atomic():
        name = default_storage.save("materials/rolled-back.pdf", ContentFile(PDF))
        assert keys(bucket) == [name]
        raise RuntimeError("the save failed after the file was written")
    assert keys(bucket) == []
    with pytest.raises(ClientError):
        bucket.head_object(Bucket=BUCKET, Key=name)


def test_a_storage_that_refuses_is_a_message_on_the_form_and_nothing_is_saved(
    client, bucket, draft, member_user, settings
):
    options = {**settings.STORAGES["default"]["OPTIONS"], "bucket_name": "no-such-bucket"}
    settings.STORAGES = {**settings.STORAGES, "default": {**settings.STORAGES["default"], "OPTIONS": options}}
    client.force_login(member_user)
    data = form_data(draft, causes="Typed text that must not be lost.")
    data["attachment"] = upload("scan.pdf", PDF)
    response = client.post(reverse("materials:edit", args=[draft.pk]), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "could not be stored" in html
    assert "Typed text that must not be lost." in html
    assert draft.attachments.count() == 0
