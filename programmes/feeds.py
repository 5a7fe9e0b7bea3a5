"""The Atom feed of programmes, newest first: /programmes/feed/.

Takes the catalogue's own parameters (`?tag=wres&status=in-action`...), read
by the catalogue's finder, so any filtered view can be followed in a feed
reader. Unknown values are ignored, as on the catalogue page.
"""

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .embeds import allow_cors
from .finder import Finder
from .finder.index import in_order
from .models import Programme

FEED_LENGTH = 50


class ProgrammeFeed(Feed):
    feed_type = Atom1Feed
    author_name = "NHS England London, Equality and Inclusion team"
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
        return in_order(Programme.objects.published().prefetch_related("tags"), newest)

    def item_title(self, programme):
        return programme.title

    def item_description(self, programme):
        return programme.summary

    def item_pubdate(self, programme):
        return programme.created_at

    def item_updateddate(self, programme):
        return programme.updated_at

    def item_categories(self, programme):
        return [tag.name for tag in programme.tags.all()]


# Scripts on the intranet origins that may embed cards may read it too.
programme_feed = allow_cors(ProgrammeFeed())
