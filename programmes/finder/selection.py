"""A Selection: the programmes of the index chosen by a search and the facets,
their counts per facet option, and their order."""

from dataclasses import dataclass, field

from .index import ORDERS


@dataclass(frozen=True)
class Selection:
    """`matched`: the programmes the search allows (all without a search).
    `rank`: position -> sort key (lowest first) of each, when searching.
    `chosen`: for each facet in use, the programmes having any chosen value."""

    index: object
    matched: int
    rank: dict | None = None
    chosen: dict = field(default_factory=dict)

    @classmethod
    def everything(cls, index):
        return cls(index, index.everything)

    def searched(self, matched, rank):
        return Selection(self.index, matched, rank, self.chosen)

    def having(self, facet, values):
        """Those with any of `values` in `facet` (OR within a facet)."""
        members = self.index.facets[facet]
        having = 0
        for value in values:
            having |= members.get(value, 0)
        return Selection(self.index, self.matched, self.rank, {**self.chosen, facet: having})

    def bits(self, *, without=None):
        """The programmes chosen by the search and every facet but `without` (AND)."""
        bits = self.matched
        for facet, having in self.chosen.items():
            if facet != without:
                bits &= having
        return bits

    def counts(self, facet):
        """How many programmes each value of `facet` would give, counted for the
        search and the other facets: {value: count} for values that give any."""
        base = self.bits(without=facet)
        counts = {}
        for value, members in self.index.facets[facet].items():
            count = (members & base).bit_count()
            if count:
                counts[value] = count
        return counts

    def pks(self, sort):
        """The chosen programmes' primary keys in `sort` order ("relevance" needs a search)."""
        bits = self.bits()
        flags = bits.to_bytes(self.index.size // 8 + 1, "little")
        if sort == "relevance" and self.rank is not None:
            rank = self.rank
            ordered = sorted((i for i in rank if flags[i >> 3] >> (i & 7) & 1), key=rank.get)
        else:
            order = self.index.orders[sort if sort in ORDERS else "title"]
            ordered = [i for i in order if flags[i >> 3] >> (i & 7) & 1]
        pks = self.index.pks
        return [pks[i] for i in ordered]
