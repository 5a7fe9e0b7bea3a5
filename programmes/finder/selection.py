"""A Selection: the programmes of the index chosen by a search and the facets,
their counts per facet option, and their order."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Self, cast

import numpy as np
import numpy.typing as npt

from .index import ORDERS, CatalogueIndex, mask_of_bitset


@dataclass(frozen=True)
class Selection:
    """`matched`: the programmes the search allows (all without a search), a bitset.
    `ranked`: when searching, their positions best first (an array).
    `chosen`: for each facet in use, the programmes having any chosen value."""

    index: CatalogueIndex
    matched: int
    ranked: npt.NDArray[np.intp] | None = None
    chosen: dict[str, int] = field(default_factory=dict)

    @classmethod
    def everything(cls, index: CatalogueIndex) -> Self:
        return cls(index, index.everything)

    def searched(self, matched: int, ranked: npt.NDArray[np.intp]) -> "Selection":
        return Selection(self.index, matched, ranked, self.chosen)

    def having(self, facet: str, values: Iterable[str]) -> "Selection":
        """Those with any of `values` in `facet` (OR within a facet)."""
        members = self.index.facets[facet]
        having = 0
        for value in values:
            having |= members.get(value, 0)
        return Selection(self.index, self.matched, self.ranked, {**self.chosen, facet: having})

    def bits(self, *, without: str | None = None) -> int:
        """The programmes chosen by the search and every facet but `without` (AND)."""
        bits = self.matched
        for facet, having in self.chosen.items():
            if facet != without:
                bits &= having
        return bits

    def counts(self, facet: str) -> dict[str, int]:
        """How many programmes each value of `facet` would give, counted for the
        search and the other facets: {value: count} for values that give any."""
        base = self.bits(without=facet)
        counts: dict[str, int] = {}
        for value, members in self.index.facets[facet].items():
            count = (members & base).bit_count()
            if count:
                counts[value] = count
        return counts

    def pks(self, sort: str) -> list[int]:
        """The chosen programmes' primary keys in `sort` order ("relevance" needs a search)."""
        chosen = mask_of_bitset(self.bits(), self.index.size)
        order: npt.NDArray[np.integer[Any]]
        if sort == "relevance" and self.ranked is not None:
            order = self.ranked
        else:
            order = self.index.orders[sort if sort in ORDERS else "title"]
        return cast(list[int], self.index.pks[order[chosen[order]]].tolist())
