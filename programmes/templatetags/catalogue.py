from django import template

from programmes.formatting import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Editors' Markdown as sanitised HTML."""
    return render_markdown(text)
