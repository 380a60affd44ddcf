"""Uploaded files in S3-compatible object storage (MEDIA_STORAGE=s3), for several app servers
that share no disk.

The same promises as the shared-volume default (`core.uploads.PrivateStorage`):

- Objects are private (ACL `private`), and the app never hands out an address of one: `url()`
  gives the never-routed MEDIA_URL path, as on disk, not a signed link. Every download goes
  through the app's permission-checked views (`core.uploads.private_download`), which read the
  object with the app's own keys.
- A stored name is never overwritten (a second file with the same name gets a new one).
- A file written inside a transaction that does not commit is deleted again, and a storage
  failure (the service down, refusing, out of space) becomes `UploadNotStored`: the form says
  so, the transaction rolls back, and no record points at a missing object.

Configured in config/settings.py from the environment (AWS_STORAGE_BUCKET_NAME,
AWS_S3_ENDPOINT_URL, AWS_S3_REGION_NAME, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_LOCATION).
"""

import errno
import logging

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from storages.backends.s3 import S3Storage

from .uploads import _not_stored, delete_unless_committed

logger = logging.getLogger(__name__)


class PrivateS3Storage(S3Storage):
    # Downloads larger than this spill from memory to a temporary file while they are sent.
    max_memory_size_default = 5 * 1024 * 1024

    def get_default_settings(self):
        defaults = super().get_default_settings()
        defaults.update(default_acl="private", file_overwrite=False, querystring_auth=True)
        defaults["max_memory_size"] = defaults["max_memory_size"] or self.max_memory_size_default
        return defaults

    def url(self, name, parameters=None, expire=None, http_method=None):
        """The never-routed MEDIA_URL path, as FileSystemStorage gives: no signed link to an object
        ever leaves the app (the admin shows file names, not working links)."""
        return settings.MEDIA_URL + name

    def _save(self, name, content):
        try:
            saved = super()._save(name, content)
        except (BotoCoreError, ClientError, OSError) as exc:
            logger.error("An uploaded file could not be stored in bucket %s: %s", self.bucket_name, exc)
            raise _not_stored(OSError(errno.EIO, str(exc))) from exc
        delete_unless_committed(self, saved)
        return saved
