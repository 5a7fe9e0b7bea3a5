"""The catalogue's GET parameters, read and cleaned: the one place that does it.

`q` (search), `availability`, `status`, `kind`, `audience`, `tag`,
`partner` (each repeatable, values are slugs), `sort`, and `spelling=exact` (search for the
words as typed, without correcting them). Bad input never fails the form:
unknown values are dropped and reported as notices, over-long searches are
shortened. Facet values are known from the finder's index, so reading them
costs no query.
"""

import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any, cast

from django import forms

from ..models import Programme
from ..taking_part import NOT_STATED, Availability
from .index import SORTS, CatalogueIndex

SEARCH_MAX_LENGTH = 200
FACETS = {
    "availability": "Availability",
    "status": "Stage",
    "kind": "Format",
    "audience": "Who it is for",
    "tag": "Topic",
    "partner": "Partner",
}
# What a notice calls a value of each facet.
NOUNS = {
    "availability": "availability",
    "status": "stage",
    "kind": "format",
    "audience": "audience",
    "tag": "topic",
    "partner": "partner",
}
# The Availability facet's options, best first (programmes/taking_part.py says
# how each programme's availability today is worked out).
AVAILABILITY_OPTIONS = [
    (Availability.OPEN.value, "Open for applications"),
    (Availability.ANY_TIME.value, "Open to join any time"),
    (Availability.OPENING.value, "Opening soon"),
    (Availability.INVITATION.value, "By invitation or nomination"),
    (Availability.ORGANISATIONS.value, "For organisations, not individuals"),
    (NOT_STATED, "Not stated: ask the team"),
    (Availability.CLOSED.value, "Closed"),
    (Availability.ENDED.value, "Ended"),
]
# The options of the facets whose values are fixed.
FIXED_OPTIONS = {
    "availability": AVAILABILITY_OPTIONS,
    "status": Programme.Status.choices,
    "kind": Programme.Kind.choices,
}
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


class SearchField(forms.CharField):
    """Free text, cleaned rather than refused: control characters removed, spaces
    collapsed, shortened to SEARCH_MAX_LENGTH with a notice."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, strip=True, **kwargs)
        self.notices: list[str] = []

    def clean(self, value: Any) -> Any:
        # A form's fields are shallow copies of the class's: each clean starts afresh.
        self.notices = []
        return super().clean(value)

    def to_python(self, value: object) -> str:
        value = CONTROL_CHARACTERS.sub(" ", value if isinstance(value, str) else "")
        value = " ".join(value.split())
        if len(value) > SEARCH_MAX_LENGTH:
            self.notices.append(
                f"Your search was longer than {SEARCH_MAX_LENGTH} characters, "
                "so we searched for the first part only."
            )
            value = value[:SEARCH_MAX_LENGTH].rstrip()
        return value


class FacetField(forms.MultipleChoiceField):
    """Several values of one facet. Keeps the values it knows (`known`: the facet's
    values, a dict or set), drops the rest with a notice, and never fails the form.
    The form is never drawn (the page draws its facets), so the values are given
    as `known` rather than as choices, which Django would copy and normalise on
    every request: hundreds of partners and topics at 10,000 programmes."""

    def __init__(self, *, noun: str, known: Collection[str] = (), **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.noun = noun
        self.known = known
        self.notices: list[str] = []

    def clean(self, value: Any) -> list[str]:
        self.notices = []
        values = [v for v in dict.fromkeys(value or []) if isinstance(v, str) and v.strip()]
        known = self.known
        # Named one by one, up to a few: a link with a hundred bad values gets
        # five notices, not a hundred.
        for unknown in [v for v in values if v not in known][:5]:
            shown = unknown if len(unknown) <= 60 else unknown[:60] + "…"
            self.notices.append(f"We ignored the {self.noun} “{shown}”: no programme has it.")
        return [v for v in values if v in known]


class ChoiceOrNothing(forms.ChoiceField):
    """One of its choices, or "" with a notice (never an error)."""

    def __init__(self, *, notice: str = "", **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.notice = notice
        self.notices: list[str] = []

    def clean(self, value: Any) -> str:
        self.notices = []
        if value and value not in {key for key, _ in cast(Iterable[tuple[str, str]], self.choices)}:
            if self.notice:
                self.notices.append(self.notice)
            return ""
        return value or ""


class CatalogueForm(forms.Form):
    """The catalogue's parameters. `index` gives the related facets their values."""

    q = SearchField(label="Search programmes")
    availability = FacetField(noun=NOUNS["availability"], known=dict(AVAILABILITY_OPTIONS))
    status = FacetField(noun=NOUNS["status"], known=dict(Programme.Status.choices))
    kind = FacetField(noun=NOUNS["kind"], known=dict(Programme.Kind.choices))
    audience = FacetField(noun=NOUNS["audience"])
    tag = FacetField(noun=NOUNS["tag"])
    partner = FacetField(noun=NOUNS["partner"])
    sort = ChoiceOrNothing(
        choices=list(SORTS.items()),
        notice="We did not recognise that sort order, so we used the usual one.",
    )
    spelling = ChoiceOrNothing(choices=[("exact", "As typed")])

    def __init__(self, data: Mapping[str, Any], *, index: CatalogueIndex) -> None:
        super().__init__(data)
        for name in ("audience", "tag", "partner"):
            cast(FacetField, self.fields[name]).known = index.labels[name]
        for name, label in FACETS.items():
            self.fields[name].label = label

    def value(self, name: str) -> Any:  # a list of values for a facet, else a str
        """The cleaned value of a parameter (validating the form once)."""
        self.is_valid()
        return self.cleaned_data.get(name) or ([] if name in FACETS else "")

    def notices(self) -> list[str]:
        self.is_valid()
        fields = cast(dict[str, SearchField | FacetField | ChoiceOrNothing], self.fields)
        return [notice for field in fields.values() for notice in field.notices]
