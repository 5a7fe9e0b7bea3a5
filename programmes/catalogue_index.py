"""The finder's index: each worker's in-memory snapshot of the published catalogue.

Why in memory: at 10,000 programmes, a search done in SQL cost about 200 ms a
page (bench/README.md): a LIKE scan of every programme's text, then a GROUP BY
join for each of five facets over thousands of matches, then a CASE ranking of
them all. Here the same search looks the words up among the distinct words of
each place searched (Words, below; a few ms), and each facet option's count is
one AND of two bitsets: the whole finder costs a few milliseconds at 10,000
programmes, and the database only fetches the 20 rows a page shows. Search, ranking and sorting run in Python, so they are the same
on SQLite and PostgreSQL by construction.

Why it is never stale: a snapshot is labelled with the catalogue version
(programmes/cache.py), a token that every change to a catalogue record replaces
in the same transaction. Every request that uses the index reads the token; a
worker whose snapshot has another label builds a new one first (5 queries; about
0.4 s at 10,000 programmes, once per worker after each edit). So an editor's
change is seen by every worker and every app server at the next request, as
with the page cache. Changes made with QuerySet.update() or bulk_create() send
no signals: call programmes.cache.catalogue_changed() after them.

Sets of programmes are Python ints used as bitsets: bit i is the programme at
position i of the snapshot.
"""

import threading
from bisect import bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from .cache import catalogue_version
from .collation import a_to_z
from .models import Programme, ProgrammePartner, TaggedProgramme

# How much a match in each place counts towards relevance: title first, then
# tags, then summary, then partners and audiences, then body. A title equal to
# the whole search gets WEIGHT_TITLE_EXACT once; every other weight counts once
# per search word.
WEIGHT_TITLE_EXACT = 1000
WEIGHT_TITLE_STARTS = 200
WEIGHT_TITLE = 100
WEIGHT_TAG = 50
WEIGHT_SUMMARY = 20
WEIGHT_PARTNER_OR_AUDIENCE = 15
WEIGHT_BODY = 10

# Where a search word is looked for, and what a match there is worth.
SEARCHED = [
    ("title", WEIGHT_TITLE),
    ("tags", WEIGHT_TAG),
    ("summary", WEIGHT_SUMMARY),
    ("names", WEIGHT_PARTNER_OR_AUDIENCE),
    ("body", WEIGHT_BODY),
]

# The facets whose values are related records: (name, link table, its programme
# foreign key, its related-record foreign key).
RELATED = [
    ("audience", Programme.audiences.through, "programme", "audience"),
    ("tag", TaggedProgramme, "content_object", "tag"),
    ("partner", ProgrammePartner, "programme", "partner"),
]

SORTS = ("title", "newest", "updated", "created")

# What building an index costs: the programmes, each relation's links, then the
# catalogue version again (see _rebuild).
BUILD_QUERIES = 1 + len(RELATED) + 1

# Programmes fetched by id at a time: well within every database's limit on
# query parameters (SQLite's is 32,766).
FETCH_BY_ID_LIMIT = 1000
READ_CHUNK = 2000  # rows read at a time when building the index


def _bitset(positions, size):
    flags = bytearray(size // 8 + 1)
    for position in positions:
        flags[position >> 3] |= 1 << (position & 7)
    return int.from_bytes(flags, "little")


class Words:
    """One searched place (titles, summaries...) of every programme, as the
    programmes each distinct word is in.

    A search word holds no whitespace (the query is split on it), so it occurs
    in a text exactly when it occurs within one of the text's words: finding
    the words that contain it finds the programmes, with the same result as
    scanning every text, at a fraction of the cost (the distinct words are
    much shorter than the texts, and a programme is looked at only if it has
    a matching word).
    """

    def __init__(self, texts):
        programmes = defaultdict(list)
        for position, text in enumerate(texts):
            for word in set(text.split()):
                programmes[word].append(position)
        self.having = [tuple(positions) for positions in programmes.values()]
        self.starts = []
        offset = 0
        for word in programmes:
            self.starts.append(offset)
            offset += len(word) + 1
        # One word a line: no search word spans two.
        self.joined = "\n".join(programmes)

    def containing(self, term):
        """The positions of the programmes with a word containing `term`."""
        found = set()
        joined, starts, having, last = self.joined, self.starts, self.having, len(self.starts) - 1
        at = joined.find(term)
        while at != -1:
            word = bisect_right(starts, at) - 1
            found.update(having[word])
            if word == last:
                break
            at = joined.find(term, starts[word + 1])  # on to the next word
        return found


@dataclass
class CatalogueIndex:
    pks: list  # position -> programme primary key
    titles: list  # position -> casefolded title
    words: dict  # place searched -> its Words
    facets: dict  # facet -> value -> bitset of programmes with that value
    labels: dict  # facet -> value -> label (related facets only)
    orders: dict  # sort -> positions in that order
    title_rank: list = field(default_factory=list)  # position -> place in A to Z order

    @property
    def size(self):
        return len(self.pks)

    @property
    def everything(self):
        return (1 << self.size) - 1

    @classmethod
    def build(cls):
        # Rows are read in chunks and only what the index keeps is kept: holding
        # every row at once (about 8 MB of text at 10,000 programmes, several
        # times that as Python objects) would leave each worker that much bigger.
        programmes = (
            Programme.objects.published()
            .values_list(
                "pk",
                "title",
                "summary",
                "body",
                "status",
                "kind",
                "launched_on",
                "updated_at",
                "created_at",
            )
            .order_by("pk")
        )
        pks, dates = [], []
        text = {"title": [], "summary": [], "body": []}
        members = {"status": {}, "kind": {}}
        for i, (pk, title, summary, body, status, kind, *when) in enumerate(
            programmes.iterator(chunk_size=READ_CHUNK)
        ):
            pks.append(pk)
            dates.append(when)  # launched, updated, created
            text["title"].append(title.casefold())
            text["summary"].append(summary.casefold())
            text["body"].append(body.casefold())
            members["status"].setdefault(status, []).append(i)
            members["kind"].setdefault(kind, []).append(i)
        size = len(pks)
        position = {pk: i for i, pk in enumerate(pks)}
        labels, names = {}, {"tags": [[] for _ in pks], "names": [[] for _ in pks]}
        for facet, through, programme, target in RELATED:
            links = through.objects.filter(**{f"{programme}__is_published": True}).values_list(
                f"{programme}_id", f"{target}__slug", f"{target}__name"
            )
            members[facet], labels[facet] = {}, {}
            for pk, slug, name in links.iterator(chunk_size=READ_CHUNK):
                i = position.get(pk)
                if i is None:  # published after the programmes were read
                    continue
                members[facet].setdefault(slug, []).append(i)
                labels[facet][slug] = name
                names["tags" if facet == "tag" else "names"][i].append(name)
        # One name a line: search words hold no spaces, so never match across two.
        text.update({place: ["\n".join(n).casefold() for n in ns] for place, ns in names.items()})
        titles = text["title"]
        # The words are all a search needs: let each place's texts go once indexed.
        words = {place: Words(text.pop(place)) for place in list(text)}
        by_title = sorted(range(size), key=lambda i: (a_to_z(titles[i]), pks[i]))
        title_rank = [0] * size
        for rank, i in enumerate(by_title):
            title_rank[i] = rank
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
            pks=pks,
            titles=titles,
            words=words,
            facets={
                facet: {value: _bitset(ps, size) for value, ps in values.items()}
                for facet, values in members.items()
            },
            labels=labels,
            orders=orders,
            title_rank=title_rank,
        )

    def search(self, terms, whole_query):
        """(bitset of programmes matching every term, relevance of each by position)."""
        scores = {}
        matched = None
        titles = self.titles
        for term in terms:
            found = set()
            for place, weight in SEARCHED:
                hits = self.words[place].containing(term)
                for i in hits:
                    scores[i] = scores.get(i, 0) + weight
                if place == "title":
                    for i in hits:
                        if titles[i].startswith(term):
                            scores[i] += WEIGHT_TITLE_STARTS
                found |= hits
            matched = found if matched is None else matched & found
        matched = matched or set()
        exact = whole_query.strip().casefold()
        for i in matched:
            if titles[i] == exact:
                scores[i] += WEIGHT_TITLE_EXACT
        return _bitset(matched, self.size), {i: scores[i] for i in matched}


_snapshot = (None, None)  # (catalogue version, CatalogueIndex) of this process
_building = threading.Lock()


def current_index(version=None):
    """This worker's index of the catalogue as it is now. `version`, when the
    caller has just read it (the page cache does), saves reading it again."""
    version = version or catalogue_version()
    label, index = _snapshot
    if label == version:
        return index
    with _building:  # threads of one process (runserver) build it once
        return _rebuild(version)


def _rebuild(version):
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
            return index
        index = CatalogueIndex.build()
        after = catalogue_version()
        if after == version:
            _snapshot = (version, index)
            return index
        version = after
    return index


@dataclass(frozen=True)
class Selection:
    """Programmes chosen from the index by a search and facets. `chosen` holds,
    for each facet in use, the programmes having any of its chosen values."""

    index: CatalogueIndex
    matched: int  # programmes matching the search (all of them without one)
    scores: dict | None = None  # relevance by position, when searching
    chosen: dict = field(default_factory=dict)

    @classmethod
    def everything(cls, index):
        return cls(index, index.everything)

    def search(self, terms, whole_query):
        matched, scores = self.index.search(terms, whole_query)
        return Selection(self.index, self.matched & matched, scores, self.chosen)

    def having(self, facet, values):
        """Those with any of `values` in `facet` (OR within a facet)."""
        members = self.index.facets[facet]
        having = 0
        for value in values:
            having |= members.get(value, 0)
        return Selection(self.index, self.matched, self.scores, {**self.chosen, facet: having})

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
        if sort == "relevance" and self.scores is not None:
            scores, rank, size = self.scores, self.index.title_rank, self.index.size
            chosen = [i for i in scores if flags[i >> 3] >> (i & 7) & 1]
            # Highest score first, then A to Z: one integer key sorts fastest.
            ordered = sorted(chosen, key=lambda i: rank[i] - scores[i] * size)
        else:
            order = self.index.orders[sort if sort in SORTS else "title"]
            ordered = [i for i in order if flags[i >> 3] >> (i & 7) & 1]
        pks = self.index.pks
        return [pks[i] for i in ordered]


def in_order(queryset, pks):
    """The programmes of `queryset` whose keys are `pks`, in that order, fetched
    FETCH_BY_ID_LIMIT at a time (one query each, plus the queryset's
    prefetches), so a long list never becomes one huge query. A programme
    unpublished since the index was built is left out."""
    by_pk = {}
    for start in range(0, len(pks), FETCH_BY_ID_LIMIT):
        chunk = pks[start : start + FETCH_BY_ID_LIMIT]
        by_pk.update((p.pk, p) for p in queryset.filter(pk__in=chunk))
    return [by_pk[pk] for pk in pks if pk in by_pk]
