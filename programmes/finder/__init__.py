"""The finder: what the catalogue page, its feed and its downloads show for a
set of GET parameters.

    finder = Finder(request.GET, version=request.catalogue_version)
    finder.pks()        # the programmes found, in the sort in force
    finder.facets()     # each facet's options, with counts
    finder.partial      # True when no programme matched every word of the search
    finder.corrected    # "leadership" when "leadrship" was searched for

How it is put together (a module each):

- form.py: the GET parameters, cleaned (bad values dropped with a notice).
- index.py: each worker's in-memory index of the published catalogue, rebuilt
  when the catalogue version changes.
- text.py: how text is read: words folded (case, accents, spelling), stemmed.
- vocabulary.py: the EDI team's groups of words that mean the same.
- query.py: a search read into concepts, with alternatives and corrections.
- ranking.py: which programmes a search finds, and their order.
- selection.py: the programmes chosen by the search and the facets.
- search_log.py: anonymous weekly counts of what was searched for.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..collation import a_to_z
from ..models import Programme
from .form import FACETS, FIXED_OPTIONS, CatalogueForm
from .index import SORTS, Card, bitset_of_mask, current_index
from .query import Query, read_query
from .ranking import find
from .selection import Selection

MAX_OPTIONS = 15  # per related facet: the most used, and any chosen
FOLD_AFTER = 6  # options shown before "Show N more"
RELATED_FACETS = ("audience", "tag", "partner")


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

    # A long list shows its first options and folds the rest (a phone user
    # scrolls past a dozen checkboxes to reach the results).
    @property
    def first(self) -> list[Option]:
        return self.options if len(self.options) <= FOLD_AFTER + 1 else self.options[:FOLD_AFTER]

    @property
    def rest(self) -> list[Option]:
        return self.options[len(self.first) :]

    @property
    def fold_at(self) -> int:
        """The position of the first folded option (0: nothing folded)."""
        return len(self.first) if self.rest else 0

    @property
    def rest_chosen(self) -> bool:
        return any(option.selected for option in self.rest)

    @property
    def hint(self) -> str:
        return "The most common ones. Search to find others." if self.more else ""


class Finder:
    def __init__(self, params: Mapping[str, Any], *, version: str | None = None) -> None:
        # The page cache has just read the catalogue version: no need to again.
        self.index = current_index(version)
        self.form = CatalogueForm(params, index=self.index)
        self.query: str = self.form.value("q")
        self.search: Query | None = None  # the query as read, when searching
        self.partial = False
        self.selection = self._select()

    def _select(self) -> Selection:
        selection = Selection.everything(self.index)
        for name in FACETS:
            values = self.form.value(name)
            if values:
                selection = selection.having(name, values)
        if not self.query:
            return selection
        correct = self.form.value("spelling") != "exact"
        self.search = read_query(self.query, self.index, correct=correct)
        found = find(self.index, self.search)
        # No programme has every word: those with most of them (found.partial).
        # Decided on the search alone, so facet counts describe the same results.
        self.partial = found.partial
        positions = np.flatnonzero(found.chosen)
        # Best score first, then A to Z.
        ranked = positions[np.lexsort((self.index.title_rank[positions], -found.score[positions]))]
        return selection.searched(bitset_of_mask(found.chosen), ranked)

    @property
    def corrected(self) -> str | None:
        """The search as corrected, when a word was misspelt, else None."""
        return self.search.corrected_text if self.search else None

    @property
    def sort_key(self) -> str:
        """The sort in force: relevance when searching, A to Z otherwise."""
        chosen: str = self.form.value("sort")
        if chosen == "relevance" and not self.query:
            return "title"
        return chosen or ("relevance" if self.query else "title")

    @property
    def sort_options(self) -> list[tuple[str, str]]:
        """The sort menu: (value, label). Its first option, value "", is the usual
        order (Relevance when searching, A to Z otherwise), so a search made from
        a page sorted the usual way is sorted by relevance."""
        usual = "relevance" if self.query else "title"
        others = [(key, label) for key, label in SORTS.items() if key not in (usual, "relevance")]
        return [("", SORTS[usual]), *others]

    @property
    def sort_chosen(self) -> str:
        """The sort menu's value for the sort in force."""
        key = self.sort_key
        return "" if key == ("relevance" if self.query else "title") else key

    def pks(self, sort: str | None = None) -> list[int]:
        """The programmes found, as primary keys, in the sort in force (or `sort`)."""
        return self.selection.pks(sort or self.sort_key)

    def count(self) -> int:
        return self.selection.bits().bit_count()

    def facets(self) -> list[Facet]:
        """Each facet's options with how many programmes each would give, counted for
        the current search and the other active facets."""
        facets = []
        for name, legend in FACETS.items():
            selected: list[str] = self.form.value(name)
            counts = self.selection.counts(name)
            more = False
            if name in RELATED_FACETS:
                labels = self.index.labels[name]
                known = {slug: (labels[slug], count) for slug, count in counts.items()}
                for slug in selected:
                    known.setdefault(slug, (labels[slug], 0))
                # A large catalogue has hundreds of partners and tags: offer the
                # most used (and any chosen), A to Z; search finds the rest.
                most_used = sorted(known.items(), key=lambda i: (-i[1][1], a_to_z(i[1][0])))
                shown = dict(most_used[:MAX_OPTIONS]) | {s: known[s] for s in selected}
                options = [
                    Option(slug, label, count, slug in selected)
                    for slug, (label, count) in sorted(shown.items(), key=lambda i: a_to_z(i[1][0]))
                ]
                more = len(known) > len(shown)
            else:
                options = [
                    Option(value, label, counts.get(value, 0), value in selected)
                    for value, label in FIXED_OPTIONS[name]
                    if counts.get(value) or value in selected
                ]
            facets.append(Facet(name, legend, options, more))
        return facets

    def notices(self) -> list[str]:
        return self.form.notices()

    def selected(self) -> list[tuple[str, str, str]]:
        """The active facet values as (facet name, value, label) for removable tags."""
        labels = {name: dict(options) for name, options in FIXED_OPTIONS.items()}
        labels.update(self.index.labels)
        return [
            (name, value, labels[name].get(value, value))
            for name in FACETS
            for value in self.form.value(name)
        ]

    def cards(self, pks: Iterable[int]) -> list[Card]:
        """The result cards (index.Card) of these programmes, from the index: no query."""
        index = self.index
        return [index.cards[index.position_of[pk]] for pk in pks]

    def card_facts(self, programme: Programme) -> list[tuple[str, str]]:
        """What a result card says about taking part: its availability today, who it
        is for, and how it is delivered and what it costs, where known."""
        position = self.index.position_of.get(programme.pk)
        if position is None:  # unpublished since the index was built
            return []
        facts = [("Availability", self.index.availability[position].label)]
        audiences = self.index.audience_names[position]
        if audiences:
            facts.append(("Who it is for", ", ".join(audiences)))
        parts = [programme.get_delivery_display() if programme.delivery else "", programme.cost]
        delivery = "; ".join(part for part in parts if part)
        if delivery:
            facts.append(("Delivery and cost", delivery))
        return facts

    def is_filtered(self) -> bool:
        return bool(self.query or any(self.form.value(name) for name in FACETS))


__all__ = ["SORTS", "Finder"]
