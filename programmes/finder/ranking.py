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
"""

import math
from dataclasses import dataclass

from .index import PLACES

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
    """What a search found in the index."""

    all_words: dict  # position -> score, for programmes matching every concept
    partial: dict  # position -> score, when none matches all
    words: int  # the query's meaningful words


def _hits(place, alternative):
    """{position: how well} for one alternative in one place."""
    hits = {}
    if alternative.text is None or len(alternative.stems) > 1:
        stems = place.stems
        found = None
        for stem in alternative.stems:
            have = stems.get(stem)
            if not have:
                return hits
            found = set(have) if found is None else found.intersection(have)
        return dict.fromkeys(found or (), PHRASE if len(alternative.stems) > 1 else STEM)
    if alternative.prefix:
        for word in place.starting_with(alternative.text):
            hits.update(dict.fromkeys(place.words[word], PREFIX))
        stem = alternative.stems[0]
        if stem != alternative.text and len(stem) >= len(alternative.text) - 2:
            for word in place.starting_with(stem):
                hits.update(dict.fromkeys(place.words[word], PREFIX))
    hits.update(dict.fromkeys(place.stems.get(alternative.stems[0], ()), STEM))
    hits.update(dict.fromkeys(place.words.get(alternative.text, ()), WHOLE))
    return hits


def _concept_scores(index, concept):
    """(score by position, positions found other than by a word's start)."""
    scores, strong = {}, set()
    for name, weight in PLACES.items():
        place = index.places[name]
        best = {}
        for alternative in concept.alternatives:
            for position, how in _hits(place, alternative).items():
                value = how * alternative.weight
                if value > best.get(position, 0):
                    best[position] = value
                if how > PREFIX:
                    strong.add(position)
        for position, value in best.items():
            scores[position] = scores.get(position, 0) + weight * value
    return scores, strong


def _rarity(found, size):
    """How much finding a concept tells programmes apart (BM25's idf)."""
    return math.log(1 + (size - found + 0.5) / (found + 0.5))


def find(index, query):
    """The programmes of `index` that `query` finds (a Found)."""
    size = index.size
    looked_up = [_concept_scores(index, concept) for concept in query.concepts]
    rarity = [_rarity(len(scores), size) for scores, _ in looked_up]
    top = max(rarity, default=1) or 1
    everywhere = None
    for scores, _ in looked_up:
        everywhere = set(scores) if everywhere is None else everywhere & scores.keys()
    score = {}
    for (scores, _), weight in zip(looked_up, rarity, strict=True):
        for position, value in scores.items():
            score[position] = score.get(position, 0) + value * weight / top
    typed = tuple(stem for concept in query.concepts for stem in concept.stems)
    for position in everywhere or ():
        score[position] += _title_bonus(index.title_stems[position], query.concepts, typed)
    if everywhere:
        return Found({p: score[p] for p in everywhere}, {}, query.words)
    return Found({}, _partial(query, looked_up, score, size), query.words)


def _title_bonus(title, concepts, typed):
    if typed and title == typed:
        return TITLE_IS_THE_SEARCH
    bonus = 0
    if concepts and all(set(c.stems) <= set(title) for c in concepts if c.stems):
        bonus += TITLE_HAS_ALL_OF_IT
    first = concepts[0].stems if concepts else ()
    if first and title[: len(first)] == first:
        bonus += TITLE_STARTS_WITH_IT
    return bonus


def _partial(query, looked_up, score, size):
    """{position: score} of the partial matches (see the module's docstring),
    each score weighed by the share of the query's words matched."""
    matched, rare, uncommon = {}, set(), set()
    for concept, (scores, strong) in zip(query.concepts, looked_up, strict=True):
        for position in strong:
            matched[position] = matched.get(position, 0) + concept.size
        if len(scores) <= max(1, RARE * size):
            rare.update(strong)
        if len(scores) <= UNCOMMON * size:
            uncommon.update(strong)
    half = query.words / 2
    return {
        position: score[position] * count / query.words
        for position, count in matched.items()
        if position in rare or (position in uncommon and count >= half)
    }
