"""The site's addresses are made by name (reverse(), {% url %}, get_absolute_url()),
never written out: a path changed in urls.py then changes everywhere."""

import io
import re
import tokenize
from pathlib import Path

from django.urls import reverse

from programmes.views import CATALOGUE, HOME, PARTNERS

ROOT = Path(__file__).resolve().parent.parent
# A string that starts with a path of ours: "/programmes/...", f"/partners/{slug}/".
OUR_PATH = re.compile(
    r"""^[rbfuRBFU]*(['"])/(programmes|partners|about|accessibility|alerts|admin|"""
    r"""sitemap\.xml|robots\.txt|oembed|healthz)\b"""
)
# The error pages are rendered without a request, and must not fail again (500.html,
# 503.html): their links are written out, as the NHS.UK header and footer give them.
TEMPLATE_PATH = re.compile(r"""(href|action|src)="/(?!static/)""")
WRITTEN_OUT_ON_PURPOSE = {"templates/500.html", "templates/503.html"}


def string_literals(path):
    """(line, text) of each string literal in a Python file that is not a docstring."""
    for token in tokenize.generate_tokens(io.StringIO(path.read_text()).readline):
        if token.type == tokenize.STRING and not token.string.lstrip("rbfuRBFU").startswith(
            ('"""', "'''")
        ):
            yield token.start[0], token.string


def test_python_makes_our_addresses_by_name():
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text}"
        for folder in ("programmes", "alerts")
        for path in sorted((ROOT / folder).rglob("*.py"))
        if "migrations" not in path.parts
        for line, text in string_literals(path)
        if OUR_PATH.match(text)
    ]
    assert not found, found


def test_templates_make_our_addresses_by_name():
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        if str(path.relative_to(ROOT)) not in WRITTEN_OUT_ON_PURPOSE
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if TEMPLATE_PATH.search(line)
    ]
    assert not found, found


def test_breadcrumbs_lead_to_the_pages_they_name(db):
    assert ("Home", reverse("programmes:home")) == HOME
    assert ("Programmes", reverse("programmes:list")) == CATALOGUE
    assert ("Partners", reverse("programmes:partner_list")) == PARTNERS
