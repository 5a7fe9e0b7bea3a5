"""The Atom feed of programmes, newest first: /programmes/feed/.

Takes the catalogue's own parameters (`?tag=wres&status=in-action`...), read
by the catalogue's finder, so any filtered view can be followed in a feed
reader. Unknown values are ignored, as on the catalogue page.

Atom (RFC 4287) as feed readers read it: each entry's summary is the editor's
plain text, declared `type="text"` (a reader must show markup in it as written,
never run it); its content is the body as the programme page shows it, already
sanitised (programmes/formatting.py), declared `type="html"`. Each entry's id is
a tag URI (RFC 4151) naming the programme by its primary key, so it survives a
change of title and slug.
"""

import re

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .absolute_urls import site_host
from .embeds import allow_cors
from .finder import Finder
from .finder.index import in_order
from .finder.vocabulary import acronyms
from .formatting import programme_prose
from .models import Programme, VocabularyGroup

FEED_LENGTH = 50
AUTHOR = "NHS England London, Equality and Inclusion team"
# The date in entry ids' tag URIs (RFC 4151: a day on which the site's owner held
# its domain name): the year the catalogue began. Never change it, nor the rest of
# an id: feed readers would show every entry again as new.
TAG_DATE = "2026"


# Characters XML 1.0 cannot carry, which Django's feed writer refuses with an error:
# text pasted from a word processor brings vertical tabs and form feeds (its line and
# page breaks, read as spaces here), and other control characters mean nothing.
BREAKS = re.compile(r"[\x0b\x0c]")
NOT_XML = re.compile(r"[\x00-\x08\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(value):
    """`value` (a string, or a list of them) with what XML 1.0 cannot carry taken out."""
    if isinstance(value, str):
        return NOT_XML.sub("", BREAKS.sub(" ", value))
    if isinstance(value, list | tuple):
        return [xml_text(item) for item in value]
    return value


def entry_id(programme):
    """`tag:lwrs.example.nhs.uk,2026:programme/12`: the site's public host name (not
    the address a request used, so every server and scheme gives the same id)."""
    return f"tag:{site_host()},{TAG_DATE}:programme/{programme.pk}"


class ProgrammeAtomFeed(Atom1Feed):
    """Django's Atom feed, with the summary declared as the plain text it is and the
    body added as HTML content."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {name: xml_text(value) for name, value in self.feed.items()}

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = {name: xml_text(value) for name, value in self.items[-1].items()}

    def item_attributes(self, item):
        # Links in the body resolve as on the programme page, whatever the reader.
        return {**super().item_attributes(item), "xml:base": item["link"]}

    def add_item_elements(self, handler, item):
        # Django declares every summary `type="html"`: leave it out, then write it
        # as text (markup in it is shown as written, escaped by the XML writer).
        super().add_item_elements(handler, {**item, "description": None})
        handler.addQuickElement("summary", item["description"], {"type": "text"})
        if item["content_html"]:
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class ProgrammeFeed(Feed):
    feed_type = ProgrammeAtomFeed
    author_name = AUTHOR
    subtitle = "New programmes and initiatives of the London Workforce Race Strategy, newest first."

    def get_object(self, request):
        finder = Finder(request.GET)  # bad values are dropped, never fatal
        finder.params = request.GET.copy()
        finder.params.pop("page", None)
        finder.params.pop("sort", None)  # a feed is always newest first
        return finder

    def _query(self, finder):
        return f"?{finder.params.urlencode()}" if finder.params else ""

    def title(self, finder):
        chosen = [label for _, _, label in finder.selected()]
        if finder.query:
            chosen.insert(0, f"“{finder.query}”")
        suffix = f": {', '.join(chosen)}" if chosen else ""
        return f"LWRS programmes{suffix}"

    def link(self, finder):
        return reverse("programmes:list") + self._query(finder)

    def feed_url(self, finder):
        return reverse("programmes:feed") + self._query(finder)

    def items(self, finder):
        # Newest in the catalogue first, whatever the sort on the page.
        newest = finder.pks(sort="created")[:FEED_LENGTH]
        programmes = in_order(Programme.objects.published().prefetch_related("tags"), newest)
        if programmes:
            # The body as its page shows it, acronyms explained from the search
            # vocabulary: one query for the whole feed.
            meanings = acronyms(group.term_list() for group in VocabularyGroup.objects.all())
            for programme in programmes:
                programme.feed_body = programme_prose(programme, meanings)[1]
        return programmes

    def item_title(self, programme):
        return programme.title

    def item_description(self, programme):
        return programme.summary

    def item_extra_kwargs(self, programme):
        return {"content_html": programme.feed_body}  # "" for no body: no content element

    def item_guid(self, programme):
        return entry_id(programme)

    def item_author_name(self, programme):
        return AUTHOR

    def item_pubdate(self, programme):
        return programme.created_at

    def item_updateddate(self, programme):
        return programme.updated_at

    def item_categories(self, programme):
        return [tag.name for tag in programme.tags.all()]


# Scripts on the intranet origins that may embed cards may read it too.
programme_feed = allow_cors(ProgrammeFeed())
