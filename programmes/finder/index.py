"""The finder's index: each worker's in-memory snapshot of the published catalogue.

Why in memory: at 10,000 programmes, a search done in SQL cost about 200 ms a
page (bench/README.md): a LIKE scan of every programme's text, then a GROUP BY
join for each facet over thousands of matches, then a ranking of them all.
Here a search looks its words up in each place's dictionary of words and
stems, and each facet option's count is one AND of two bitsets: the whole
finder costs a few milliseconds at 10,000 programmes, and the database only
fetches the 20 rows a page shows. Search, ranking and sorting run in Python,
so they are the same on SQLite and PostgreSQL by construction.

Why it is never stale: a snapshot is labelled with the catalogue version
(programmes/cache.py), a token that every change to a catalogue record
(programmes, their relations, the search vocabulary) replaces in the same
transaction. Every request that uses the index knows the token (the page cache
reads it, or on PostgreSQL has it from programmes/version_listener.py); a worker
whose snapshot has another label builds a new one first (BUILD_QUERIES queries),
so an editor's change is seen by every worker and every app server as soon as
by the page cache. Changes in bulk (update(), bulk_create()) replace it too
(programmes.models.CatalogueQuerySet).

Sets of programmes are Python ints used as bitsets: bit i is the programme at
position i of the snapshot.
"""

import datetime
import re
import threading
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Self, cast

import numpy as np
import numpy.typing as npt
from django.db.models import QuerySet, Value
from django.urls import reverse

from ..cache import catalogue_version
from ..collation import a_to_z
from ..models import KeyDate, Programme, ProgrammePartner, TaggedProgramme, published_rule
from ..taking_part import AvailabilityNow, KeyDateKind, availability, london_today
from .memory import settle_after_build
from .query import PREFIX_MIN, closest_word
from .text import Word, distinct_terms, terms, words_of_term
from .vocabulary import Vocabulary

# Where a programme's words are, and what a match there is worth: the title
# first, then its topics (tags and the search keywords editors add), then the
# summary, then its partners, audiences and Format and Status labels, then the
# body.
PLACES = {
    "title": 100,
    "topics": 50,
    "summary": 20,
    "names": 15,
    "body": 10,
}

# The sort orders, and what the catalogue calls them. "relevance" needs a
# search; "created" is the feed's (newest in the catalogue first).
SORTS = {
    "relevance": "Relevance",
    "title": "A to Z",
    "newest": "Newest launch",
    "updated": "Recently updated",
}
ORDERS = ("title", "newest", "updated", "created")

# The facets whose values are related records: (name, link table, its programme
# foreign key, its related-record foreign key).
RELATED: list[tuple[str, Any, str, str]] = [  # Any: three model classes, each with `objects`
    ("audience", Programme.audiences.through, "programme", "audience"),
    ("tag", TaggedProgramme, "content_object", "tag"),
    ("partner", ProgrammePartner, "programme", "partner"),
]

# What building an index costs: the programmes, their application dates, their
# audiences, topics and partners (one query), the search vocabulary, then the
# catalogue version again (see _rebuild).
BUILD_QUERIES = 5

# Taking-part text a page shows, searched like its body.
TAKING_PART_TEXT = ("who_can_take_part", "how_to_take_part", "time_commitment", "location")

ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]+\b")

# Programmes fetched by id at a time: well within every database's limit on
# query parameters (SQLite's is 32,766).
FETCH_BY_ID_LIMIT = 1000
READ_CHUNK = 2000  # rows read at a time when building the index

# Arrays of programmes' positions in the index, and of one bool a programme.
Positions = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Card:
    """What a result card shows of a programme, kept in the index: the catalogue
    page renders from the index alone, with no query for its 20 programmes (and
    so even while the database does not answer: programmes/cache.py)."""

    pk: int
    title: str
    slug: str
    summary: str
    kind: str
    delivery: str
    cost: str

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.slug])

    def get_kind_display(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    def get_delivery_display(self) -> str:
        return DELIVERY_LABELS.get(self.delivery, self.delivery)


KIND_LABELS = dict(Programme.Kind.choices)
DELIVERY_LABELS = dict(Programme.Delivery.choices)


def bitset(positions: Iterable[int], size: int) -> int:
    flags = bytearray(size // 8 + 1)
    for position in positions:
        flags[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(flags, "little")


def bitset_of_mask(mask: Mask) -> int:
    """A numpy mask (one bool a programme) as a bitset."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def mask_of_bitset(bits: int, size: int) -> Mask:
    """A bitset as a numpy mask of `size` programmes."""
    flags = np.frombuffer(bits.to_bytes(size // 8 + 1, "little"), dtype=np.uint8)
    return np.unpackbits(flags, bitorder="little")[:size].astype(bool)


def _merged(lists: list[list[int]]) -> Positions:
    """The positions in `lists` (each sorted), once each, as a compact array."""
    if len(lists) == 1:
        return np.array(lists[0], dtype=np.int32)
    return np.unique(np.concatenate([np.array(ps, dtype=np.int32) for ps in lists]))


class Place:
    """One place searched (titles, summaries...) of every programme: for each
    distinct word and each distinct stem, the programmes that have it, and the
    words in order, so that the words starting with a prefix are a slice."""

    def __init__(self, texts: Iterable[str]) -> None:
        # Each distinct term (word, or hyphenated term) is read once, however
        # many programmes have it: the texts are only split into terms.
        by_term: defaultdict[str, list[int]] = defaultdict(list)
        for position, text in enumerate(texts):
            for term in distinct_terms(text):
                by_term[term].append(position)
        by_word: defaultdict[str, list[list[int]]]
        by_stem: defaultdict[str, list[list[int]]]
        by_word, by_stem = defaultdict(list), defaultdict(list)
        self.written: dict[str, str] = {}  # word -> as written, where its spelling was folded
        for term, positions in by_term.items():
            for word in words_of_term(term):
                by_word[word.text].append(positions)
                by_stem[word.stem].append(positions)
                if word.folded != word.text:
                    self.written.setdefault(word.text, word.folded)
        self.words = {word: _merged(lists) for word, lists in by_word.items()}
        self.stems = {stem: _merged(lists) for stem, lists in by_stem.items()}
        self.sorted_words = sorted(self.words)

    def starting_with(self, prefix: str) -> list[str]:
        """The words that start with `prefix` (and are longer than it)."""
        found: list[str] = []
        words = self.sorted_words
        at = bisect_left(words, prefix)
        while at < len(words) and words[at].startswith(prefix):
            if words[at] != prefix:
                found.append(words[at])
            at += 1
        return found


@dataclass
class CatalogueIndex:
    pks: npt.NDArray[np.int64]  # position -> programme primary key
    places: dict[str, Place]  # place name -> Place
    title_stems: list[tuple[str, ...]]  # position -> the stems of its title's meaningful words
    title_length: Positions  # position -> how many they are
    title_first_stem: Positions  # position -> the first one's number (see stem_number)
    stem_numbers: dict[str, int]  # stem -> a number, for comparing stems in arrays
    facets: dict[str, dict[str, int]]  # facet -> value -> bitset of programmes with that value
    labels: dict[str, dict[str, str]]  # facet -> value -> label (related facets only)
    orders: dict[str, Positions]  # sort -> positions in that order (an array)
    title_rank: Positions  # position -> place in A to Z order
    vocabulary: Vocabulary
    word_counts: dict[str, int]  # word -> how many programmes have it anywhere
    acronyms: set[str]  # words titles and names write in capitals ("wres", "icb")
    position_of: dict[int, int]  # programme primary key -> position
    cards: list[Card]  # position -> what its result card shows
    availability: list[AvailabilityNow]  # position -> its availability today
    audience_names: list[list[str]]  # position -> the names of its audiences, A to Z
    # Words by first letter, for spelling correction: made when first needed.
    _by_initial: dict[str, list[str]] | None = None

    @property
    def size(self) -> int:
        return len(self.pks)

    @property
    def everything(self) -> int:
        return (1 << self.size) - 1

    def stem_number(self, stem: str) -> int:
        return self.stem_numbers.get(stem, -2)  # -1 is "no title words"

    def knows(self, word: str) -> bool:
        """Whether a programme has this (folded) word, written as it is."""
        return word in self.word_counts

    def finds(self, word: Word) -> bool:
        """Whether a search for this Word would find anything, however matched."""
        if word.text in self.word_counts:
            return True
        places = self.places.values()
        if any(word.stem in place.stems for place in places):
            return True
        return len(word.text) >= PREFIX_MIN and any(p.starting_with(word.text) for p in places)

    def closest(self, word: str) -> str | None:
        """The catalogue's word closest in spelling to `word` (query.closest_word)."""
        if self._by_initial is None:
            by_initial: defaultdict[str, list[str]] = defaultdict(list)
            for known in self.word_counts:
                by_initial[known[0]].append(known)
            for stem_words in self.vocabulary.words:
                by_initial[stem_words[0]].append(stem_words)
            self._by_initial = dict(by_initial)
        return closest_word(word, self._by_initial.get(word[0], ()), self.word_counts)

    def written(self, word: str) -> str:
        """How the catalogue writes a word: "WRES", "behaviour" (not "behavior")."""
        if word in self.acronyms:
            return word.upper()
        for place in self.places.values():
            if word in place.written:
                return place.written[word]
        return word

    @classmethod
    def build(cls) -> Self:
        # Rows are read in chunks and only what the index keeps is kept: holding
        # every row at once (about 8 MB of text at 10,000 programmes, several
        # times that as Python objects) would leave each worker that much bigger.
        rows = (
            Programme.objects.published()
            .values_list(
                "pk",
                "slug",
                "title",
                "summary",
                "body",
                "search_keywords",
                "status",
                "kind",
                "delivery",
                "cost",
                "availability",
                *TAKING_PART_TEXT,
                "launched_on",
                "updated_at",
                "created_at",
            )
            .order_by("pk")
        )
        status_labels = dict(Programme.Status.choices)
        kind_labels = dict(Programme.Kind.choices)
        delivery_labels = dict(Programme.Delivery.choices)
        pks, dates, chosen_availability, ended, cards = [], [], [], [], []
        # Each place's texts; for topics and names, each programme's list of them at first.
        text: dict[str, list[Any]] = {place: [] for place in PLACES}
        members: dict[str, dict[str, list[int]]] = {
            "status": defaultdict(list),
            "kind": defaultdict(list),
        }
        for i, row in enumerate(rows.iterator(chunk_size=READ_CHUNK)):
            pk, slug, title, summary, body, keywords, status, kind, delivery, cost, choice = row[
                :11
            ]
            taking_part, when = row[11:-3], row[-3:]
            pks.append(pk)
            cards.append(Card(pk, title, slug, summary, kind, delivery, cost))
            dates.append(when)  # launched, updated, created
            chosen_availability.append(choice)
            ended.append(status == Programme.Status.ENDED)
            text["title"].append(title)
            text["summary"].append(summary)
            text["body"].append("\n".join([body, *taking_part]))
            text["topics"].append([keywords])
            # One name a line: no phrase runs from one name into the next.
            text["names"].append(
                [
                    status_labels.get(status, ""),
                    kind_labels.get(kind, ""),
                    delivery_labels.get(delivery, ""),
                    cost,
                ]
            )
            members["status"][status].append(i)
            members["kind"][kind].append(i)
        size = len(pks)
        position = {pk: i for i, pk in enumerate(pks)}
        # Availability is today's, in London: the index's label (the catalogue
        # version) names the day, so a new day builds a new index.
        today = london_today()
        application_dates: defaultdict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
        for pk, kind, day in _application_dates():
            application_dates[pk].append((kind, day))
        availability_now = [
            availability(
                status_ended=ended[i],
                choice=chosen_availability[i],
                key_dates=application_dates.get(pk, ()),
                today=today,
            )
            for i, pk in enumerate(pks)
        ]
        members["availability"] = defaultdict(list)
        for i, now in enumerate(availability_now):
            members["availability"][now.slug].append(i)
        audience_names: list[list[str]] = [[] for _ in pks]
        labels: dict[str, dict[str, str]] = {}
        for facet, pk, slug, name in _related_rows():
            at = position.get(pk)
            if at is None:  # published after the programmes were read
                continue
            members.setdefault(facet, defaultdict(list))[slug].append(at)
            labels.setdefault(facet, {})[slug] = name
            text["topics" if facet == "tag" else "names"][at].append(name)
            if facet == "audience":
                audience_names[at].append(name)
        for facet, _, _, _ in RELATED:
            members.setdefault(facet, {})
            labels.setdefault(facet, {})
        for place in ("topics", "names"):
            text[place] = ["\n".join(names) for names in text[place]]
        titles = text["title"]
        by_title = sorted(range(size), key=lambda i: (a_to_z(titles[i]), pks[i]))
        title_rank = [0] * size
        for rank, i in enumerate(by_title):
            title_rank[i] = rank
        title_stems = [_meaningful_stems(title) for title in titles]
        acronyms = _acronyms(titles, text["topics"], text["names"])
        # The words are all a search needs: let each place's texts go once indexed.
        places = {place: Place(text.pop(place)) for place in PLACES}
        word_counts: dict[str, int] = {}
        for word in {w for place in places.values() for w in place.words}:
            found = [place.words[word] for place in places.values() if word in place.words]
            word_counts[word] = (
                len(found[0]) if len(found) == 1 else len(np.unique(np.concatenate(found)))
            )
        stem_numbers: dict[str, int] = {}
        for stems in title_stems:
            for stem in stems:
                stem_numbers.setdefault(stem, len(stem_numbers))
        orders = {
            "title": by_title,
            # Launched most recently first; undated ones last, A to Z.
            "newest": sorted(
                range(size),
                key=lambda i: (
                    dates[i][0] is None,
                    -(dates[i][0].toordinal() if dates[i][0] else 0),
                    title_rank[i],
                ),
            ),
            "updated": sorted(range(size), key=lambda i: (dates[i][1], -pks[i]), reverse=True),
            "created": sorted(range(size), key=lambda i: (dates[i][2], pks[i]), reverse=True),
        }
        return cls(
            pks=np.array(pks, dtype=np.int64),
            places=places,
            title_stems=title_stems,
            title_length=np.array([len(t) for t in title_stems], dtype=np.int32),
            title_first_stem=np.array(
                [stem_numbers[t[0]] if t else -1 for t in title_stems], dtype=np.int32
            ),
            stem_numbers=stem_numbers,
            facets={
                facet: {value: bitset(ps, size) for value, ps in values.items()}
                for facet, values in members.items()
            },
            labels=labels,
            orders={sort: np.array(order, dtype=np.int32) for sort, order in orders.items()},
            title_rank=np.array(title_rank, dtype=np.int32),
            vocabulary=Vocabulary.from_database(),
            word_counts=word_counts,
            acronyms=acronyms,
            position_of=position,
            cards=cards,
            availability=availability_now,
            audience_names=[sorted(names, key=a_to_z) for names in audience_names],
        )


def _application_dates() -> Iterator[tuple[int, str, datetime.date]]:
    """(programme pk, kind, date) of published programmes' application dates:
    what availability is computed from (programmes/taking_part.py)."""
    kinds = [KeyDateKind.APPLICATIONS_OPEN, KeyDateKind.APPLICATIONS_CLOSE]
    return (
        KeyDate.objects.filter(published_rule("programme"), kind__in=kinds)
        .values_list("programme_id", "kind", "starts_on")
        .order_by()
        .iterator(chunk_size=READ_CHUNK)
    )


def _related_rows() -> Iterator[tuple[str, int, str, str]]:
    """(facet, programme pk, slug, name) of every published programme's
    audiences, topics and partners, in one query."""
    queries = [
        through.objects.filter(published_rule(programme))
        .annotate(facet=Value(facet))
        .values_list("facet", f"{programme}_id", f"{target}__slug", f"{target}__name")
        .order_by()
        for facet, through, programme, target in RELATED
    ]
    first, *rest = queries
    return cast(
        Iterator[tuple[str, int, str, str]],
        first.union(*rest, all=True).iterator(chunk_size=READ_CHUNK),
    )


def _meaningful_stems(text: str) -> tuple[str, ...]:
    found = [w for term in terms(text) for w in words_of_term(term) if not w.joined]
    return tuple(w.stem for w in found if not w.is_stop_word)


def _acronyms(*places: Iterable[str]) -> set[str]:
    """The words titles, topics and names write in capitals ("WRES", "ICB")."""
    found: set[str] = set()
    for texts in places:
        for text in texts:
            found.update(w.casefold() for w in ACRONYM.findall(text))
    return found


# (catalogue version, CatalogueIndex) of this process
_snapshot: tuple[str | None, CatalogueIndex | None] = (None, None)
_building = threading.Lock()


def current_index(version: str | None = None) -> CatalogueIndex:
    """This worker's index of the catalogue as it is now. `version`, when the
    caller has just read it (the page cache does), saves reading it again."""
    version = version or catalogue_version()
    label, index = _snapshot
    if label == version:
        return cast(CatalogueIndex, index)  # a version is labelled with its index
    with _building:  # threads of one process (runserver) build it once
        return _rebuild(version)


def _rebuild(version: str) -> CatalogueIndex:
    """Build the index and label it with a version it is certainly the state of.

    Its queries run one after another, each seeing what was committed when it
    ran; every change commits a new version with it. So if the version read
    after the build is the one read before it, no change committed in between
    and every query saw the same catalogue. Otherwise read again (a catalogue
    changing that fast gives up after three tries and serves the last reading
    unlabelled)."""
    global _snapshot
    for _ in range(3):
        label, index = _snapshot
        if label == version:  # another thread, or an earlier try, built it
            return cast(CatalogueIndex, index)
        index = CatalogueIndex.build()
        after = catalogue_version()
        if after == version:
            _snapshot = (version, index)
            settle_after_build()  # the last index goes; this one is kept out of the GC's way
            return index
        version = after
    return cast(CatalogueIndex, index)  # built at least once


def in_order(queryset: QuerySet[Programme], pks: Sequence[int]) -> list[Programme]:
    """The programmes of `queryset` whose keys are `pks`, in that order, fetched
    FETCH_BY_ID_LIMIT at a time (one query each, plus the queryset's
    prefetches), so a long list never becomes one huge query. A programme
    unpublished since the index was built is left out."""
    by_pk: dict[int, Programme] = {}
    for start in range(0, len(pks), FETCH_BY_ID_LIMIT):
        chunk = pks[start : start + FETCH_BY_ID_LIMIT]
        by_pk.update((p.pk, p) for p in queryset.filter(pk__in=chunk))
    return [by_pk[pk] for pk in pks if pk in by_pk]
