"""Finding programmes: the one place that turns the catalogue's GET parameters into a query.

Parameters (the URL contract): `q` (search), `status`, `kind`, `audience`, `tag`,
`partner` (each repeatable, values are slugs), `sort`. Values within a facet
combine with OR, facets with AND. Bad input never fails the request: unknown
values are dropped and reported as notices, over-long searches are shortened.
"""

import re
from dataclasses import dataclass

import django_filters
from django import forms
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Lower
from taggit.models import Tag

from .models import Audience, Partner, Programme, ProgrammePartner, TaggedProgramme

SEARCH_MAX_LENGTH = 200
SEARCH_IDS_INLINE = 10000  # see ProgrammeFilter._search_matches
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

# How much a match in each place counts towards relevance: title first, then
# tags, then summary, then partners and audiences, then body.
WEIGHT_TITLE_EXACT = 1000
WEIGHT_TITLE_STARTS = 200
WEIGHT_TITLE = 100
WEIGHT_TAG = 50
WEIGHT_SUMMARY = 20
WEIGHT_PARTNER_OR_AUDIENCE = 15
WEIGHT_BODY = 10

CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# What a slug can look like (taggit keeps Unicode letters). Anything else is not
# looked up at all: PostgreSQL refuses some characters (NUL) outright.
SLUG = re.compile(r"[-\w]{1,200}")


def search_terms(query: str) -> list[str]:
    """The meaningful words of a search, lower-cased, at most SEARCH_MAX_TERMS."""
    words = [w.strip(".,;:!?\"'()[]{}") for w in query.lower().split()]
    words = [w for w in dict.fromkeys(words) if w]
    meaningful = [w for w in words if w not in STOP_WORDS]
    # A search made only of stop words ("the") still searches for them.
    return (meaningful or words)[:SEARCH_MAX_TERMS]


@dataclass(frozen=True)
class Relation:
    """How programmes reach one kind of related record: through which table, by which
    foreign keys. Filters and counts query the link table directly with correlated
    EXISTS, which both databases answer with an index probe, never nested IN lists."""

    through: type
    programme: str  # the link table's foreign key to the programme
    target: str  # its foreign key to the related record

    def having(self, **lookup):
        """Programmes with a linked record matching `lookup`, e.g. slug__in=[...]."""
        lookup = {f"{self.target}__{key}": value for key, value in lookup.items()}
        return Exists(self.through.objects.filter(**{self.programme: OuterRef("pk")}, **lookup))

    def named(self, text):
        """Programmes linked to a record whose name contains `text`, as an
        uncorrelated subquery: the database finds the few matching records once,
        then programmes by id. Finding the matches this way costs about half of
        EXISTS, which tests the names again for every programme; ranking the
        (fewer) matches is quicker with EXISTS, so rank_by_relevance uses that."""
        matching = self.through.objects.filter(**{f"{self.target}__name__icontains": text})
        return Q(pk__in=matching.values(self.programme))

    def counts(self, programmes):
        """(slug, name, number of `programmes`) for every linked record."""
        return (
            self.through.objects.filter(**{f"{self.programme}__in": programmes})
            .values_list(f"{self.target}__slug", f"{self.target}__name")
            .annotate(count=Count(self.programme))
            .order_by()
        )


RELATIONS = {
    "audience": Relation(Programme.audiences.through, "programme", "audience"),
    "tag": Relation(TaggedProgramme, "content_object", "tag"),
    "partner": Relation(ProgrammePartner, "programme", "partner"),
}


def _term_matches(term):
    """Programmes matching one search term anywhere staff would expect."""
    return (
        Q(title__icontains=term)
        | Q(summary__icontains=term)
        | Q(body__icontains=term)
        | RELATIONS["tag"].named(term)
        | RELATIONS["partner"].named(term)
        | RELATIONS["audience"].named(term)
    )


def rank_by_relevance(queryset, query):
    """Annotate `relevance` so exact or partial title matches come first, then tags,
    summary, partners and audiences, then body. Plain SQL CASE and LIKE: the same
    ranking on SQLite and PostgreSQL."""
    terms = search_terms(query)
    if not terms:
        return queryset.annotate(relevance=Value(0, output_field=IntegerField()))
    score = Case(
        When(title__iexact=query.strip(), then=Value(WEIGHT_TITLE_EXACT)),
        default=Value(0),
        output_field=IntegerField(),
    )
    for term in terms:
        for condition, weight in [
            (Q(title__istartswith=term), WEIGHT_TITLE_STARTS),
            (Q(title__icontains=term), WEIGHT_TITLE),
            (RELATIONS["tag"].having(name__icontains=term), WEIGHT_TAG),
            (Q(summary__icontains=term), WEIGHT_SUMMARY),
            (
                RELATIONS["partner"].having(name__icontains=term)
                | RELATIONS["audience"].having(name__icontains=term),
                WEIGHT_PARTNER_OR_AUDIENCE,
            ),
            (Q(body__icontains=term), WEIGHT_BODY),
        ]:
            score = score + Case(
                When(condition, then=Value(weight)), default=Value(0), output_field=IntegerField()
            )
    return queryset.annotate(relevance=score)


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

    def filter(self, qs, value):
        for term in search_terms(value or ""):
            qs = qs.filter(_term_matches(term))
        return qs


class FacetFilter(django_filters.MultipleChoiceFilter):
    """A facet: OR within it. `field` is a programme field (status, kind) or a key
    of RELATIONS (audience, tag, partner) whose slugs it matches."""

    field_class = FacetField

    def __init__(self, *, field, noun, label, **kwargs):
        super().__init__(label=label, noun=noun, **kwargs)
        self.programme_field = field

    def filter(self, qs, value):
        if not value:
            return qs
        if self.programme_field in RELATIONS:
            return qs.filter(RELATIONS[self.programme_field].having(slug__in=value))
        return qs.filter(**{f"{self.programme_field}__in": value})


class SortFilter(django_filters.ChoiceFilter):
    field_class = SortField

    def filter(self, qs, value):
        return qs  # ordering is applied last, by ProgrammeFilter.ordered()


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

    def __init__(self, data=None, queryset=None, **kwargs):
        if queryset is None:
            queryset = Programme.objects.published()
        super().__init__(data, queryset=queryset, **kwargs)
        self.names = self._known_values()

    def _known_values(self):
        """Give slug facets their choices: only the slugs asked for, looked up in one
        query, so an unknown slug is spotted without loading every tag."""
        getlist = getattr(self.data, "getlist", None)
        asked = {name: getlist(name) for name in self.RELATED_FACETS} if getlist else {}
        names = {name: {} for name in self.RELATED_FACETS}
        queries = [
            model.objects.filter(slug__in=[v for v in values if SLUG.fullmatch(v)][:50])
            .annotate(facet=Value(name))
            .values_list("facet", "slug", "name")
            .order_by()
            for name, values in asked.items()
            if values
            for model in [self.RELATED_FACETS[name]]
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

    def filtered(self, *, without=()):
        """The published programmes matching every parameter but those `without`."""
        self.errors  # noqa: B018 - validates the form once
        qs = self.queryset.all()
        for name, value in self.form.cleaned_data.items():
            if name == "q" and value:
                qs = qs.filter(self._search_matches())
            elif name not in without:
                qs = self.filters[name].filter(qs, value)
        return qs

    def _search_matches(self):
        """The search as a condition every query of the page can reuse. The search
        scans every programme's text, so it runs once, in one query; the count, the
        page and each facet then look its matches up by primary key."""
        if not hasattr(self, "_search_ids"):
            matching = self.filters["q"].filter(self.queryset.all(), self.query)
            ids = list(matching.values_list("pk", flat=True).order_by()[: SEARCH_IDS_INLINE + 1])
            # A search matching most of a large catalogue stays a subquery: a list
            # of ids that long would cost more than it saves (and could exceed the
            # database's limit on query parameters).
            self._search_ids = ids if len(ids) <= SEARCH_IDS_INLINE else None
            self._search_subquery = matching.values("pk").order_by()
        if self._search_ids is None:
            return Q(pk__in=self._search_subquery)
        return Q(pk__in=self._search_ids)

    def ordered(self):
        qs = self.filtered()
        sort = self.sort_key
        if sort == "relevance":
            return rank_by_relevance(qs, self.query).order_by("-relevance", Lower("title"), "pk")
        if sort == "newest":
            return qs.order_by(
                Case(When(launched_on__isnull=True, then=Value(1)), default=Value(0)),
                "-launched_on",
                Lower("title"),
                "pk",
            )
        if sort == "updated":
            return qs.order_by("-updated_at", "pk")
        return qs.order_by(Lower("title"), "pk")

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.ordered()
        return self._qs

    # --- facets ------------------------------------------------------------

    def _column_counts(self):
        """Counts for the status and format facets, and the number of results, from
        one query: programmes grouped by (status, format), matching everything but
        those two facets. A programme has one status and one format, so each facet's
        counts (and the total) are sums over the cells the other facet allows."""
        if not hasattr(self, "_cells"):
            self._cells = list(
                self.filtered(without={"status", "kind"})
                .values_list("status", "kind")
                .annotate(count=Count("pk"))
                .order_by()
            )
        statuses, kinds = self.cleaned("status"), self.cleaned("kind")
        counts = {"status": {}, "kind": {}, "total": 0}
        for status, kind, count in self._cells:
            status_allowed = not statuses or status in statuses
            kind_allowed = not kinds or kind in kinds
            if kind_allowed:
                counts["status"][status] = counts["status"].get(status, 0) + count
            if status_allowed:
                counts["kind"][kind] = counts["kind"].get(kind, 0) + count
            if status_allowed and kind_allowed:
                counts["total"] += count
        return counts

    def count(self):
        """How many programmes match, without a query of its own."""
        return self._column_counts()["total"]

    def facets(self):
        """Each facet's options with how many programmes each would give, counted for
        the current search and the other active facets. One query a facet, status and
        format sharing theirs."""
        facets, truncated = [], {}
        for name in FACETS:
            selected = self.cleaned(name)
            if name in self.RELATED_FACETS:
                others = self.filtered(without={name}).values("pk").order_by()
                rows = RELATIONS[name].counts(others)
                counts = {slug: (label, count) for slug, label, count in rows}
                for slug in selected:
                    counts.setdefault(slug, (self.names[name].get(slug, slug), 0))
                # A large catalogue has hundreds of partners and tags: offer the
                # most used (and any chosen), A to Z; search finds the rest.
                shown = sorted(counts.items(), key=lambda i: (-i[1][1], i[1][0].lower()))
                shown = dict(shown[:MAX_OPTIONS]) | {s: counts[s] for s in selected}
                options = [
                    Option(slug, label, count, slug in selected)
                    for slug, (label, count) in sorted(shown.items(), key=lambda i: i[1][0].lower())
                ]
                truncated[name] = len(counts) > len(shown)
            else:
                counts = self._column_counts()[name]
                options = [
                    Option(value, label, counts.get(value, 0), value in selected)
                    for value, label in Programme._meta.get_field(name).choices
                    if counts.get(value) or value in selected
                ]
            facets.append(
                Facet(name, self.filters[name].label, options, truncated.get(name, False))
            )
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
