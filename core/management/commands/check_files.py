"""List records whose file is missing and files that no record points to.

Every FileField of every installed model is checked (core has no models of its own: they are
found through the app registry), against the storage each field uses. A worker killed in the
middle of a save can leave a file whose record never committed; a disk restored without its
files leaves records pointing at nothing. Exit status 1 when anything is found (and not deleted).
"""

import time
from collections import defaultdict
from posixpath import join

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import models

HOUR = 3600


def file_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """(model, field) for every FileField (ImageField included) of every installed, concrete model."""
    found = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                found.append((model, field))
    return found


def storage_key(storage) -> tuple:
    """One key per storage: its class and folder (read first: that sets up a lazy storage such as
    default_storage, whose class is known only then)."""
    location = getattr(storage, "location", None)
    inner = getattr(storage, "_wrapped", storage)
    return (type(inner).__name__, str(location) if location is not None else id(inner))


def stored_names(storage, folder: str = ""):
    """Every file name in a storage, walked with listdir (works for any storage that lists)."""
    folders, files = storage.listdir(folder)
    for name in sorted(files):
        yield join(folder, name) if folder else name
    for sub in sorted(folders):
        yield from stored_names(storage, join(folder, sub) if folder else sub)


class Command(BaseCommand):
    help = (
        "List records whose file is missing from storage and files in storage that no record points to. "
        "Exits with status 1 when it finds any."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-orphans",
            action="store_true",
            help="Delete the files no record points to (records are never changed).",
        )
        parser.add_argument(
            "--min-age",
            type=float,
            default=HOUR,
            metavar="SECONDS",
            help="Delete only orphans at least this old (default: an hour): a younger file may belong to an "
            "upload whose transaction has not committed yet.",
        )

    def handle(self, *args, delete_orphans=False, min_age=HOUR, **options):
        storages, referenced = {}, defaultdict(set)
        missing = 0
        for model, field in file_fields():
            storage = field.storage
            key = storage_key(storage)
            storages.setdefault(key, storage)
            rows = (
                model._base_manager.exclude(**{f"{field.attname}__isnull": True})
                .exclude(**{field.attname: ""})
                .order_by("pk")
                .values_list("pk", field.attname)
            )
            for pk, name in rows.iterator(chunk_size=2000):
                referenced[key].add(name)
                if not storage.exists(name):
                    missing += 1
                    self.stdout.write(f"Missing file: {model._meta.label} {pk} ({field.name}): {name}")

        orphans = kept = 0
        now = time.time()
        for key, storage in storages.items():
            try:
                names = list(stored_names(storage))
            except FileNotFoundError:  # the storage folder does not exist yet: nothing stored
                continue
            for name in names:
                if name in referenced[key]:
                    continue
                orphans += 1
                age = now - storage.get_modified_time(name).timestamp()
                if delete_orphans and age >= min_age:
                    storage.delete(name)
                    self.stdout.write(f"Deleted orphan file: {name}")
                else:
                    kept += 1
                    note = " (too recent to delete)" if delete_orphans else ""
                    self.stdout.write(f"Orphan file: {name}{note}")

        self.stdout.write(
            f"{len(file_fields())} file fields checked: {missing} records with a missing file, "
            f"{orphans} files no record points to" + (f" ({orphans - kept} deleted)." if delete_orphans else ".")
        )
        if missing or kept:
            raise CommandError(
                f"{missing} records point to missing files; {kept} files no record points to remain.", returncode=1
            )
