"""No edit lost: optimistic concurrency, comparing versions and restoring them, in the admin.

Every change form (and the History page's restore form) carries, hidden, the
revision of the record it was opened on (programmes/revisions.py: the id of its
newest history record). A save runs with the record's row locked; when the
record has a newer revision by then, the save is refused:

- the message names who saved it and when, and lists what they changed, field by field;
- the form shows the editor's own input, with the other editor's changes merged
  into every field (and list of rows) the editor had left alone. Where both
  changed the same thing, the form keeps the editor's input and says what the
  other editor had; rows the editor changed in a list the other editor changed
  too are listed in the message, as they were typed;
- the form now carries the newer revision: saving again saves the form as shown.

Why not django-concurrency: its version field checks each row on its own, while
an editor saves a programme with its inlines, tags and relations as one thing
(a change to a link must make the whole form stale), and it cannot say who made
the other change or what it was. The history every record keeps already says
both, so its newest record is the version: no extra column, and taggit's Tag
(not our model) is covered the same way.

A new catalogue model opts in with its ModelAdmin inheriting CatalogueHistoryAdmin
(programmes/admin.py) and `history = HistoricalRecords()` on the model; a new
inline of Programme by adding its relation name to Programme.revision_children.
"""

import datetime

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import flatten_fieldsets, unquote
from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from simple_history.admin import SimpleHistoryAdmin

from . import revisions

REVISION_FIELD = "based_on_revision"
BIGGEST_ID = 2**63 - 1


def _id_or_404(*values):
    # simple_history's URLs accept any text as ids; out-of-range numbers fail on SQLite.
    for value in values:
        value = str(value)
        if not value.isdigit() or int(value) > BIGGEST_ID:
            raise Http404("No such record or version")


def _when(moment):
    moment = timezone.localtime(moment)
    return f"{moment:%H:%M} on {moment.day} {moment:%B %Y}"


class ConflictForm:
    """Mixed into a change form whose save was refused: its errors say why."""

    edit_conflict = ()

    def clean(self):
        cleaned = super().clean()
        if self.edit_conflict:
            raise ValidationError(list(self.edit_conflict))
        return cleaned


def _post_value(value):
    """A form value as a browser would post it: None for nothing (an unticked box)."""
    if value is None or value is False:
        return None
    if value is True:
        return ["on"]
    if isinstance(value, datetime.date):
        return [value.isoformat()]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def form_data(form, data=None):
    """The data a browser would post for an unbound form, as {name: [values]}."""
    data = {} if data is None else data
    for name in form.fields:
        value = _post_value(form[name].value())
        if value is not None:
            data[form.add_prefix(name)] = value
    return data


def formset_data(formset):
    data = form_data(formset.management_form)
    for form in formset.forms:
        form_data(form, data)
    return data


class RowsStillThere(BaseInlineFormSet):
    """A row someone else removed since the form was opened gets a visible error
    (Django puts it on the hidden id field, where nobody sees it)."""

    def clean(self):
        super().clean()
        pk_name = self.model._meta.pk.name
        if any(pk_name in form.errors for form in self.initial_forms):
            raise ValidationError(
                f"Some of these {self.model._meta.verbose_name_plural} were removed by "
                "someone else after you opened this page. Open the page again to see them "
                "as they are now."
            )


class ConcurrentEditing:
    """ModelAdmin mixin: the revision check on change and restore forms."""

    # --- the hidden revision field --------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None or obj.pk is None:
            return super().get_form(request, obj, change=change, **kwargs)
        attrs = {
            REVISION_FIELD: forms.IntegerField(
                widget=forms.HiddenInput,
                required=False,
                initial=revisions.latest_revision(self.model, obj.pk),
            ),
            "edit_conflict": getattr(request, "edit_conflict", ()),
        }
        base = self.form
        kwargs["form"] = type(base.__name__, (ConflictForm, base), attrs)
        if "fields" not in kwargs:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [f for f in fields if f != REVISION_FIELD]
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or obj.pk is None or REVISION_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], REVISION_FIELD]}), *rest]

    def get_object(self, request, object_id, from_field=None):
        if from_field is None:
            _id_or_404(unquote(object_id))
        return super().get_object(request, object_id, from_field)

    # --- the check ------------------------------------------------------------------

    def _changeform_view(self, request, object_id, form_url, extra_context):
        # Runs inside the transaction ModelAdmin.changeform_view opens.
        if request.method == "POST" and object_id and "_saveasnew" not in request.POST:
            _id_or_404(unquote(object_id))
            self.check_revision(request, object_id)
        return super()._changeform_view(request, object_id, form_url, extra_context)

    def check_revision(self, request, object_id, restoring=False):
        """Refuse a save from a form opened on an older revision (see the module's doc)."""
        revisions.lock(self.model, object_id)
        obj = self.model._default_manager.filter(pk=object_id).first()
        if obj is None:
            return
        current = revisions.latest_revision(self.model, obj.pk)
        posted = request.POST.get(REVISION_FIELD, "")
        if posted == str(current):
            return
        history = self.model.history.filter(**{self.model._meta.pk.attname: obj.pk})
        base = (
            history.filter(history_id=int(posted)).first()
            if posted.isdigit() and int(posted) <= BIGGEST_ID
            else None
        )
        post, notes = self._merged_post(request, obj, base, restoring)
        post.setlist(REVISION_FIELD, [str(current)])
        request.POST = post
        newer = history.filter(history_id__gt=base.history_id) if base else history
        request.edit_conflict = self._conflict_messages(obj, base, newer, notes)

    def _conflict_messages(self, obj, base, newer, notes):
        newer = list(newer.select_related("history_user").order_by("-history_id"))
        latest = newer[0]
        names = list(dict.fromkeys(revisions.editor_name(r) for r in newer))
        who = " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
        noun = self.model._meta.verbose_name
        lines = [
            f"Not saved: {who} saved this {noun} after you opened it, "
            f"most recently at {_when(latest.history_date)}."
        ]
        now = revisions.version_values(self.model, obj)
        if base is not None:
            changes = revisions.differences(revisions.version_values(self.model, base), now)
            for change in changes:
                lines.append(
                    f"They changed {change['field']}: “{change['old']}” → “{change['new']}”."
                )
            if not changes:
                lines.append("They saved it without changing what this form shows.")
        lines += notes
        lines.append(
            "Your own changes are still in the form, with theirs added wherever you had "
            "changed nothing. Check it, then save again."
        )
        return lines

    def _merged_post(self, request, obj, base, restoring):
        """The editor's posted data with the other editor's changes merged in, and notes."""
        notes = []
        post = request.POST.copy()
        form_class = self.get_form(request, obj, change=True)
        current_form = form_class(instance=obj)
        theirs = MultiValueDict(form_data(current_form))
        base_form = form_class(instance=base.instance) if base is not None else None
        for name, field in current_form.fields.items():
            if name == REVISION_FIELD or base_form is None:
                continue  # with no version to merge against, the editor's input stands
            key = current_form.add_prefix(name)
            initial = base_form[name].initial
            posted = field.widget.value_from_datadict(request.POST, {}, key)
            saved = field.widget.value_from_datadict(theirs, {}, key)
            if not field.has_changed(initial, saved):
                continue
            if not field.has_changed(initial, posted):
                post.setlist(key, theirs.getlist(key))  # an empty list: an unticked box
            elif field.has_changed(current_form[name].initial, posted):
                notes.append(
                    f"You both changed {field.label or name}: the form keeps yours. "
                    f"Theirs: “{revisions.shorten(self._shown(current_form, name))}”."
                )
        if not restoring:  # the restore form has no rows to merge
            self._merge_inlines(request, obj, base, post, notes)
        return post, notes

    @staticmethod
    def _shown(form, name):
        value = form[name].value()
        field = form.fields[name]
        if hasattr(field, "queryset") and value not in (None, "", []):
            values = value if isinstance(value, list | tuple) else [value]
            return "; ".join(str(o) for o in field.queryset.filter(pk__in=values)) or "(empty)"
        if isinstance(value, bool):
            return "Yes" if value else "No"
        return value if value not in (None, "") else "(empty)"

    def _merge_inlines(self, request, obj, base, post, notes):
        """Inline rows: the editor's, unless the other editor changed that list; then
        theirs, and the message lists what the editor had typed."""
        children = getattr(base, "children", None) or {}
        now = revisions.child_rows(self.model, obj.pk)
        prefixes = {}
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            prefix = formset_class.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            queryset = inline.get_queryset(request)
            posted = formset_class(request.POST, instance=obj, prefix=prefix, queryset=queryset)
            unchanged = prefix in children and children[prefix] == now.get(prefix)
            if unchanged and self._rows_exist(posted):
                continue  # nobody else changed this list: the editor's rows stand
            typed = self._typed_rows(posted)
            before = self._stored_rows(formset_class.model, children.get(prefix), posted)
            if typed and (before is None or sorted(typed) != sorted(before)):
                notes.append(
                    f"They also changed the {inline.verbose_name_plural}, so the form shows "
                    f"theirs. What you had: {'; '.join(', '.join(r) for r in typed)}."
                )
            for key in [k for k in post if k.startswith(f"{prefix}-")]:
                del post[key]
            current = formset_class(instance=obj, prefix=prefix, queryset=queryset)
            for key, values in formset_data(current).items():
                post.setlist(key, values)

    @staticmethod
    def _rows_exist(formset):
        """Whether every row the post names is still there (a row can go without a new
        version of the record: a script, a superuser's shell)."""
        if not formset.management_form.is_valid():
            return False
        pk_name = formset.model._meta.pk.name
        ids = {
            str(formset.data.get(f"{form.prefix}-{pk_name}", "")) for form in formset.initial_forms
        }
        existing = {str(pk) for pk in formset.get_queryset().values_list("pk", flat=True)}
        return ids <= existing

    def _typed_rows(self, formset):
        """The rows an editor's post holds (not deleted, not left blank), as texts."""
        if not formset.is_bound or not formset.management_form.is_valid():
            return []
        rows = []
        fk = formset.fk.name
        for i, form in enumerate(formset.forms):
            if i >= formset.initial_form_count() and not form.has_changed():
                continue
            if form["DELETE"].value() if "DELETE" in form.fields else False:
                continue
            names = [n for n in form.fields if n not in ("id", "DELETE", fk)]
            rows.append(tuple(self._shown_posted(form, n) for n in names))
        return rows

    def _stored_rows(self, model, rows, formset):
        if rows is None:
            return None
        fk = formset.fk.name
        form = formset.empty_form
        names = [n for n in form.fields if n not in ("id", "DELETE", fk)]
        out = []
        for row in rows:
            values = []
            for n in names:
                field = model._meta.get_field(n)
                value = row.get(field.attname)
                if field.is_relation:
                    values.append(revisions._shown(field, value))
                else:
                    values.append("" if value is None else str(value))
            out.append(tuple(values))
        return out

    @staticmethod
    def _shown_posted(form, name):
        field = form.fields[name]
        value = field.widget.value_from_datadict(form.data, {}, form.add_prefix(name))
        if hasattr(field, "queryset") and value:
            target = field.queryset.filter(pk=value).first() if str(value).isdigit() else None
            return str(target) if target is not None else str(value)
        return str(value or "")

    # --- comparing and restoring versions ----------------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        _id_or_404(object_id)
        context = dict(extra_context or {})
        compare = request.GET.get("compare", "")
        if compare:
            _id_or_404(compare)
            context.update(self._comparison(object_id, compare))
        return super().history_view(request, object_id, context)

    def _comparison(self, object_id, version_id):
        record = self.model.history.filter(
            **{self.model._meta.pk.attname: object_id, "history_id": version_id}
        ).first()
        obj = self.model._default_manager.filter(pk=object_id).first()
        if record is None or obj is None:
            raise Http404("No such version")
        return {
            "compared_version": record,
            "compared_by": revisions.editor_name(record),
            "version_differences": revisions.differences(
                revisions.version_values(self.model, record),
                revisions.version_values(self.model, obj),
            ),
        }

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _id_or_404(object_id, version_id)
        context = dict(extra_context or {})
        if self.model._default_manager.filter(pk=object_id).exists():
            context.update(self._comparison(object_id, version_id))
        request.restoring_version = version_id
        # simple_history's view does not run in a transaction: the check, the
        # save and the restored rows must succeed or fail together.
        with transaction.atomic():
            if request.method == "POST":
                self.check_revision(request, object_id, restoring=True)
            return super().history_form_view(request, object_id, version_id, context)

    def save_model(self, request, obj, form, change):
        version_id = getattr(request, "restoring_version", None)
        super().save_model(request, obj, form, change)
        if version_id is not None:
            record = self.model.history.get(history_id=version_id)
            skipped = revisions.restore_children(obj, getattr(record, "children", None) or {})
            revisions.record_children(obj)
            for text in skipped:
                messages.warning(request, f"Could not bring back “{text}”: it no longer exists.")

    def response_change(self, request, obj):
        version_id = getattr(request, "restoring_version", None)
        if version_id is None:
            return super().response_change(request, obj)
        record = self.model.history.get(history_id=version_id)
        restored = (
            f"Restored “{obj}” to the version {revisions.editor_name(record)} saved at "
            f"{_when(record.history_date)}."
        )
        self.message_user(request, f"{restored} {getattr(request, 'restored_message', '')}")
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # The version this save made gets the rows the forms just saved.
        revisions.record_children(form.instance)


class CatalogueHistoryAdmin(ConcurrentEditing, SimpleHistoryAdmin):
    """The admin of a catalogue record: edit history, its comparison and restore, and
    the revision check. Names editors without linking to their accounts."""

    object_history_template = "admin/programmes/object_history.html"
    object_history_list_template = "admin/programmes/object_history_list.html"
    object_history_form_template = "admin/programmes/object_history_form.html"
