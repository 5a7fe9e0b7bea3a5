"""Editors' formatted text (Markdown) turned into safe HTML.

Editors may write paragraphs, lists, emphasis, headings and links. Anything
else, raw HTML included, is removed: only the tags and URL schemes below reach
the page.
"""

import re

import markdown
import nh3
from django.utils.html import escape
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"p", "ul", "ol", "li", "a", "strong", "em", "h2", "h3", "br", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}
ALLOWED_URL_SCHEMES = {"https", "http", "mailto"}


def render_markdown(text: str) -> str:
    html = markdown.markdown(text or "", extensions=["sane_lists"], output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )
    return mark_safe(clean)  # noqa: S308 - sanitised by nh3 just above


def programme_prose(programme, meanings):
    """A programme's summary and body as its page shows them: safe HTML with each
    acronym in `meanings` explained at its first use (summary first). The Atom feed
    carries the same body HTML."""
    explained = set()
    summary = explain_acronyms(escape(programme.summary), meanings, explained)
    body = explain_acronyms(render_markdown(programme.body), meanings, explained)
    return summary, body


TAG = re.compile(r"(<[^>]+>)")


def explain_acronyms(html, meanings, explained):
    """`html` (safe) with the first use on the page of each acronym in `meanings`
    ({"WRES": "Workforce Race Equality Standard"}) followed by what it stands for,
    as NHS.UK's content guide asks: "WRES (Workforce Race Equality Standard)".

    `explained` is the set of acronyms this page has explained so far; it grows.
    An acronym whose meaning the text already gives before it, or inside a link's
    text, is left as it is. Only text between tags changes, never a tag."""
    if not meanings:
        return mark_safe(html)  # noqa: S308 - `html` is safe already
    wanted = [a for a in meanings if a not in explained]
    if not wanted:
        return mark_safe(html)  # noqa: S308
    pattern = re.compile(r"\b(" + "|".join(re.escape(a) for a in wanted) + r")\b")
    parts, in_link, seen_text = TAG.split(html), False, ""
    for i, part in enumerate(parts):
        if i % 2:  # a tag
            if re.match(r"<a\b", part):
                in_link = True
            elif part.startswith("</a"):
                in_link = False
            continue
        if in_link:
            seen_text += part
            continue

        def expand(match, before=seen_text, part=part):
            acronym = match.group(1)
            meaning = meanings[acronym]
            earlier = before + part[: match.start()]
            already = meaning.casefold() in earlier.casefold()
            said_next = part[match.end() :].lstrip().startswith("(")
            if acronym in explained or already or said_next:
                explained.add(acronym)
                return acronym
            explained.add(acronym)
            return f"{acronym} ({escape(meaning)})"

        parts[i] = pattern.sub(expand, part)
        seen_text += part
    return mark_safe("".join(parts))  # noqa: S308 - text between sanitised tags, escaped
