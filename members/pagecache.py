"""Signed-in pages kept in the server's memory until the records their user sees change.

The dashboard, a meeting's record, the ledger and the material editor cost 10–20 queries and a
large template each; a user who comes back to one of them before anything they see changed gets the
bytes made for them last time. `PrivatePageCacheMiddleware` (members.middleware) does the serving.

What makes a page reusable, all in the key:
- the records versions (RecordsVersion rows, raised after the commit of each change) of the scopes the
  user sees: "all" (users, members, memberships, roles, organisations, and any change whose
  organisation is not known), "user:<id>" (their own: raised by their every POST, PUT, PATCH or DELETE,
  and when a record names them as its attendee, presider, supervisor, author or the one responsible),
  and "org:<id>" of every organisation whose records they may see (VISIBLE_THROUGH below; all of them
  for superusers and publishers). A change to a meeting, material, item, report or notice raises the
  organisations it belongs to (OWNERS); one that moves a record to another organisation, or that cannot
  be told, raises "all". Every app server reads the numbers once per cached request (one query), so a
  change made through one server is seen by all at once. Numbers in this process are raised at once
  too (before the commit), so the writer's own next page is never an old one;
- the user, the full address, the language, the day and the quarter hour (what is overdue or due
  changes with time), the CSRF cookie (the page's forms carry a token made from it), the session's
  second-factor device (django-otp);
- never with a message waiting for the user (it would be shown once, and then never), never for a
  request without the CSRF cookie, never for anything but a 200 to a GET.

Writes that send no signal (queryset.update(), bulk_create(), bulk_update(), raw SQL) are caught two
ways: a POST, PUT, PATCH or DELETE raises the scopes its user sees, and every request watches the
statements it runs: a write to a table that no signal accounts for raises "all" unless it is one the
user's own scopes cover (a change of an organisation's record, by a user who sees that organisation,
that moves nothing and names nobody).

Pages live in this process only (a bounded LRU of MAX_BYTES): nothing of one user's page is ever in
a shared store, and a key never crosses users. A database or cache failure only means no caching.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict

from django.apps import apps as global_apps
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import F, Q, Sum
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save
from django.utils import timezone, translation

logger = logging.getLogger("meeting_records.pagecache")

#: The pages kept: (app namespace:)url name of each view.
CACHED_VIEWS = frozenset({"dashboard", "meetings:detail", "rectification:ledger", "materials:edit"})
#: Memory one process gives to kept pages (bytes of HTML).
MAX_BYTES = 32 * 1024 * 1024
#: A page is made anew at least this often (seconds), whatever happened: what is overdue, due or
#: scheduled moves with the clock.
TIME_SLOT = 15 * 60
#: Changes to these do not change what the kept pages show (and happen on every sign-in or request).
IGNORED_MODELS = frozenset(
    {
        "sessions.session",
        "members.recordsversion",
        "members.auditevent",
        "admin.logentry",
        "axes.accessattempt",
        "axes.accessattemptexpiration",
        "axes.accessfailurelog",
        "axes.accesslog",
        "otp_totp.totpdevice",  # its throttling counters move at each code typed
        "otp_static.staticdevice",
        "otp_static.statictoken",
        "outbox.outboxmessage",
        "notices.searchentry",  # live notices' words again, for the public search only
    }
)

#: Where a record belongs: the lookups from a model (label) to the organisations whose pages show it.
#: A model not named here raises "all" at every change; so does a record whose lookups lead nowhere.
#: (Model labels, not imports: members comes before the apps that own these models.)
_MEETING = ("meeting__organisation",)
OWNERS: dict[str, tuple[str, ...]] = {
    "meetings.meeting": ("organisation",),
    "meetings.historicalmeeting": ("organisation",),
    "meetings.agendaitem": _MEETING,
    "meetings.attendance": _MEETING,
    "meetings.preparationactivity": _MEETING,
    "meetings.solicitedopinion": _MEETING,
    "meetings.hearttohearttalk": _MEETING,
    "meetings.criticismrecord": _MEETING,
    "meetings.speech": _MEETING,
    "meetings.keypoint": ("speech__meeting__organisation",),
    "meetings.supervisionappointment": ("meeting__organisation", "appointed_by"),
    "materials.inspectionmaterial": _MEETING,
    "materials.historicalinspectionmaterial": _MEETING,
    "materials.materialrevision": ("material__meeting__organisation",),
    "materials.materialattachment": ("material__meeting__organisation",),
    "materials.materialsignoff": ("material__meeting__organisation",),
    "rectification.problem": _MEETING,
    "rectification.rectificationplan": ("organisation", "meeting__organisation"),
    "rectification.rectificationitem": ("plan__organisation", "plan__meeting__organisation"),
    "rectification.historicalrectificationitem": ("plan__organisation", "plan__meeting__organisation"),
    "rectification.progressreport": ("item__plan__organisation", "item__plan__meeting__organisation"),
    "rectification.evidence": ("report__item__plan__organisation", "report__item__plan__meeting__organisation"),
    "rectification.verification": ("item__plan__organisation", "item__plan__meeting__organisation"),
    "rectification.reportback": ("meeting__organisation", "item__plan__organisation"),
    "reports.meetingreport": _MEETING,
    "reports.historicalmeetingreport": _MEETING,
    "notices.notice": ("organisation", "meeting__organisation"),
    "notices.historicalnotice": ("organisation", "meeting__organisation"),
    "notices.noticeimage": ("notice__organisation", "notice__meeting__organisation"),
}
#: The fields (a member or a user) that let someone see a record outside the organisations they belong
#: to: the permissions of meetings, materials, rectification and notices read them. A record made,
#: deleted or changed in one of them raises the "user:<id>" of who it names (before and after).
VIEWERS: dict[str, tuple[str, ...]] = {
    "meetings.meeting": ("presider",),
    "meetings.attendance": ("member",),
    "meetings.supervisionappointment": ("member",),
    "materials.inspectionmaterial": ("author", "drafted_by"),
    "rectification.problem": ("about_member",),
    "rectification.rectificationitem": ("responsible_member", "responsible_leader"),
    "notices.notice": ("author",),
}
#: The same relations read the other way: the organisations a member (or user) sees through them,
#: (model label, the field naming the member or user, the lookups to the organisation), made from the
#: two tables above so that they cannot drift (a supervisor also counts the appointing organisation:
#: a few more pages made again, never one too few).
VISIBLE_THROUGH = tuple((label, field, OWNERS[label]) for label, fields in VIEWERS.items() for field in fields)

GLOBAL = "all"
#: Everything: the scopes of a superuser or a publisher (the newsroom shows every organisation's notices).
EVERYTHING = "*"
_UNKNOWN = object()

_local: dict[str, int] = {}  # raised at once in this process by every change, per scope
_local_orgs = {"total": 0}  # the sum of _local over the organisations' scopes
_lock = threading.Lock()


def enabled() -> bool:
    return getattr(settings, "PRIVATE_PAGE_CACHE", True)


def org_scope(organisation_id) -> str:
    return f"org:{organisation_id}"


def user_scope(user_id) -> str:
    return f"user:{user_id}"


# --- the records versions -----------------------------------------------------------------------


def records_version(scope: str = GLOBAL) -> int | None:
    """The shared number of a scope (None when the database cannot say)."""
    from .models import RecordsVersion

    try:
        return RecordsVersion.objects.filter(scope=scope).values_list("value", flat=True).first() or 0
    except DatabaseError:
        return None


def _raise_shared(scopes) -> None:
    from .models import RecordsVersion

    scopes = set(scopes)
    try:
        if RecordsVersion.objects.filter(scope__in=scopes).update(value=F("value") + 1) < len(scopes):
            # A scope's first change: its row is made (a row made meanwhile by another process is a
            # raise after our commit, which is all a reader needs).
            existing = set(RecordsVersion.objects.filter(scope__in=scopes).values_list("scope", flat=True))
            RecordsVersion.objects.bulk_create(
                [RecordsVersion(scope=scope, value=1) for scope in sorted(scopes - existing)], ignore_conflicts=True
            )
    except DatabaseError:
        # The change is saved but other servers may keep showing what was before it: forget ours
        # and say so (they forget theirs at the next time slot).
        clear()
        logger.exception("Could not raise the records versions: kept pages of other servers may be out of date")


class _Raise:
    """The on-commit callback of one transaction: the scopes its changes raise, gathered."""

    def __init__(self):
        self.scopes: set[str] = set()

    def __call__(self):
        _raise_shared(self.scopes)


def records_changed(scopes=None) -> None:
    """Call after a change to the records of these scopes (None: "all"): this process forgets at once,
    every server after the commit."""
    scopes = {GLOBAL} if not scopes else set(scopes)
    with _lock:
        for scope in scopes:
            _local[scope] = _local.get(scope, 0) + 1
            if scope.startswith("org:"):
                _local_orgs["total"] += 1
    # Once per transaction (a rolled back one takes its callback with it).
    pending = next((entry[1] for entry in connection.run_on_commit if isinstance(entry[1], _Raise)), None)
    if pending is not None:
        pending.scopes |= scopes
    else:
        pending = _Raise()
        pending.scopes |= scopes
        transaction.on_commit(pending)  # (at once when no transaction is open)


def _is_live(model) -> bool:
    # Not a migration's historical model (the table of the version may not exist yet then).
    return model._meta.apps is global_apps


# --- which scopes a change raises ---------------------------------------------------------------


def _follow(obj, parts: list[str]):
    """The value at the end of a lookup from obj (an organisation's id), None when a link is empty,
    _UNKNOWN when it cannot be told without guessing (a deferred field, a row gone)."""
    field = obj._meta.get_field(parts[0])
    if len(parts) == 1:
        return obj.__dict__.get(field.attname, _UNKNOWN)
    if field.is_cached(obj):
        related = field.get_cached_value(obj)
        return None if related is None else _follow(related, parts[1:])
    fk = obj.__dict__.get(field.attname, _UNKNOWN)
    if fk is None or fk is _UNKNOWN:
        return fk
    rows = list(field.related_model._base_manager.filter(pk=fk).values_list("__".join(parts[1:]), flat=True)[:1])
    return rows[0] if rows else _UNKNOWN


def _owners(instance, paths) -> set[int] | None:
    found = set()
    for path in paths:
        value = _follow(instance, path.split("__"))
        if value is _UNKNOWN:
            return None
        if value is not None:
            found.add(value)
    return found or None


def _sensitive(label: str) -> dict[str, bool]:
    """The columns of a model whose change moves what who sees: {attname: names a viewer}."""
    cached = _SENSITIVE.get(label)
    if cached is None:
        model = global_apps.get_model(label)
        cached = {model._meta.get_field(path.split("__")[0]).attname: False for path in OWNERS.get(label, ())}
        cached.update({model._meta.get_field(name).attname: True for name in VIEWERS.get(label, ())})
        _SENSITIVE[label] = cached
    return cached


_SENSITIVE: dict[str, dict[str, bool]] = {}


def _snapshot(sender, instance, **kwargs):
    """post_init of the models of OWNERS: the columns that say whose it is, as loaded."""
    values = instance.__dict__
    columns = _sensitive(sender._meta.label_lower)
    instance._pagecache_was = {attname: values.get(attname, _UNKNOWN) for attname in columns}


def _viewer_users(instance, label, ids_by_field) -> set[int] | None:
    users: set[int] = set()
    members: set[int] = set()
    model = type(instance)
    for name in VIEWERS.get(label, ()):
        field = model._meta.get_field(name)
        target = field.related_model._meta.label_lower
        for value in ids_by_field.get(field.attname, ()):
            if value is None:
                continue
            if target == "members.member":
                cached = field.get_cached_value(instance, None) if field.is_cached(instance) else None
                if cached is not None and cached.pk == value:
                    if cached.user_id is not None:
                        users.add(cached.user_id)
                else:
                    members.add(value)
            else:
                users.add(value)
    if members:
        from .models import Member

        users |= {pk for pk in Member.objects.filter(pk__in=members).values_list("user_id", flat=True) if pk}
    return users


def scopes_of_change(instance, *, created=False, deleted=False, update_fields=None) -> set[str] | None:
    """The scopes a saved or deleted record raises; None for "all"."""
    label = instance._meta.label_lower
    if label == "auth.user" and update_fields is not None and set(update_fields) == {"last_login"}:
        return {user_scope(instance.pk)}  # a sign-in: shown on none of the pages
    paths = OWNERS.get(label)
    if paths is None:
        return None
    sensitive = _sensitive(label)
    now = instance.__dict__
    was = instance.__dict__.get("_pagecache_was", {})
    viewer_ids: dict[str, set] = {}
    for attname, names_viewer in sensitive.items():
        new = now.get(attname, _UNKNOWN)
        old = new if created or deleted else was.get(attname, _UNKNOWN)
        if old is _UNKNOWN or new is _UNKNOWN:
            return None
        if old != new and not names_viewer:
            return None  # moved to another organisation's record: the old one's pages show it too
        if names_viewer and (created or deleted or old != new):
            viewer_ids[attname] = {old, new}
    try:
        organisations = _owners(instance, paths)
        if organisations is None:
            return None
        users = _viewer_users(instance, label, viewer_ids)
    except DatabaseError:
        return None
    instance._pagecache_was = {attname: now.get(attname, _UNKNOWN) for attname in sensitive}
    return {org_scope(pk) for pk in organisations} | {user_scope(pk) for pk in users}


def _on_save(sender, instance, created=False, raw=False, update_fields=None, **kwargs):
    if not _is_live(sender) or sender._meta.label_lower in IGNORED_MODELS:
        return
    _explained(sender)
    records_changed(scopes_of_change(instance, created=created, update_fields=update_fields))


def _on_delete(sender, instance, **kwargs):
    if not _is_live(sender) or sender._meta.label_lower in IGNORED_MODELS:
        return
    _explained(sender)
    records_changed(scopes_of_change(instance, deleted=True))


def _on_m2m(sender, instance, action, reverse=False, **kwargs):
    if not action.startswith("post_") or not _is_live(sender):
        return
    _explained(sender)
    scopes = None
    label = instance._meta.label_lower
    if not reverse and label in OWNERS and label not in VIEWERS:
        try:
            organisations = _owners(instance, OWNERS[label])
        except DatabaseError:
            organisations = None
        if organisations:
            scopes = {org_scope(pk) for pk in organisations}
    records_changed(scopes)


def connect() -> None:
    post_save.connect(_on_save, dispatch_uid="members.pagecache.save")
    post_delete.connect(_on_delete, dispatch_uid="members.pagecache.delete")
    m2m_changed.connect(_on_m2m, dispatch_uid="members.pagecache.m2m")
    for label in OWNERS:
        try:
            model = global_apps.get_model(label)
        except LookupError:  # an app left out of INSTALLED_APPS: its records raise "all"
            continue
        post_init.connect(_snapshot, sender=model, dispatch_uid=f"members.pagecache.init.{label}")


# --- writes no signal tells of ------------------------------------------------------------------

_WRITE = re.compile(
    r"^\s*(?:(INSERT)\s+(?:OR\s+\w+\s+)?INTO|(UPDATE)|(DELETE)\s+FROM|REPLACE\s+INTO)\s+\"?([\w.]+)\"?",
    re.IGNORECASE,
)
_READ = re.compile(r"^\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|SET|SHOW|EXPLAIN|PRAGMA)\b", re.IGNORECASE)
_SET = re.compile(r"\bSET\b", re.IGNORECASE)
_SET_COLUMN = re.compile(r"(?<![.\w\"])\"?(\w+)\"?\s*=")
_tracking = threading.local()


class WriteWatch:
    """The statements of one request that write, against the changes its signals told of."""

    def __init__(self):
        self.writes: dict[str, int] = {}
        self.told: dict[str, int] = {}
        self.global_needed = False  # a write that cannot be placed
        self.moving: set[str] = set()  # tables written in a way that may move a record or name a viewer
        self.placed: set[str] = set()  # tables whose bulk writes a service placed itself (bulk_written)

    def __call__(self, execute, sql, params, many, context):
        self.look(sql)
        return execute(sql, params, many, context)

    def look(self, sql: str) -> None:
        if _READ.match(sql):
            return
        match = _WRITE.match(sql)
        if match is None:
            self.global_needed = True  # WITH … UPDATE, TRUNCATE, a schema change: not placed
            return
        table = match.group(4).split(".")[-1]
        self.writes[table] = self.writes.get(table, 0) + 1
        label = _label_of_table(table)
        if label is None:
            self.global_needed = True
            return
        if label in IGNORED_MODELS:
            return
        if label not in OWNERS:
            return  # placed if a signal told of it, "all" otherwise (settle)
        if (label in VIEWERS) if not match.group(2) else self._updates_sensitive(label, sql):
            self.moving.add(table)

    @staticmethod
    def _updates_sensitive(label: str, sql: str) -> bool:
        # Every unqualified "column =" after SET, the WHERE's and a subquery's included: a column too many
        # only raises more, where cutting at the first WHERE or FROM missed those set after a subquery.
        columns = set(_SET_COLUMN.findall(_SET.split(sql, maxsplit=1)[-1]))
        return not columns or bool(columns & set(_sensitive(label)))

    def settle(self, *, own_scopes_enough: bool) -> bool:
        """Whether the request's writes need "all" raised: a write no signal told of, unless the user's
        own scopes (raised for a POST) cover it."""
        if self.global_needed:
            return True
        for table, count in self.writes.items():
            if count <= self.told.get(table, 0) or table in self.placed:
                continue
            label = _label_of_table(table)
            if label in IGNORED_MODELS:
                continue
            if not (own_scopes_enough and label in OWNERS and table not in self.moving):
                return True
        return False


def _label_of_table(table: str) -> str | None:
    tables = _TABLES.get("map")
    if tables is None:
        tables = {m._meta.db_table: m._meta.label_lower for m in global_apps.get_models(include_auto_created=True)}
        _TABLES["map"] = tables
    return tables.get(table)


_TABLES: dict[str, dict[str, str]] = {}


def _explained(model) -> None:
    watch = getattr(_tracking, "watch", None)
    if watch is not None:
        table = model._meta.db_table
        watch.told[table] = watch.told.get(table, 0) + 1


def bulk_written(model, *, organisations, users=()) -> None:
    """A service's bulk write (bulk_create, bulk_update, a queryset's update or delete: no signal
    tells of them) placed by the service itself: the organisations' scopes and the scopes of the users
    it names (who may see the records from outside, or no longer) are raised after the commit, and the
    request's writes to the model's table count as told of. Call it after the writes, in the same
    transaction."""
    watch = getattr(_tracking, "watch", None)
    if watch is not None:
        watch.placed.add(model._meta.db_table)
    scopes = {org_scope(pk) for pk in organisations if pk is not None}
    scopes |= {user_scope(pk) for pk in users if pk is not None}
    records_changed(scopes or None)


def watch_writes(watch: WriteWatch | None) -> None:
    _tracking.watch = watch


# --- which scopes a user sees -------------------------------------------------------------------


def visible_scopes(user) -> tuple[str, ...] | str:
    """The organisations' scopes whose records the user may see today (EVERYTHING for a superuser or a
    publisher): a superset of what the apps' permissions let them read. The answers of members.permissions
    are cached on the user, so the page made next asks none of them again."""
    from .models import Membership, Organisation
    from .permissions import is_publisher, member_for, overseen_organisation_ids, secretary_organisation_ids

    if user.is_superuser or is_publisher(user):
        return EVERYTHING
    organisations = set(secretary_organisation_ids(user)) | set(overseen_organisation_ids(user))
    member = member_for(user)
    through = Q(pk__in=[])
    if member is not None:  # every membership, past and future too
        through |= Q(pk__in=Membership.objects.filter(member=member).values("organisation_id"))
    for label, field, paths in VISIBLE_THROUGH:
        try:
            model = global_apps.get_model(label)
        except LookupError:
            continue
        target = model._meta.get_field(field).related_model._meta.label_lower
        who = member if target == "members.member" else user
        if who is None:
            continue
        for path in paths:
            through |= Q(pk__in=model._base_manager.filter(**{field: who}).values(path))
    organisations |= set(Organisation.objects.filter(through).values_list("pk", flat=True))
    return tuple(sorted(org_scope(pk) for pk in organisations))


_viewers: dict[int, tuple[tuple[int, int, int], tuple[str, ...] | str, str]] = {}
#: Users whose scopes one process keeps (each a few hundred bytes; the committee's a few kilobytes).
MAX_VIEWERS = 20_000


def _read_versions(personal, scopes):
    """(sum of the personal scopes' numbers, sum of the organisations' numbers), in one query."""
    from .models import RecordsVersion

    if scopes == EVERYTHING:
        orgs = Q(scope__startswith="org:")
        rows = RecordsVersion.objects.filter(Q(scope__in=personal) | orgs)
    else:
        orgs = Q(scope__in=scopes or ())
        rows = RecordsVersion.objects.filter(scope__in=list(personal) + list(scopes or ()))
    sums = rows.aggregate(personal=Sum("value", filter=Q(scope__in=personal)), orgs=Sum("value", filter=orgs))
    return sums["personal"] or 0, sums["orgs"] or 0


def _local_sum(scopes) -> int:
    if scopes == EVERYTHING:
        return _local_orgs["total"]
    return sum(_local.get(scope, 0) for scope in scopes)


def versions_for(user) -> str | None:
    """The part of a page's key that changes with the records the user sees (None when the database
    cannot say). Read before the page is made: a page made after a change is never kept under an
    older number."""
    personal = (GLOBAL, user_scope(user.pk))
    entry = _viewers.get(user.pk)
    try:
        with _lock:
            personal_local = _local_sum(personal)
        shared, orgs = _read_versions(personal, entry[1] if entry else ())
        # Both numbers only go up: any raise changes the pair. The day too: memberships start and end.
        basis = (shared, personal_local, timezone.localdate().toordinal())
        if entry is None or entry[0] != basis:
            scopes = visible_scopes(user)
            digest = hashlib.sha256("\x00".join(scopes).encode()).hexdigest()[:16]
            entry = (basis, scopes, digest)
            if len(_viewers) >= MAX_VIEWERS:
                _viewers.clear()
            _viewers[user.pk] = entry
            shared, orgs = _read_versions(personal, scopes)
            if (shared, personal_local) != basis[:2]:
                return None  # changed while we looked: make this page without keeping it
    except DatabaseError:
        return None
    with _lock:
        orgs_local = _local_sum(entry[1])
    return f"{shared}:{personal_local}:{orgs}:{orgs_local}:{entry[2]}"


def scopes_written_by(user) -> set[str] | None:
    """What a POST, PUT, PATCH or DELETE of this user raises: their own scope and the organisations they
    see, both before and after the request ("all" for those who see everything, or when the
    database cannot say)."""
    if user is None or not user.is_authenticated:
        return None
    try:
        scopes = visible_scopes(user)
    except DatabaseError:
        return None
    entry = _viewers.get(user.pk)
    if scopes == EVERYTHING or (entry is not None and entry[1] == EVERYTHING):
        return None
    found = {user_scope(user.pk), *scopes}
    if entry is not None:
        found |= set(entry[1])
    return found


# --- the kept pages -----------------------------------------------------------------------------

_pages: OrderedDict[str, tuple[bytes, dict]] = OrderedDict()
_size = {"bytes": 0}


def clear() -> None:
    """Forget every kept page, and what each user sees (looked up again at their next request)."""
    with _lock:
        _pages.clear()
        _size["bytes"] = 0
        _viewers.clear()


def get(key: str) -> tuple[bytes, dict] | None:
    with _lock:
        page = _pages.get(key)
        if page is not None:
            _pages.move_to_end(key)
        return page


def put(key: str, content: bytes, headers: dict) -> None:
    if len(content) > MAX_BYTES // 8:
        return
    with _lock:
        old = _pages.pop(key, None)
        if old is not None:
            _size["bytes"] -= len(old[0])
        _pages[key] = (content, headers)
        _size["bytes"] += len(content)
        while _size["bytes"] > MAX_BYTES and _pages:
            _key, (dropped, _headers) = _pages.popitem(last=False)
            _size["bytes"] -= len(dropped)


def key_for(request) -> str | None:
    """The key of this request's page, or None when it must be made afresh."""
    if request.method != "GET" or not enabled():
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    versions = versions_for(user)  # read first: a page made after a change is never kept under an older number
    if versions is None:
        return None
    # The secret the page's CSRF tokens are made from: the browser's own cookie, not a new one
    # (CsrfViewMiddleware puts it in META; a new secret is still to be sent to the browser).
    csrf = request.META.get("CSRF_COOKIE")
    if not csrf or request.META.get("CSRF_COOKIE_NEEDS_UPDATE") or "messages" in request.COOKIES:
        return None
    session = request.session
    if session.get("_messages"):
        return None
    now = time.time()
    parts = (
        versions,
        str(user.pk),
        user.get_session_auth_hash(),
        request.get_full_path(),
        translation.get_language() or "",
        timezone.localdate().isoformat(),
        str(int(now // TIME_SLOT)),
        csrf,
        str(session.get("otp_device_id", "")),
    )
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()


def messages_added(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and getattr(storage, "_queued_messages", None))
