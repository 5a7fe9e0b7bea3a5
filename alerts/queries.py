"""What a subscription to a search and filters means, and which programmes match it.

A subscription keeps the catalogue's own parameters (q, availability, status,
kind, audience, tag, partner), cleaned by the finder and in a fixed order
(`normalised`), so the same view of the catalogue is the same subscription.
When alerts are sent, the finder runs them against its in-memory index (no
query per subscriber), once for each distinct subscription (`Matcher`).

A subscription to a search follows the words the catalogue page showed results
for: a misspelt word it corrected ("leadrship") is kept corrected ("leadership");
with "search instead for" the words as typed. When alerts are sent, the words
are never corrected again (a word no programme has yet is exactly what someone
may be waiting for), and a programme matches only when it has every word, as the
catalogue finds them (word forms, the search vocabulary): the catalogue's
"matching some of your words" fallback is for browsing, never for an email.
A filter value no published programme has any more (a topic's last programme
unpublished) matches nothing, rather than being dropped as the page drops it.
"""

from urllib.parse import urlencode

from django.http import QueryDict

from programmes.cache import catalogue_version
from programmes.finder import Finder
from programmes.finder.form import FACETS, FIXED_OPTIONS
from programmes.finder.index import current_index

MAX_QUERY_LENGTH = 2000
MAX_VALUES = 40  # filter values in one subscription


def normalised(finder):
    """The subscription's query string for the catalogue view a Finder read."""
    pairs = []
    words = finder.corrected or finder.query
    if words:
        pairs.append(("q", words))
    for name in FACETS:
        pairs += [(name, value) for value in sorted(finder.form.value(name))]
    return urlencode(pairs)


def too_big(query):
    params = QueryDict(query)
    values = sum(len(params.getlist(name)) for name in FACETS)
    return len(query) > MAX_QUERY_LENGTH or values > MAX_VALUES


def parts(query, index):
    """The subscription in words: [(what, [values])], e.g. [("Search", ["leadership"]),
    ("Topic", ["WRES", "Leadership"])]. Empty for the whole catalogue."""
    params = QueryDict(query)
    found = []
    if params.get("q"):
        found.append(("Search", [f"“{params['q']}”"]))
    for name, legend in FACETS.items():
        values = params.getlist(name)
        if not values:
            continue
        labels = dict(FIXED_OPTIONS.get(name, ())) | index.labels.get(name, {})
        found.append((legend, [labels.get(value, value) for value in values]))
    return found


def describe(query, index):
    """One line: "all programmes", or "“leadership”; Topic: WRES or Leadership"."""
    found = parts(query, index)
    if not found:
        return "all programmes"
    return "; ".join(
        " or ".join(values) if what == "Search" else f"{what}: {' or '.join(values)}"
        for what, values in found
    )


class Matcher:
    """Which published programmes each subscription's search and filters match now:
    each distinct query is run once by the finder (bitsets over its index)."""

    def __init__(self):
        self.version = catalogue_version()
        self.index = current_index(self.version)
        self._bits = {}

    def bits(self, query):
        if query not in self._bits:
            self._bits[query] = self._run(query)
        return self._bits[query]

    def _run(self, query):
        params = QueryDict(query, mutable=True)
        params.pop("spelling", None)
        params["spelling"] = "exact"
        finder = Finder(params, version=self.version)
        if finder.partial:
            return 0
        for name in FACETS:
            # A facet all of whose values the finder dropped would otherwise match everything.
            if params.getlist(name) and not finder.form.value(name):
                return 0
        return finder.selection.bits()

    def published(self, programme_id):
        return programme_id in self.index.position_of

    def matches(self, query, programme_id):
        position = self.index.position_of.get(programme_id)
        return position is not None and bool((self.bits(query) >> position) & 1)
