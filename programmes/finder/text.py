"""How the finder reads text: the same steps for the catalogue's words and for a search.

`words(text)` turns text into Words: each word of the text folded (case,
accents, British and American spellings) and stemmed with the Snowball English
stemmer, so that "Partnerships", "partnership" and "partner­ship" meet, and so do
"organization" and "organisation". A hyphenated term gives its parts and the
parts joined, so "co-design", "co design" and "codesign" find each other.

Search words that carry no meaning ("what", "is", "there") are STOP_WORDS: a
standard English list (Snowball's) with the fillers of questions staff type
into a catalogue ("programme", "looking", "help").
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import snowballstemmer

# Snowball's English stop words (snowballstem.org/algorithms/english/stop.txt),
# with apostrophes dropped as `words()` drops them ("don't" is read "dont").
# Not "ill", "hell", "shell", "well", "shed": "i'll"... written without the
# apostrophe are other words.
SNOWBALL_STOP_WORDS = [
    "i",
    "me",
    "my",
    "myself",
    "we",
    "our",
    "ours",
    "ourselves",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "he",
    "him",
    "his",
    "himself",
    "she",
    "her",
    "hers",
    "herself",
    "it",
    "its",
    "itself",
    "they",
    "them",
    "their",
    "theirs",
    "themselves",
    "what",
    "which",
    "who",
    "whom",
    "this",
    "that",
    "these",
    "those",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "have",
    "has",
    "had",
    "having",
    "do",
    "does",
    "did",
    "doing",
    "would",
    "should",
    "could",
    "ought",
    "im",
    "youre",
    "hes",
    "shes",
    "were",
    "theyre",
    "ive",
    "youve",
    "weve",
    "theyve",
    "id",
    "youd",
    "hed",
    "wed",
    "theyd",
    "youll",
    "theyll",
    "isnt",
    "arent",
    "wasnt",
    "werent",
    "hasnt",
    "havent",
    "hadnt",
    "doesnt",
    "dont",
    "didnt",
    "wont",
    "wouldnt",
    "shant",
    "shouldnt",
    "cant",
    "cannot",
    "couldnt",
    "mustnt",
    "lets",
    "thats",
    "whos",
    "whats",
    "heres",
    "theres",
    "whens",
    "wheres",
    "whys",
    "hows",
    "a",
    "an",
    "the",
    "and",
    "but",
    "if",
    "or",
    "because",
    "as",
    "until",
    "while",
    "of",
    "at",
    "by",
    "for",
    "with",
    "about",
    "against",
    "between",
    "into",
    "through",
    "during",
    "before",
    "after",
    "above",
    "below",
    "to",
    "from",
    "up",
    "down",
    "in",
    "out",
    "on",
    "off",
    "over",
    "under",
    "again",
    "further",
    "then",
    "once",
    "here",
    "there",
    "when",
    "where",
    "why",
    "how",
    "all",
    "any",
    "both",
    "each",
    "few",
    "more",
    "most",
    "other",
    "some",
    "such",
    "no",
    "nor",
    "not",
    "only",
    "own",
    "same",
    "so",
    "than",
    "too",
    "very",
]

# What staff add around a question to a catalogue: words that say nothing about
# which programme they want.
QUESTION_WORDS = [
    "can",
    "will",
    "just",
    "now",
    "also",
    "may",
    "might",
    "must",
    "shall",
    "us",
    "programme",
    "programmes",
    "program",
    "programs",
    "initiative",
    "initiatives",
    "anything",
    "something",
    "everything",
    "please",
    "want",
    "wants",
    "need",
    "needs",
    "looking",
    "look",
    "find",
    "get",
    "help",
    "info",
    "information",
    "available",
    "know",
    "tell",
    "like",
    "make",
    "become",
    "use",
    "better",
    "best",
]

STOP_WORDS = frozenset(SNOWBALL_STOP_WORDS + QUESTION_WORDS)

# British and American spellings are folded to one form (which one does not
# matter: both sides of a search are folded the same way).
# -our: behaviour, colour, favourite; three letters before it, so "your",
# "four" and "hour" stay as they are.
OUR = re.compile(
    r"(?<=[a-z]{3})our(?=(s|ed|ing|al|ally|ite|ites|able|ably|ful|less|hood|hoods|y|er|ers)?$)"
)
# -ize and -yze: organise, organisation, analyse; "size" and "prize" stay.
IZE = re.compile(r"(?<=[a-z]{3})([iy])z(?=(e|es|ed|ing|er|ers|ation|ations|ational|able)$)")
# ae between consonants: paediatric, anaesthetic, haematology.
AE = re.compile(r"(?<=[^aeiou\W\d_])ae(?=[^aeiou\W\d_])")
SPELLINGS = {
    "program": "programme",
    "programs": "programmes",
    "center": "centre",
    "centers": "centres",
    "catalog": "catalogue",
    "catalogs": "catalogues",
    "dialog": "dialogue",
    "defense": "defence",
    "offense": "offence",
    "practise": "practice",
    "practised": "practiced",
    "practising": "practicing",
    "enroll": "enrol",
    "enrollment": "enrolment",
    "enrollments": "enrolments",
    "fulfill": "fulfil",
    "judgment": "judgement",
    "aging": "ageing",
    "mold": "mould",
    "skillful": "skilful",
}

# "GPs", "ICSs", "IMGs": an acronym's plural is the acronym ("ICB-ICSs" in the
# source reads "ICB-ICS"). Matched before case is folded away.
ACRONYM_PLURAL = re.compile(r"\b([A-Z]{2,})s\b")
APOSTROPHE = re.compile(r"(?<=\w)['’‘`](?=\w)")
# A word, or a hyphenated term: letters and digits joined by hyphens (not by
# dashes, which separate clauses: "actions – through").
TERM = re.compile(r"[^\W_]+(?:[-‐‑][^\W_]+)*")
# The same, as written: apostrophes inside words too ("arm's-length").
WRITTEN_TERM = re.compile(r"[^\W_]+(?:['’‘`\-‐‑][^\W_]+)*")
HYPHENS = re.compile(r"[-‐‑]")

VOWELS = frozenset("aeiouy")


class Stemmer(Protocol):  # snowballstemmer has no type hints
    def stemWord(self, word: str) -> str: ...


_stemmer: Stemmer = snowballstemmer.stemmer("english")


@dataclass(frozen=True, slots=True)
class Word:
    """One word as the finder sees it.

    `text` is the word casefolded, accents and apostrophes dropped, spelling
    folded: what "whole word" means. `stem` is its Snowball stem: what "same
    word" means. `joined` marks the parts of a hyphenated term written as one
    word ("codesign" for "co-design"), which comes after its parts."""

    text: str
    stem: str
    joined: bool = False
    folded: str = ""  # as written, casefolded, before its spelling was folded

    @property
    def is_stop_word(self) -> bool:
        return self.text in STOP_WORDS


def fold(text: str) -> str:
    """Casefolded, without accents or apostrophes: "Équipe's" -> "equipes"."""
    text = text.casefold()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
        )
    return APOSTROPHE.sub("", text)


@lru_cache(maxsize=200_000)
def spelling(word: str) -> str:
    """One spelling for British and American forms of a folded word."""
    word = SPELLINGS.get(word, word)
    if len(word) < 6:
        return word
    return AE.sub("e", IZE.sub(r"\1s", OUR.sub("or", word)))


def _stem(text: str) -> str:
    # Snowball stems "imgs" to "img" but leaves "gps" as it is: the plural of a
    # short acronym without a vowel loses its "s" first.
    if len(text) <= 4 and text.endswith("s") and not VOWELS.intersection(text[:-1]):
        text = text[:-1]
    return _stemmer.stemWord(text)


@lru_cache(maxsize=200_000)
def _word(folded: str, joined: bool = False) -> Word:
    text = spelling(folded)
    return Word(text, _stem(text), joined, folded)


def terms(text: str) -> list[str]:
    """The folded words and hyphenated terms of `text`, in order: "co-design"."""
    return [term for written in WRITTEN_TERM.findall(text) for term in folded_terms(written)]


def distinct_terms(text: str) -> set[str]:
    """The folded terms of `text`, each once (what an index needs: faster)."""
    return {term for written in set(WRITTEN_TERM.findall(text)) for term in folded_terms(written)}


@lru_cache(maxsize=200_000)
def folded_terms(written: str) -> tuple[str, ...]:
    """A term as written ("ICSs", "Arm's-length") folded: ("ics",), ("arms-length",).
    Each distinct term is folded once, however many texts have it."""
    return tuple(TERM.findall(fold(ACRONYM_PLURAL.sub(r"\1", written))))


@lru_cache(maxsize=200_000)
def words_of_term(term: str) -> tuple[Word, ...]:
    """A term's Words: its parts, then (for a hyphenated term) the parts joined."""
    parts = HYPHENS.split(term)
    found = tuple(_word(part) for part in parts)
    if len(parts) > 1:
        found += (_word("".join(parts), joined=True),)
    return found


def words(text: str) -> list[Word]:
    """Every Word of `text`, in order, stop words included (see Word)."""
    return [word for term in terms(text) for word in words_of_term(term)]


def stem(text: str) -> str:
    """The stem of one folded word."""
    return _word(text).stem
