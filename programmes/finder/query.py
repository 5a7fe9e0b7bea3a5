"""Reading a search: its meaningful words, the vocabulary's alternatives for
them, and spelling correction.

A query becomes Concepts, one for each thing it asks for. A concept is found
through any of its Alternatives: the words typed (whole, by stem, or as the
start of a longer word), the parts of a hyphenated word, the same words joined
("co design" -> "codesign"), or the other words of a vocabulary group ("BME"
-> "ethnic minority"). programmes/finder/ranking.py looks them up.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Self

from rapidfuzz import process
from rapidfuzz.distance import OSA

from .text import STOP_WORDS, Word, terms, words_of_term

if TYPE_CHECKING:  # the index imports this module
    from .index import CatalogueIndex
    from .vocabulary import Term

# At most this many meaningful words are searched for; the rest are dropped.
MAX_WORDS = 10
# A typed word this long may also match the start of longer words
# ("leader" -> "leadership"); a shorter one only whole or by stem, so "car"
# does not find "care".
PREFIX_MIN = 4
# How much an alternative counts against the words typed.
TYPED = 1.0
SYNONYM = 0.7
# Spelling correction: the most letters that may differ (OSA distance: a
# swapped pair counts once), by length of the word typed.
SHORTEST_CORRECTED = 4
LONG_WORD = 8  # from this length, two differences; before it, one


@dataclass(frozen=True)
class Alternative:
    """A way to find a concept. `stems`: one stem, or a phrase's stems, all of
    which must be in the same place of a programme. `text`: the whole word,
    when it is one word. `prefix`: it may match the start of longer words."""

    stems: tuple[str, ...]
    text: str | None = None
    weight: float = TYPED
    prefix: bool = False


@dataclass
class Concept:
    """One thing the search asks for: the query's `words` it stands for."""

    words: tuple[str, ...]
    alternatives: list[Alternative]
    stems: tuple[str, ...] = ()  # the typed words' stems, for title matches

    @property
    def size(self) -> int:
        return len(self.words)


@dataclass
class Unit:
    """One word, or one hyphenated term, of the query."""

    term: str  # as typed, folded
    parts: tuple[Word, ...]  # its Words
    joined: Word | None = None  # for a hyphenated term, its parts as one Word

    @classmethod
    def read(cls, term: str) -> Self:
        found = words_of_term(term)
        joined = found[-1] if found[-1].joined else None
        return cls(term, tuple(w for w in found if not w.joined), joined)

    @property
    def meaningful(self) -> list[Word]:
        return [w for w in self.parts if not w.is_stop_word] or list(self.parts)

    @property
    def is_meaningful(self) -> bool:
        return any(not w.is_stop_word for w in self.parts)

    @property
    def key(self) -> tuple[str, ...]:
        return tuple(w.stem for w in self.meaningful)

    def alternatives(self) -> list[Alternative]:
        if self.joined is None:
            word = self.parts[0]
            return [Alternative((word.stem,), word.text, prefix=len(word.text) >= PREFIX_MIN)]
        # "co-design": written as one word, or its parts in one place.
        return [
            Alternative((self.joined.stem,), self.joined.text),
            Alternative(self.key),
        ]


@dataclass
class Query:
    text: str  # as typed
    concepts: list[Concept]
    corrections: dict[str, str] = field(default_factory=dict)  # word typed -> word searched for

    @property
    def words(self) -> int:
        return sum(c.size for c in self.concepts)

    @property
    def corrected_text(self) -> str | None:
        """The search as corrected ("leadership training"), or None."""
        if not self.corrections:
            return None
        return " ".join(self.corrections.get(term, term) for term in terms(self.text))


def read_query(text: str, index: "CatalogueIndex", *, correct: bool = True) -> Query:
    """The concepts of a search against `index` (its words and vocabulary)."""
    units = [Unit.read(term) for term in terms(text)]
    meaningful = [u for u in units if u.is_meaningful] or units
    meaningful = list({u.term: u for u in meaningful}.values())[:MAX_WORDS]
    corrections: dict[str, str] = {}
    if correct:
        for i, unit in enumerate(meaningful):
            corrected = _corrected(unit, index)
            if corrected:
                corrections[unit.term] = corrected
                meaningful[i] = Unit.read(terms(corrected)[0])
    return Query(text, _concepts(meaningful, index), corrections)


def _concepts(units: list[Unit], index: "CatalogueIndex") -> list[Concept]:
    vocabulary = index.vocabulary
    concepts: list[Concept]
    concepts, i = [], 0
    while i < len(units):
        for j in range(min(len(units), i + max(vocabulary.longest, 1)), i, -1):
            span = units[i:j]
            key = tuple(stem for unit in span for stem in unit.key)
            groups = vocabulary.groups_for(key)
            if j == i + 1 and span[0].joined is not None:
                groups += vocabulary.groups_for((span[0].joined.stem,))
            if groups:
                concepts.append(_from_vocabulary(span, key, groups))
                i = j
                break
        else:
            pair = units[i : i + 2]
            joined = "".join(u.term for u in pair)
            if len(pair) == 2 and all(u.joined is None for u in pair) and index.knows(joined):
                # "co design" where the catalogue writes "co-design" or "codesign".
                word = Unit.read(joined).parts[0]
                stems = tuple(u.parts[0].stem for u in pair)
                alternatives = [Alternative((word.stem,), word.text), Alternative(stems)]
                concepts.append(Concept((pair[0].term, pair[1].term), alternatives, stems))
                i += 2
            else:
                unit = units[i]
                concepts.append(Concept((unit.term,), unit.alternatives(), unit.key))
                i += 1
    return concepts


def _from_vocabulary(span: list[Unit], key: tuple[str, ...], groups: list[list["Term"]]) -> Concept:
    typed = span[0].alternatives() if len(span) == 1 else [Alternative(key)]
    alternatives = list(typed)
    for group in groups:
        for term in group:
            weight = TYPED if key in term.keys else SYNONYM
            if term.joined:
                alternatives.append(Alternative((term.joined,), weight=weight))
            alternatives.append(Alternative(term.parts, term.text, weight=weight))
    unique = list(dict.fromkeys(alternatives))
    return Concept(tuple(u.term for u in span), unique, key)


def _corrected(unit: Unit, index: "CatalogueIndex") -> str | None:
    """The unit with its unknown words corrected from the catalogue's own
    words, as a term ("leadrship" -> "leadership"), or None. A word the
    catalogue or the vocabulary knows is never corrected."""
    parts: list[str]
    changed, parts = False, []
    for word in unit.parts:
        candidate: str | None = None
        if not (
            word.is_stop_word
            or word.text.isdigit()
            or index.finds(word)
            or word.stem in index.vocabulary.known_stems
        ):
            candidate = index.closest(word.text)
        changed = changed or candidate is not None
        parts.append(index.written(candidate) if candidate else word.folded)
    return "-".join(parts) if changed else None


def closest_word(word: str, choices: Sequence[str], counts: Mapping[str, int]) -> str | None:
    """The most used of `choices` within the allowed distance of `word`, or None.

    Only words that start with the same letter: people rarely mistype the first
    one, and it keeps "parking" from becoming "working"."""
    if len(word) < SHORTEST_CORRECTED:
        return None
    allowed = 2 if len(word) >= LONG_WORD else 1
    near = process.extract(word, choices, scorer=OSA.distance, score_cutoff=allowed, limit=None)
    found = [(distance, -counts.get(choice, 0), choice) for choice, distance, _ in near]
    found = [f for f in found if f[2] != word and f[2] not in STOP_WORDS]
    return min(found)[2] if found else None
