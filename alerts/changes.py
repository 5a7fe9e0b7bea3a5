"""What changed in the catalogue that subscribers may hear about.

Rather than hooks on every save, each search for changes compares every
programme with what alerts last knew of it (ProgrammeState) and records a
Change for each difference:

- newly published (a draft made public, or a new public programme);
- availability: what its page says about joining now, worked out for today in
  London (programmes/taking_part.py), so "applications open" on the morning of
  their opening date is found with no edit at all;
- key dates added, changed or removed;
- updated: the text staff read (title, summary, body, taking-part facts)
  changed. An editor who ticks "Minor change" on the programme's form marks the
  save's history record (MINOR): a change of text or key dates whose every save
  since the last search was marked so is recorded silently. Publishing and
  availability are always announced.

So changes made any way (the admin, a restored version, a script) are found,
and a search costs nothing when the catalogue version (which every change and
each new day in London replaces) is the one last searched. Searches are one at a
time: each holds the "changes" lease row for its transaction, and gives up and
starts again if the catalogue changed while it read (as the finder's index does).
"""

import hashlib
import json

from django.db import transaction
from django.db.models import Max

from programmes.cache import catalogue_version
from programmes.models import KeyDate, Programme, published_rule
from programmes.revisions import MINOR_CHANGE
from programmes.taking_part import availability, london_today

from .leases import hold
from .models import Change, ProgrammeState

# The history record's change reason of a save marked "Minor change".
MINOR = MINOR_CHANGE

# The text of a programme that staff read, with the words an alert uses for each.
CONTENT_FIELDS = {
    "title": "title",
    "summary": "summary",
    "body": "description",
    "status": "stage",
    "kind": "format",
    "who_can_take_part": "who can take part",
    "how_to_take_part": "how to take part",
    "cta_label": "call to action",
    "cta_url": "call to action",
    "cost": "cost",
    "time_commitment": "time it takes",
    "delivery": "how it is delivered",
    "location": "where",
    "ended_notice": "where to go instead",
}
KEY_DATE_FIELDS = ("kind", "label", "starts_on", "starts_at", "ends_on", "ends_at", "url")
READ_CHUNK = 2000
SHOWN_KEY_DATES = 3


def _digest(value):
    return hashlib.blake2b(str(value).encode(), digest_size=8).hexdigest()


def _key_dates():
    """For every programme with key dates: {programme id: [[kind, label, when, link]]}
    (what an alert can name), and {programme id: [(kind, date)]} of its application
    dates (what availability follows)."""
    shown, applications = {}, {}
    kinds = (KeyDate.Kind.APPLICATIONS_OPEN, KeyDate.Kind.APPLICATIONS_CLOSE)
    rows = (
        KeyDate.objects.order_by("programme_id", "starts_on", "starts_at", "label", "pk")
        .values_list("programme_id", *KEY_DATE_FIELDS)
        .iterator(chunk_size=READ_CHUNK)
    )
    for programme_id, *values in rows:
        date = KeyDate(**dict(zip(KEY_DATE_FIELDS, values, strict=True)))
        shown.setdefault(programme_id, []).append(
            [date.get_kind_display(), date.label, date.when, date.url]
        )
        if date.kind in kinds:
            applications.setdefault(programme_id, []).append((date.kind, date.starts_on))
    return shown, applications


def _describe_key_dates(old, new):
    added = [d for d in new if d not in old]
    removed = [d for d in old if d not in new]
    lines = [f"New key date: {label}, {when}" for _, label, when, _ in added]
    lines += [f"Key date removed: {label}, {when}" for _, label, when, _ in removed]
    if len(lines) > SHOWN_KEY_DATES:
        lines = [*lines[:SHOWN_KEY_DATES], f"and {len(lines) - SHOWN_KEY_DATES} more"]
    return "; ".join(lines) or "Key dates changed"


def _describe_content(old, new):
    changed = list(dict.fromkeys(CONTENT_FIELDS[f] for f in new if old.get(f) != new[f]))
    if not changed:
        return ""
    words = changed[0] if len(changed) == 1 else f"{', '.join(changed[:-1])} and {changed[-1]}"
    return f"Updated: {words}"


def _minor_saves(since):
    """{programme id: whether every save after history record `since` was marked
    minor}, and the newest history record id."""
    minor = {}
    newest = since
    rows = (
        Programme.history.filter(history_id__gt=since)
        .order_by()
        .values_list("history_id", "id", "history_change_reason")
        .iterator(chunk_size=READ_CHUNK)
    )
    for history_id, programme_id, reason in rows:
        minor[programme_id] = minor.get(programme_id, True) and reason == MINOR
        newest = max(newest, history_id)
    return minor, newest


def find_changes(run=""):
    """Record what changed since the last search; returns the Changes made. The
    first search ever (no state at all) records none: it is where alerts start."""
    for _ in range(3):
        version = catalogue_version()
        with transaction.atomic():
            lease = hold("changes", run)
            if lease.version == version:
                return []
            changes = _compare(lease)
            if catalogue_version() != version:
                # Something was saved while we read: read it all again.
                transaction.set_rollback(True)
                continue
            lease.version = version
            lease.save(update_fields=["version", "history_id"])
            return changes
    return []


def _compare(lease):
    states = ProgrammeState.objects.in_bulk()
    first = not states and not lease.history_id and not lease.version
    minor, lease.history_id = _minor_saves(lease.history_id)
    if first:
        lease.history_id = Programme.history.aggregate(newest=Max("history_id"))["newest"] or 0
    key_dates, application_dates = _key_dates()
    today = london_today()
    ended = list(CONTENT_FIELDS).index("status")
    changes, new_states, changed_states = [], [], []
    rows = (
        Programme.objects.annotate(public=published_rule())
        .order_by("pk")
        .values_list("pk", "public", "availability", *CONTENT_FIELDS)
    )
    for pk, published, choice, *texts in rows.iterator(chunk_size=READ_CHUNK):
        content = {f: _digest(t) for f, t in zip(CONTENT_FIELDS, texts, strict=True)}
        dates = key_dates.get(pk, [])
        now = availability(
            status_ended=texts[ended] == Programme.Status.ENDED,
            choice=choice,
            key_dates=application_dates.get(pk, ()),
            today=today,
        )
        state = states.get(pk)
        current = ProgrammeState(
            programme_id=pk,
            published=published,
            availability=now.label,
            key_dates=json.loads(json.dumps(dates)),
            content=content,
        )
        if state is None:
            new_states.append(current)
            if published and not first:
                changes.append(
                    Change(
                        programme_id=pk,
                        kind=Change.Kind.PUBLISHED,
                        description="New in the catalogue",
                    )
                )
            continue
        if (state.published, state.availability, state.key_dates, state.content) == (
            current.published,
            current.availability,
            current.key_dates,
            current.content,
        ):
            continue
        changed_states.append(current)
        if not published:
            continue
        if not state.published:
            changes.append(
                Change(
                    programme_id=pk, kind=Change.Kind.PUBLISHED, description="New in the catalogue"
                )
            )
            continue
        if state.availability != current.availability:
            changes.append(
                Change(
                    programme_id=pk,
                    kind=Change.Kind.AVAILABILITY,
                    description=f"Availability: {current.availability}",
                )
            )
        quiet = minor.get(pk, False)
        if state.key_dates != current.key_dates and not quiet:
            changes.append(
                Change(
                    programme_id=pk,
                    kind=Change.Kind.KEY_DATES,
                    description=_describe_key_dates(state.key_dates, current.key_dates),
                )
            )
        described = _describe_content(state.content, current.content)
        if described and not quiet:
            changes.append(Change(programme_id=pk, kind=Change.Kind.UPDATED, description=described))
    ProgrammeState.objects.bulk_create(new_states, batch_size=500)
    ProgrammeState.objects.bulk_update(
        changed_states, ["published", "availability", "key_dates", "content"], batch_size=500
    )
    return Change.objects.bulk_create(changes, batch_size=500)
