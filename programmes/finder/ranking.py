"""Which programmes a search finds, and in what order.

Each concept of the query (programmes/finder/query.py) is looked up in every
place of every programme (programmes/finder/index.py). A match is worth the
place's weight (title 100 ... body 10) times how it matched: the whole word
(1), the same stem (0.8: "partnerships" for "partnership") or the start of a
longer word (0.5: "leader" for "leadership"); a vocabulary alternative counts
0.7 of that. A concept's matches add up over places, weighted by how rare the
concept is in the catalogue (a word every programme has tells little apart).
A title that is the search, or holds all of it, comes first.

Programmes matching every concept are the results. When none does, partial
matches are offered: programmes matching one of the query's rare words (one
at most a fifth of the catalogue has), or half its words through one that at
most a third has; never by a word's start alone. Best first: their score times
the share of the query's words they match (Lucene's "coord"). So a search
about something the catalogue does not cover finds nothing, even with a word
many programmes have ("staff car parking", "NHS pension").

Scores are numpy arrays with one entry a programme: a common word is in
thousands of programmes at 10,000, and adding up scores one programme at a
time in Python cost more than the rest of the page.
"""

import math
from dataclasses import dataclass
from typing import cast

import numpy as np
import numpy.typing as npt

from .index import PLACES, CatalogueIndex, Place
from .query import Alternative, Concept, Query

# Arrays of one entry a programme: its score, or whether it is chosen.
Scores = npt.NDArray[np.float64]
Mask = npt.NDArray[np.bool_]
Positions = npt.NDArray[np.int32]

WHOLE, STEM, PREFIX = 1.0, 0.8, 0.5
PHRASE = 0.9  # every word of a phrase in one place, in any order
TITLE_IS_THE_SEARCH = 1000
TITLE_HAS_ALL_OF_IT = 100
TITLE_STARTS_WITH_IT = 50
# A word found in at most RARE of the catalogue (or in one programme) tells
# programmes apart: matching it makes a partial match. One found in at most
# UNCOMMON of it does when it is half the search.
RARE = 0.2
UNCOMMON = 1 / 3


@dataclass
class Found:
    """What a search found in the index: `chosen`, a mask of the programmes
    found; `score`, each one's relevance; `partial`, True when no programme
    matched every concept and these match some."""

    chosen: Mask
    score: Scores
    partial: bool = False


@dataclass
class LookedUp:
    """One concept looked up: its score in each programme (0: not found), the
    programmes that have it other than by a word's start, and those that have
    it in their title."""

    score: Scores
    strong: Mask
    in_title: Mask

    @property
    def found(self) -> int:
        return int(np.count_nonzero(self.score))


def _hits(place: Place, alternative: Alternative) -> list[tuple[float, Positions]]:
    """[(how well, positions)] for one alternative in one place."""
    if alternative.text is None or len(alternative.stems) > 1:
        found: Positions | None = None
        for stem in alternative.stems:
            have = place.stems.get(stem)
            if have is None:
                return []
            found = have if found is None else np.intersect1d(found, have, assume_unique=True)
        # Every alternative has a stem: `found` is an array here.
        return [(PHRASE if len(alternative.stems) > 1 else STEM, cast(Positions, found))]
    hits: list[tuple[float, Positions]] = []
    if alternative.prefix:
        starts = [alternative.text]
        stem = alternative.stems[0]
        if stem != alternative.text and len(stem) >= len(alternative.text) - 2:
            starts.append(stem)
        for start in starts:
            hits += [(PREFIX, place.words[word]) for word in place.starting_with(start)]
    stemmed = place.stems.get(alternative.stems[0])
    if stemmed is not None:
        hits.append((STEM, stemmed))
    whole = place.words.get(alternative.text)
    if whole is not None:
        hits.append((WHOLE, whole))
    return hits


def _look_up(index: CatalogueIndex, concept: Concept) -> LookedUp:
    size = index.size
    score = np.zeros(size)
    strong = np.zeros(size, dtype=bool)
    in_title: Mask | None = None
    for name, weight in PLACES.items():
        place = index.places[name]
        found = [
            (how * alternative.weight, how, positions)
            for alternative in concept.alternatives
            for how, positions in _hits(place, alternative)
        ]
        # Each programme's best match in this place: the best written last.
        found.sort(key=lambda f: f[0])
        best = np.zeros(size)
        for value, how, positions in found:
            best[positions] = value * weight
            if how > PREFIX:
                strong[positions] = True
        if name == "title":
            in_title = best > 0
        score += best
    return LookedUp(score, strong, cast(Mask, in_title))  # PLACES has the title


def _rarity(found: int, size: int) -> float:
    """How much finding a concept tells programmes apart (BM25's idf)."""
    return math.log(1 + (size - found + 0.5) / (found + 0.5))


def find(index: CatalogueIndex, query: Query) -> Found:
    """The programmes of `index` that `query` finds (a Found)."""
    size = index.size
    looked_up = [_look_up(index, concept) for concept in query.concepts]
    if not looked_up:
        return Found(np.zeros(size, dtype=bool), np.zeros(size))
    rarity = [_rarity(each.found, size) for each in looked_up]
    top = max(rarity) or 1
    score = cast(  # a sum of arrays (there is at least one)
        Scores,
        sum(each.score * (weight / top) for each, weight in zip(looked_up, rarity, strict=True)),
    )
    everywhere = np.logical_and.reduce([each.score > 0 for each in looked_up])
    if everywhere.any():
        _add_title_bonuses(index, query, looked_up, score, everywhere)
        return Found(everywhere, score)
    return _partial(query, looked_up, score, size)


def _add_title_bonuses(
    index: CatalogueIndex, query: Query, looked_up: list[LookedUp], score: Scores, everywhere: Mask
) -> None:
    """A title that is the search, holds all of it, or starts with it comes first."""
    in_title = looked_up[0].in_title & everywhere
    has_all = np.logical_and.reduce([each.in_title for each in looked_up])
    score += TITLE_HAS_ALL_OF_IT * (has_all & everywhere)
    first = query.concepts[0].stems
    typed = tuple(stem for concept in query.concepts for stem in concept.stems)
    titles = index.title_stems
    if len(first) == 1:  # most searches: one array comparison
        starts = in_title & (index.title_first_stem == index.stem_number(first[0]))
        score += TITLE_STARTS_WITH_IT * starts
    else:
        for position in np.flatnonzero(in_title):
            if titles[position][: len(first)] == first:
                score[position] += TITLE_STARTS_WITH_IT
    for position in np.flatnonzero(in_title & (index.title_length == len(typed))):
        if titles[position] == typed:
            score[position] += TITLE_IS_THE_SEARCH - TITLE_HAS_ALL_OF_IT - TITLE_STARTS_WITH_IT


def _partial(query: Query, looked_up: list[LookedUp], score: Scores, size: int) -> Found:
    """The partial matches (see the module's docstring), each score weighed by
    the share of the query's words matched."""
    matched = np.zeros(size)
    rare = np.zeros(size, dtype=bool)
    uncommon = np.zeros(size, dtype=bool)
    for concept, each in zip(query.concepts, looked_up, strict=True):
        matched += concept.size * each.strong
        if each.found <= max(1, RARE * size):
            rare |= each.strong
        if each.found <= UNCOMMON * size:
            uncommon |= each.strong
    chosen = rare | (uncommon & (matched >= query.words / 2))
    return Found(chosen, score * matched / query.words, partial=bool(chosen.any()))
