"""Revisions of catalogue records: what a version holds, how two versions differ, restoring one.

Every catalogue record keeps its edit history with django-simple-history. A
record's *revision* is the id of its newest history record: every save makes
one, so the number changes whenever the record does, and it names who saved it
and when. The admin uses it for optimistic concurrency (programmes/admin_revisions.py):
a form carries the revision it was opened on, and a save from an older one is refused.

A programme's revision is the whole programme as its form edits it: its own
fields, its audiences and contacts (simple-history's m2m_fields), its tags (the
tag_snapshot field) and its child rows, such as partner roles and links, kept
as JSON on each history record (ChildRowsInRevision). A new kind of child row
of a programme joins by adding its relation name to `Programme.revision_children`.
"""

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models

# Fields that say when a record was saved, not what it says: never shown as a difference.
BOOKKEEPING_FIELDS = frozenset({"created_at", "updated_at"})
# Values longer than this are shortened in messages and difference tables.
SHOWN_LENGTH = 300
EMPTY = "(empty)"


def latest_record(model, pk):
    """The newest history record of one record, or None."""
    return model.history.filter(**{model._meta.pk.attname: pk}).order_by("-history_id").first()


def latest_revision(model, pk):
    """The record's revision: the id of its newest history record (0 when it has none)."""
    ids = model.history.filter(**{model._meta.pk.attname: pk}).order_by("-history_id")
    return ids.values_list("history_id", flat=True).first() or 0


def lock(model, pk):
    """Hold the record's row until the transaction ends, so two saves of it run one
    after the other and the second sees the first's revision (PostgreSQL; SQLite
    allows one writer at a time anyway)."""
    model._default_manager.select_for_update().filter(pk=pk).values_list("pk").first()


# --- A programme's child rows in each revision -----------------------------------------


def _row(instance, parent_field):
    return {
        f.attname: getattr(instance, f.attname)
        for f in instance._meta.concrete_fields
        if f.name != parent_field
    }


def child_rows(model, pk):
    """{relation: [row as a dict]} for each of `model.revision_children`, as stored now."""
    rows = {}
    for name in getattr(model, "revision_children", ()):
        relation = model._meta.get_field(name)
        related = relation.related_model._base_manager.filter(**{relation.field.attname: pk})
        rows[name] = [_row(r, relation.field.name) for r in related.order_by("pk")]
    # Through JSON, as they will be stored: dates become text, as in a stored revision.
    return json.loads(json.dumps(rows, cls=DjangoJSONEncoder))


class ChildRowsInRevision(models.Model):
    """A base for a historical model: each record also keeps the record's child rows."""

    children = models.JSONField(default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        # Saves outside the admin (actions, the shell) make complete records too; the
        # admin refreshes the record after it has saved the form's rows (record_children).
        if self._state.adding and not self.children:
            self.children = child_rows(self.instance_type, self.id)
        super().save(*args, **kwargs)


def record_children(obj):
    """Store the record's child rows, as they are now, in its newest history record."""
    if not getattr(type(obj), "revision_children", ()):
        return
    record = latest_record(type(obj), obj.pk)
    if record is not None:
        record.children = child_rows(type(obj), obj.pk)
        record.save(update_fields=["children"])


def restore_children(obj, children):
    """Make the record's child rows those of a revision. Returns the rows that could
    not come back (their partner, say, has been deleted since), as text."""
    skipped = []
    for name in getattr(type(obj), "revision_children", ()):
        if name not in children:
            continue  # a revision from before this kind of row was kept
        relation = type(obj)._meta.get_field(name)
        model, parent = relation.related_model, relation.field
        wanted = {row["id"]: row for row in children[name]}
        current = {r.pk: r for r in model._base_manager.filter(**{parent.attname: obj.pk})}
        # Rows that differ are removed and made again, so unique constraints
        # (one role per partner) never see two rows at once.
        for pk, row in current.items():
            if pk not in wanted or _row(row, parent.name) != _typed(model, wanted[pk], parent):
                row.delete()
                current[pk] = None
        for pk, values in wanted.items():
            if current.get(pk) is not None:
                continue
            values = _typed(model, values, parent)
            if not _targets_exist(model, values):
                skipped.append(_row_text(model, values))
                continue
            model(**{parent.attname: obj.pk, **values}).save()
    return skipped


def _typed(model, row, parent):
    """A stored row's values as the model's fields hold them (dates from text...)."""
    fields = {f.attname: f for f in model._meta.concrete_fields if f.name != parent.name}
    return {k: fields[k].to_python(v) for k, v in row.items() if k in fields}


def _targets_exist(model, values):
    for field in model._meta.concrete_fields:
        if field.is_relation and values.get(field.attname) is not None:
            target = field.related_model._base_manager
            if not target.filter(pk=values[field.attname]).exists():
                return False
    return True


# --- What a version says, for people ---------------------------------------------------


def shorten(text):
    text = str(text)
    return text if len(text) <= SHOWN_LENGTH else text[: SHOWN_LENGTH - 1] + "…"


def _shown(field, value):
    if value is None or value == "":
        return EMPTY
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return "Yes" if value else "No"
    if field.is_relation:
        target = field.related_model._base_manager.filter(pk=value).first()
        return str(target) if target is not None else f"(deleted, id {value})"
    if isinstance(value, datetime.datetime):
        return f"{value:%-d %B %Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value.day} {value:%B %Y}"
    return shorten(value)


def _row_text(model, values):
    fields = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.attname in values and f.editable
    ]
    return ", ".join(_shown(f, values[f.attname]) for f in fields)


def _label(field):
    return str(field.verbose_name)[:1].upper() + str(field.verbose_name)[1:]


def version_values(model, source):
    """{label: text} of everything an editor changes on the record: its fields, its
    many-to-many relations kept in history, its child rows. `source` is the record
    itself (as it is now) or one of its history records."""
    historical = hasattr(source, "history_id")
    values = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or not field.editable or field.name in BOOKKEEPING_FIELDS:
            continue
        value = getattr(source, field.attname)
        if field.name == "tag_snapshot" and not historical:
            value = ", ".join(sorted(source.tags.names(), key=str.lower))
        values[_label(field)] = _shown(field, value)
    for m2m in getattr(model.history.model, "_history_m2m_fields", []):
        target = m2m.related_model
        if historical:
            column = f"{m2m.m2m_reverse_field_name()}_id"
            ids = [getattr(row, column) for row in getattr(source, m2m.name).all()]
        else:
            ids = list(getattr(source, m2m.name).values_list("pk", flat=True))
        names = sorted((str(t) for t in target._base_manager.filter(pk__in=ids)), key=str.lower)
        values[_label(m2m)] = "; ".join(names) or EMPTY
    children = getattr(source, "children", None) if historical else child_rows(model, source.pk)
    for name in getattr(model, "revision_children", ()):
        relation = model._meta.get_field(name)
        label = _label_of(relation.related_model)
        if name not in (children or {}):
            values[label] = "(not recorded in this version)"
            continue
        rows = [_typed(relation.related_model, r, relation.field) for r in children[name]]
        texts = sorted(_row_text(relation.related_model, r) for r in rows)
        values[label] = "; ".join(texts) or EMPTY
    return values


def _label_of(model):
    name = str(model._meta.verbose_name_plural)
    return name[:1].upper() + name[1:]


def differences(old, new):
    """[{field, old, new}] for each label whose text differs, in the record's order."""
    return [
        {"field": label, "old": old.get(label, EMPTY), "new": new.get(label, EMPTY)}
        for label in new
        if old.get(label, EMPTY) != new[label]
    ]


def editor_name(record):
    """Who made a history record: an editor's name, or the system for loads and scripts."""
    user = record.history_user
    if user is not None:
        return user.get_full_name() or user.get_username()
    reason = record.history_change_reason
    return f"the system ({reason})" if reason else "the system"


# --- Records saved without history (loaded from fixtures) -------------------------------

LOADED = "loaded: the documented initiatives"
# The change reason of a save an editor marked "Minor change": email alerts leave it out (alerts/changes.py).
MINOR_CHANGE = "minor: no alert"


def catalogue_histories(get_model):
    """(model, its historical model) for each catalogue record kept in history.
    `get_model` is apps.get_model: this runs in a migration as well."""
    names = [
        "Programme",
        "Partner",
        "Contact",
        "Audience",
        "ProgrammePartner",
        "ProgrammeLink",
        "KeyDate",
        "VocabularyGroup",
    ]
    pairs = [(get_model("programmes", n), get_model("programmes", f"Historical{n}")) for n in names]
    return [*pairs, (get_model("taggit", "Tag"), get_model("programmes", "HistoricalTag"))]


def record_unrecorded(pairs, reason, when, programme_children=("partner_roles", "links")):
    """Give every row that has no history yet a first version ("+"), made by the system
    with `reason`: loaddata saves rows without history (programmes/backups.py).
    Works with a migration's models too (no history managers there). Returns a count."""
    count = 0
    for model, historical in pairs:
        manager = historical._default_manager
        rows = list(model._base_manager.exclude(pk__in=manager.values("id")).order_by("pk"))
        own = {f.attname for f in model._meta.concrete_fields}
        copied = [f.attname for f in historical._meta.concrete_fields if f.attname in own]
        records = manager.bulk_create(
            historical(
                history_date=when,
                history_type="+",
                history_change_reason=reason,
                history_user=None,
                **{a: getattr(row, a) for a in copied},
            )
            for row in rows
        )
        count += len(records)
        if model._meta.model_name == "programme" and records:
            _complete_programme_records(model, historical, records, programme_children)
    return count


def _complete_programme_records(model, historical, records, programme_children):
    """Audiences, contacts and child rows of new programme records, as they are now."""
    by_programme = {r.id: r for r in records}
    for name in ("audiences", "contacts"):
        through = model._meta.get_field(name).remote_field.through
        # simple-history's copy of the relation's table, one set of rows per record
        copies = historical._meta.apps.get_model("programmes", f"HistoricalProgramme_{name}")
        columns = [f.attname for f in through._meta.concrete_fields]
        copies._default_manager.bulk_create(
            copies(
                history_id=by_programme[row.programme_id].pk,
                **{c: getattr(row, c) for c in columns},
            )
            for row in through._default_manager.filter(programme_id__in=by_programme)
        )
    for record in records:
        rows = {}
        for name in programme_children:
            relation = model._meta.get_field(name)
            related = relation.related_model._base_manager.filter(
                **{relation.field.attname: record.id}
            )
            rows[name] = [_row(r, relation.field.name) for r in related.order_by("pk")]
        record.children = json.loads(json.dumps(rows, cls=DjangoJSONEncoder))
        record.save(update_fields=["children"])
