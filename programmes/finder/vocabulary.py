"""The search vocabulary as the finder uses it: the EDI team's groups of words
that mean the same (VocabularyGroup), read once with the rest of the index.

A phrase of the query is looked up by its stems, so "job adverts", "Job
advert" and "job-adverts" all find the group "job adverts, vacancies,
recruitment". Each group's words then become alternatives of that part of the
query (programmes/finder/query.py).
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Self

from .text import STOP_WORDS, words

# A phrase of at most this many meaningful words is looked up.
MAX_PHRASE = 6
ACRONYM = re.compile(r"[A-Z][A-Z0-9&]{1,7}")


@dataclass(frozen=True)
class Term:
    """One word or phrase of a group, read as search reads it.

    `parts`: the stems of its meaningful words ("black and minority ethnic" ->
    black, minor, ethnic). `joined`: for a hyphenated term, the stem of its
    parts written as one word ("anti-racism" -> "antirac"), else None. `text`:
    the word itself folded, when it is one word ("wres"), for whole-word
    matches."""

    written: str
    parts: tuple[str, ...]
    joined: str | None
    text: str | None

    @classmethod
    def read(cls, written: str) -> Self:
        found = words(written)
        plain = [w for w in found if not w.joined]
        meaningful = [w for w in plain if not w.is_stop_word] or plain
        joined = [w.stem for w in found if w.joined]
        return cls(
            written=written,
            parts=tuple(w.stem for w in meaningful),
            joined=joined[0] if len(joined) == 1 and len(plain) > 1 else None,
            text=meaningful[0].text if len(meaningful) == 1 else None,
        )

    @property
    def keys(self) -> list[tuple[str, ...]]:
        """The stem sequences a query phrase may have to be this term."""
        keys = [self.parts] if self.parts else []
        if self.joined:
            keys.append((self.joined,))
        return keys


class Vocabulary:
    """Groups of Terms, looked up by the stems of a query phrase."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self.groups: list[list[Term]] = []
        self.by_key: dict[tuple[str, ...], set[int]] = {}
        for written in groups:
            terms = [t for t in (Term.read(w) for w in written) if t.keys]
            if len(terms) < 2:
                continue
            number = len(self.groups)
            self.groups.append(terms)
            for term in terms:
                for key in term.keys:
                    self.by_key.setdefault(key, set()).add(number)
        self.longest = min(MAX_PHRASE, max((len(k) for k in self.by_key), default=0))
        # Words a search must never "correct": the team has written them down.
        self.known_stems = {stem for key in self.by_key for stem in key}
        # ... and words spelling correction may suggest.
        self.words = sorted({t.text for terms in self.groups for t in terms if t.text})

    @classmethod
    def from_database(cls) -> Self:
        from ..models import VocabularyGroup

        return cls(group.term_list() for group in VocabularyGroup.objects.all())

    def groups_for(self, key: tuple[str, ...]) -> list[list[Term]]:
        """The groups with a term whose stems are `key` (a tuple of stems)."""
        return [self.groups[n] for n in sorted(self.by_key.get(key, ()))]


def acronyms(groups: Iterable[Sequence[str]]) -> dict[str, str]:
    """What each acronym in the vocabulary stands for: {"WRES": "Workforce Race
    Equality Standard"}. An acronym is a term written in capitals; it stands
    for the group's term whose words' initials spell it (small words such as
    "and" may be left out, as in BME: Black and minority ethnic)."""
    meanings: dict[str, str] = {}
    for written in groups:
        for acronym in (t for t in written if ACRONYM.fullmatch(t)):
            letters = acronym.replace("&", "").casefold()
            phrases = [t for t in written if not ACRONYM.fullmatch(t)]
            # Initials of the meaningful words first (BAME: Black, Asian and
            # minority ethnic, not "Black and minority ethnic"), then of all.
            for keep_small_words in (False, True):
                found = [t for t in phrases if _initials(t, keep_small_words) == letters]
                if found:
                    meanings[acronym] = found[0]
                    break
    return meanings


def _initials(phrase: str, keep_small_words: bool) -> str:
    found = re.findall(r"[^\W_]+", phrase.casefold())
    return "".join(w[0] for w in found if keep_small_words or w not in STOP_WORDS)
