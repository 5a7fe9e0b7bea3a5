"""Tags for pages that share well: link previews (Open Graph, Twitter), JSON-LD, oEmbed
discovery, and "Share this programme" (a link, a newsletter text and an embed code to copy)."""

import json
import re

from django import template
from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from programmes.absolute_urls import absolute_url
from programmes.embeds import discovery_url, iframe_html
from programmes.structured_data import programme_data

register = template.Library()

# As Django's json_script: these cannot close the script element or start a comment.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class CaptureNode(template.Node):
    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The output is already escaped by the templates that made it.
        context[self.name] = mark_safe(self.nodelist.render(context).strip())  # noqa: S308
        return ""


@register.tag
def capture(parser, token):
    """`{% capture as name %}...{% endcapture %}` renders its content once into a variable.

    base.html wraps its title and description blocks in it, so a page's own
    title also becomes its Open Graph and Twitter title without every page
    saying it twice.
    """
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Use {% capture as name %}...{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag
def json_ld(data):
    """A schema.org JSON-LD block: the one script element the content security policy need not run."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


@register.simple_tag(takes_context=True)
def programme_json_ld(context, programme):
    """The schema.org description of a programme page."""
    return json_ld(programme_data(programme, context["request"]))


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """This page's address without its query: filtered views all point at the one page."""
    request = context["request"]
    return absolute_url(request.path, request)


@register.simple_tag(takes_context=True)
def oembed_link(context, programme):
    """oEmbed discovery (https://oembed.com/, section 4): tools given the page's address
    find its embeddable card here."""
    return format_html(
        '<link rel="alternate" type="application/json+oembed" href="{}" title="{}">',
        discovery_url(programme, context["request"]),
        programme.title,
    )


def first_sentence(text, limit=200):
    """The summary's first sentence, for a one-line mention ("Dr." and "e.g." do not end one)."""
    text = " ".join(text.split())
    match = re.search(r"(?<!\bDr)(?<!\be\.g)(?<!\bi\.e)(?<!\bSt)[.!?](?=\s+[A-Z“\"'(])", text)
    sentence = text[: match.end()] if match else text
    return Truncator(sentence).chars(limit)


@register.inclusion_tag("programmes/share.html", takes_context=True)
def share_programme(context, programme, availability):
    """The programme page's "Share this programme": its link and a text for a newsletter,
    to copy, and the code to embed its card on an intranet page."""
    request = context["request"]
    page_url = absolute_url(programme.get_absolute_url(), request)
    return {
        "programme": programme,
        "page_url": page_url,
        "summary_line": first_sentence(programme.summary),
        "availability": availability,
        "iframe": iframe_html(programme, request),
        "embed_origins": settings.EMBED_ALLOWED_ORIGINS,
    }
