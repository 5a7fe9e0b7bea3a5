"""What the catalogue weighs for people on slow trust networks (issue 7: HTML at
most 30 KB; bench/README.md measures it at 10,000 programmes)."""

import gzip
import re
from pathlib import Path

from django.conf import settings

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_the_documented_catalogue_is_under_30_kb_even_uncompressed(client, catalogue):
    html = client.get("/programmes/").content
    assert len(html) <= 30_000
    assert len(gzip.compress(html)) <= 8_000


def test_our_templates_reach_the_page_without_their_indentation(client, catalogue):
    html = client.get("/programmes/").content.decode()
    assert not re.search(r"\n[ \t]+<", html)
    assert '<li>\n<div class="nhsuk-card' in html  # whitespace between tags, not none


def test_no_template_relies_on_its_whitespace():
    """The loader strips each line's indentation: safe only where whitespace collapses."""
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<(pre|textarea)\b|white-space", text), template
