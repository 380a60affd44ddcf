"""The admin's add and change POSTs with another organisation's ids, for every admin model, every
inline and both staff secretaries: refused, nothing created or changed (table: tests/url_auth/admin.py).

A model registered in the admin without an entry in the table fails, so a new admin page cannot
ship without these probes.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldDoesNotExist
from django.forms.models import _get_foreign_key
from django.urls import reverse

from core.admin import ScopedAdminMixin, ScopedInlineMixin
from members.roles import SECRETARIES_GROUP, setup_role_groups

from .admin_forms import encode, form_data, with_values
from .url_auth.admin import TABLE, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _uploads_in_a_temporary_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


LABELS = sorted(model._meta.label_lower for model in admin.site._registry)
ROLES = ("secretary", "secretary2")
SAVE = {"_save": "Save"}


def test_every_admin_model_has_an_entry():
    missing = sorted(set(LABELS) - set(TABLE))
    assert missing == [], f"admin models without a row in tests/url_auth/admin.py: {missing}"


def test_every_organisations_admin_and_inline_scopes_its_choices():
    """Every admin of an organisation's model, and each of its inlines, uses the scoped mixins."""
    wrong = []
    for model, model_admin in admin.site._registry.items():
        if TABLE[model._meta.label_lower]["add"] is None:
            continue  # superusers only
        if not isinstance(model_admin, ScopedAdminMixin):
            wrong.append(model._meta.label_lower)
        wrong += [
            f"{model._meta.label_lower}: {i.__name__}"
            for i in model_admin.inlines
            if not issubclass(i, ScopedInlineMixin)
        ]
    assert wrong == []


@pytest.fixture
def world(org, other_org, secretary, other_secretary):
    setup_role_groups(Group, Permission)
    group = Group.objects.get(name=SECRETARIES_GROUP)
    for user in (secretary, other_secretary):
        user.is_staff = True
        user.save()
        user.groups.add(group)
    return {
        "users": {"secretary": secretary, "secretary2": other_secretary},
        "secretary": build_world(org, secretary),
        "secretary2": build_world(other_org, other_secretary),
    }


def _field(model, name):
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_relation(model, name) -> bool:
    """A foreign key or many-to-many field of the model itself (not a reverse relation)."""
    field = _field(model, name)
    return field is not None and field.is_relation and not field.auto_created


def _urls(model, obj=None):
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return reverse(f"{info}_add"), reverse(f"{info}_change", args=[obj.pk]) if obj is not None else None


def _value(obj, field):
    obj = type(obj)._default_manager.get(pk=obj.pk)
    if field.many_to_many:
        return sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return getattr(obj, field.attname)


def _errors(response):
    """The errors of the main form; with `inlines`, those of the inline rows too."""
    context = response.context
    if not context or "adminform" not in context:
        return {}
    errors = dict(context["adminform"].form.errors)
    for inline in context.get("inline_admin_formsets", []):
        for n, form_errors in enumerate(inline.formset.errors):
            errors.update({f"{inline.formset.prefix}-{n}-{k}": v for k, v in form_errors.items()})
        if inline.formset.non_form_errors():
            errors[inline.formset.prefix] = inline.formset.non_form_errors()
    return errors


def _fresh(client, url) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    data = form_data(response.content)
    return {k: v for k, v in data.items() if "__prefix__" not in k}


def _probe_add(client, model, entry, own, foreign, wrong):
    add_url, _ = _urls(model)
    count = model._default_manager.count
    before = count()
    if entry.get("secretary_adds", True) is False:
        if client.get(add_url).status_code != 403:
            wrong.append("add page not refused")
        values = entry["add"](own)
        variants = [values] + [{**entry["add"](own), k: entry["add"](foreign)[k]} for k in values]
        for data in variants:
            status = client.post(add_url, with_values(SAVE, data)).status_code
            if status != 403:
                wrong.append(f"add POST answered {status}")
        if count() != before:
            wrong.append("a row was added")
        return
    base = _fresh(client, add_url)
    response = client.post(add_url, with_values({**base, **SAVE}, entry["add"](own)))
    assert response.status_code == 302, f"control add refused: {_errors(response)}"
    assert count() == before + 1
    foreign_values = entry["add"](foreign)
    for key in [k for k in entry["add"](own) if _is_relation(model, k)]:
        before = count()
        response = client.post(add_url, with_values({**base, **SAVE}, {**entry["add"](own), key: foreign_values[key]}))
        if response.status_code != 200 or key not in _errors(response) or count() != before:
            wrong.append(f"add with another organisation's {key}: {response.status_code}, {dict(_errors(response))}")


def _probe_change(client, model, obj, foreign, wrong):
    _, url = _urls(model, obj)
    response = client.get(url)
    assert response.status_code == 200, f"own {model._meta.label_lower} not shown: {response.status_code}"
    data = form_data(response.content)
    if response.context["has_change_permission"]:
        control = client.post(url, {**data, **SAVE})
        assert control.status_code == 302, f"control change refused: {_errors(control)}"
        data = _fresh(client, url)  # (the save may have moved a version on)
    # Each probe is refused and changes nothing, so the same form serves them all.
    for field in [f for f in model._meta.get_fields() if f.name in data and _is_relation(model, f.name)]:
        before = _value(obj, field)
        other = foreign[field.related_model._meta.label_lower]
        response = client.post(url, {**data, **SAVE, field.name: encode([other] if field.many_to_many else other)})
        if response.status_code not in (200, 403) or _value(obj, field) != before:
            wrong.append(f"change of {field.name} to another organisation's: {response.status_code}")
        elif response.status_code == 200 and field.name not in _errors(response):
            wrong.append(f"change of {field.name} not refused on the form")


def _probe_foreign_row(client, model, own_obj, foreign_obj, wrong):
    _, url = _urls(model, foreign_obj)
    if client.get(url).status_code not in (302, 403, 404):
        wrong.append("another organisation's row is shown")
    stored = model._default_manager.get(pk=foreign_obj.pk)
    before = {f.attname: getattr(stored, f.attname) for f in model._meta.concrete_fields}
    _, own_url = _urls(model, own_obj)
    client.post(url, {**form_data(client.get(own_url).content), **SAVE})
    after = model._default_manager.get(pk=foreign_obj.pk)
    if any(getattr(after, name) != value for name, value in before.items()):
        wrong.append("another organisation's row was changed")


def _probe_inlines(client, model, obj, own, foreign, wrong):
    _, url = _urls(model, obj)
    for inline in admin.site._registry[model].inlines:
        fk = _get_foreign_key(model, inline.model, fk_name=inline.fk_name)
        prefix = fk.remote_field.get_accessor_name(model=inline.model).replace("+", "")
        entry = TABLE[inline.model._meta.label_lower]
        count = inline.model._default_manager.count
        page = form_data(client.get(url).content)
        template = f"{prefix}-__prefix__-"
        on_form = {k.removeprefix(template) for k in page if k.startswith(template)}
        addable = bool(on_form)  # the empty row to copy is there only when rows may be added
        keep = on_form or {f.name for f in inline.model._meta.get_fields()}

        def row(values, keep=keep, fk=fk):
            return {k: v for k, v in values.items() if k in keep and k != fk.name}

        def post(data, values, prefix=prefix):
            total = int(data[f"{prefix}-TOTAL_FORMS"][0])
            data = {**data, f"{prefix}-TOTAL_FORMS": str(total + 1), **SAVE}
            return client.post(url, with_values(data, values, prefix=f"{prefix}-{total}-"))

        data = {k: v for k, v in page.items() if "__prefix__" not in k}
        if addable:
            before = count()
            control = post(data, row(entry["add"](own)))
            assert control.status_code == 302, f"control inline {prefix} row refused: {_errors(control)}"
            assert count() == before + 1
            data = _fresh(client, url)
        before = count()
        foreign_row = row(entry["add"](foreign))
        for key in [k for k in row(entry["add"](own)) if _is_relation(inline.model, k)]:
            response = post(data, {**row(entry["add"](own)), key: foreign_row[key]})
            if count() != before or (addable and response.status_code != 200):
                wrong.append(f"inline {prefix}: a row with another organisation's {key}: {response.status_code}")
        if not addable:
            post(data, row(entry["add"](own)))
            if count() != before:
                wrong.append(f"inline {prefix}: a row was added where none may be")
        # The rows already shown: each relation pointed at the other organisation.
        for n in range(int(data[f"{prefix}-INITIAL_FORMS"][0])):
            row_id = data[f"{prefix}-{n}-id"][0]
            existing = inline.model._default_manager.get(pk=row_id)
            for field in inline.model._meta.get_fields():
                name = f"{prefix}-{n}-{field.name}"
                if field.name == fk.name or name not in data or not _is_relation(inline.model, field.name):
                    continue
                before = _value(existing, field)
                client.post(url, {**data, **SAVE, name: encode(foreign[field.related_model._meta.label_lower])})
                if _value(existing, field) != before:
                    wrong.append(f"inline {prefix}: row {row_id}'s {field.name} changed to another organisation's")


@pytest.mark.parametrize("label", LABELS)
def test_another_organisations_ids_are_refused_in_the_admin(client, world, label):
    model = apps.get_model(label)
    entry = TABLE[label]
    wrong = {}
    for role, other in (ROLES, ROLES[::-1]):
        client.force_login(world["users"][role])
        own, foreign = world[role], world[other]
        found = []
        if entry["add"] is None:
            add_url, _ = _urls(model)
            for response in (client.get(add_url), client.post(add_url, SAVE)):
                if response.status_code != 403:
                    found.append(f"{response.request['REQUEST_METHOD']} add answered {response.status_code}")
        else:
            _probe_add(client, model, entry, own, foreign, found)
            _probe_change(client, model, own[label], foreign, found)
            _probe_foreign_row(client, model, own[label], foreign[label], found)
            _probe_inlines(client, model, own[label], own, foreign, found)
        if found:
            wrong[role] = found
    assert wrong == {}


def test_after_migrate_the_role_groups_hold_every_apps_permissions():
    """A fresh install (migrate alone, no demo): the secretaries' group can read the reports after the
    meeting in the back office, an app newer than the migration that made the group."""
    secretaries = Group.objects.get(name=SECRETARIES_GROUP)
    assert secretaries.permissions.filter(content_type__app_label="reports", codename="view_meetingreport").exists()
    assert secretaries.permissions.filter(content_type__app_label="meetings", codename="change_meeting").exists()
