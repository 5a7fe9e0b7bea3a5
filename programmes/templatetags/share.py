"""Tags for pages that share well: link previews (Open Graph, Twitter) and JSON-LD."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

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
    return request.build_absolute_uri(request.path)
