"""The booklet's link, with its size and pages once it has been made (programmes/booklet.py)."""

from django import template
from django.http import QueryDict

from programmes import booklet

register = template.Library()


@register.inclusion_tag("programmes/booklet/link.html", takes_context=True)
def booklet_link(context, count, whole_catalogue=False):
    """A link to the booklet of the `count` programmes this page lists (or of the whole
    catalogue), saying how big it is when that is known; never rendering it."""
    request = context["request"]
    params = QueryDict() if whole_catalogue else request.GET
    return {
        "request": request,
        "whole_catalogue": whole_catalogue,
        "facts": booklet.link_facts(request, params),
        "count": count,
        "too_many": count > booklet.MAX_PROGRAMMES,
        "limit": booklet.MAX_PROGRAMMES,
    }
