"""Finding programmes: the one place that turns the catalogue's GET parameters into a result.

Parameters (the URL contract): `q` (search), `status`, `kind`, `audience`, `tag`,
`partner` (each repeatable, values are slugs), `sort`. Values within a facet
combine with OR, facets with AND. Bad input never fails the request: unknown
values are dropped and reported as notices, over-long searches are shortened.

django-filter reads and cleans the parameters (its form and filters); each
filter then narrows a Selection of the in-memory catalogue index
(programmes/catalogue_index.py, which says why), where counts, facets and
ordering cost microseconds. Views fetch only the programmes they show.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Value
from taggit.models import Tag

from .catalogue_index import Selection, current_index
from .collation import a_to_z
from .models import Audience, Partner, Programme

SEARCH_MAX_LENGTH = 200
SEARCH_MAX_TERMS = 8

# Words that carry no meaning in a search box ("something on recruitment bias").
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "any",
        "are",
        "about",
        "does",
        "do",
        "for",
        "from",
        "how",
        "i",
        "in",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "there",
        "to",
        "what",
        "which",
        "who",
        "with",
        "something",
        "anything",
        "programme",
        "programmes",
    ]
)

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# What a slug can look like (taggit keeps Unicode letters). Anything else is not
# looked up at all: PostgreSQL refuses some characters (NUL) outright.
SLUG = re.compile(r"[-\w]{1,200}")


def search_terms(query: str) -> list[str]:
    """The meaningful words of a search, casefolded, at most SEARCH_MAX_TERMS."""
    words = [w.strip(".,;:!?\"'()[]{}") for w in query.casefold().split()]
    words = [w for w in dict.fromkeys(words) if w]
    meaningful = [w for w in words if w not in STOP_WORDS]
    # A search made only of stop words ("the") still searches for them.
    return (meaningful or words)[:SEARCH_MAX_TERMS]


class SearchField(forms.CharField):
    """Free text, cleaned rather than refused: control characters removed, spaces
    collapsed, shortened to SEARCH_MAX_LENGTH with a notice."""

    def __init__(self, **kwargs):
        kwargs.update(required=False, strip=True)
        super().__init__(**kwargs)
        self.notices = []

    def clean(self, value):
        self.notices = []  # per form: fields are copied shallowly from the form class
        return super().clean(value)

    def to_python(self, value):
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
    """Several values of one facet. Keeps the values it knows, drops the rest
    with a notice, and never fails the form."""

    def __init__(self, *, noun, **kwargs):
        kwargs["required"] = False
        super().__init__(**kwargs)
        self.noun = noun
        self.notices = []

    def clean(self, value):
        self.notices = []
        values = [v for v in dict.fromkeys(value or []) if isinstance(v, str) and v.strip()]
        known = {str(key) for key, _ in self.choices}
        for unknown in (v for v in values if v not in known):
            shown = unknown if len(unknown) <= 60 else unknown[:60] + "…"
            self.notices.append(f"We ignored the {self.noun} “{shown}” because it does not exist.")
        return [v for v in values if v in known]


class SortField(forms.ChoiceField):
    def __init__(self, **kwargs):
        kwargs["required"] = False
        super().__init__(**kwargs)
        self.notices = []

    def clean(self, value):
        self.notices = []
        if value and value not in {key for key, _ in self.choices}:
            self.notices.append("We did not recognise that sort order, so we used the usual one.")
            return ""
        return value or ""


class SearchFilter(django_filters.CharFilter):
    field_class = SearchField

    def filter(self, selection, value):
        terms = search_terms(value or "")
        return selection.search(terms, value) if terms else selection


class FacetFilter(django_filters.MultipleChoiceFilter):
    """A facet: OR within it. `field` names the facet in the index: a programme
    field (status, kind) or a relation (audience, tag, partner) matched by slug."""

    field_class = FacetField

    def __init__(self, *, field, noun, label, **kwargs):
        super().__init__(label=label, noun=noun, **kwargs)
        self.facet = field

    def filter(self, selection, value):
        return selection.having(self.facet, value) if value else selection


class SortFilter(django_filters.ChoiceFilter):
    field_class = SortField

    def filter(self, selection, value):
        return selection  # ordering is applied last, by ProgrammeFilter.pks()


@dataclass(frozen=True)
class Option:
    value: str
    label: str
    count: int
    selected: bool


@dataclass(frozen=True)
class Facet:
    name: str
    legend: str
    options: list[Option]
    more: bool = False  # some options with results are not offered


FACETS = ["status", "kind", "audience", "tag", "partner"]
MAX_OPTIONS = 15  # per slug facet
SORTS = {
    "relevance": "Relevance",
    "title": "A to Z",
    "newest": "Newest launch",
    "updated": "Recently updated",
}


class ProgrammeFilter(django_filters.FilterSet):
    q = SearchFilter(label="Search programmes")
    status = FacetFilter(
        field="status", noun="status", label="Status", choices=Programme.Status.choices
    )
    kind = FacetFilter(field="kind", noun="format", label="Format", choices=Programme.Kind.choices)
    audience = FacetFilter(field="audience", noun="audience", label="Who it is for")
    tag = FacetFilter(field="tag", noun="topic", label="Topic")
    partner = FacetFilter(field="partner", noun="partner", label="Partner")
    sort = SortFilter(label="Sort by", choices=list(SORTS.items()))

    # Slug-valued facets, and the model whose slugs they take.
    RELATED_FACETS = {"audience": Audience, "tag": Tag, "partner": Partner}

    class Meta:
        model = Programme
        fields = []

    def __init__(self, data=None, *, request=None):
        super().__init__(data, queryset=Programme.objects.published(), request=request)
        # The page cache has just read the catalogue version: no need to again.
        self.index = current_index(getattr(request, "catalogue_version", None))
        self.names = self._known_values()

    def _known_values(self):
        """Give slug facets their choices: only the slugs asked for. The index knows
        every record linked to a published programme; the others (a tag no published
        programme has yet) are looked up in one query, so an unknown slug is spotted
        without loading every tag."""
        getlist = getattr(self.data, "getlist", None)
        asked = {name: getlist(name) for name in self.RELATED_FACETS} if getlist else {}
        names = {name: {} for name in self.RELATED_FACETS}
        missing = {}
        for name, values in asked.items():
            indexed = self.index.labels[name]
            for slug in [v for v in values if SLUG.fullmatch(v)][:50]:
                if slug in indexed:
                    names[name][slug] = indexed[slug]
                else:
                    missing.setdefault(name, []).append(slug)
        queries = [
            self.RELATED_FACETS[name]
            .objects.filter(slug__in=slugs)
            .annotate(facet=Value(name))
            .values_list("facet", "slug", "name")
            .order_by()
            for name, slugs in missing.items()
        ]
        if queries:
            first, *rest = queries
            for facet, slug, label in first.union(*rest, all=True) if rest else first:
                names[facet][slug] = label
        for name, known in names.items():
            self.form.fields[name].choices = list(known.items())
        return names

    # --- results -----------------------------------------------------------

    def cleaned(self, name):
        return self.form.cleaned_data.get(name) or ([] if name in FACETS else "")

    @property
    def query(self):
        return self.cleaned("q")

    @property
    def sort_key(self):
        """The sort in force: relevance when searching, A to Z otherwise."""
        chosen = self.cleaned("sort")
        if chosen == "relevance" and not self.query:
            return "title"
        return chosen or ("relevance" if self.query else "title")

    @property
    def qs(self):
        raise TypeError("ProgrammeFilter gives a Selection: use .selection and .pks()")

    @property
    def selection(self):
        """The programmes matching every parameter, as a Selection of the index."""
        if not hasattr(self, "_selection"):
            self.errors  # noqa: B018 - validates the form once
            selection = Selection.everything(self.index)
            for name, value in self.form.cleaned_data.items():
                selection = self.filters[name].filter(selection, value)
            self._selection = selection
        return self._selection

    def pks(self, sort=None):
        """The matching programmes' primary keys, in the sort in force (or `sort`)."""
        return self.selection.pks(sort or self.sort_key)

    # --- facets ------------------------------------------------------------

    def facets(self):
        """Each facet's options with how many programmes each would give, counted for
        the current search and the other active facets."""
        facets = []
        for name in FACETS:
            selected = self.cleaned(name)
            counts = self.selection.counts(name)
            more = False
            if name in self.RELATED_FACETS:
                labels = self.selection.index.labels[name]
                known = {slug: (labels[slug], count) for slug, count in counts.items()}
                for slug in selected:
                    known.setdefault(slug, (self.names[name].get(slug, slug), 0))
                # A large catalogue has hundreds of partners and tags: offer the
                # most used (and any chosen), A to Z; search finds the rest.
                shown = sorted(known.items(), key=lambda i: (-i[1][1], a_to_z(i[1][0])))
                shown = dict(shown[:MAX_OPTIONS]) | {s: known[s] for s in selected}
                options = [
                    Option(slug, label, count, slug in selected)
                    for slug, (label, count) in sorted(shown.items(), key=lambda i: a_to_z(i[1][0]))
                ]
                more = len(known) > len(shown)
            else:
                options = [
                    Option(value, label, counts.get(value, 0), value in selected)
                    for value, label in Programme._meta.get_field(name).choices
                    if counts.get(value) or value in selected
                ]
            facets.append(Facet(name, self.filters[name].label, options, more))
        return facets

    # --- what the page says about the parameters ---------------------------

    def notices(self):
        self.errors  # noqa: B018
        return [
            notice
            for field in self.form.fields.values()
            for notice in getattr(field, "notices", [])
        ]

    def selected(self):
        """The active facet values as (facet name, value, label) for removable tags."""
        labels = {"status": dict(Programme.Status.choices), "kind": dict(Programme.Kind.choices)}
        labels.update(self.names)
        return [
            (name, value, labels[name].get(value, value))
            for name in FACETS
            for value in self.cleaned(name)
        ]

    def is_filtered(self):
        return bool(self.query or any(self.cleaned(name) for name in FACETS))
