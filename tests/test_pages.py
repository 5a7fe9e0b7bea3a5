"""Every public page: status and content."""

import re
from pathlib import Path

import pytest

from programmes.models import Programme

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# What the content security policy forbids, as an outside check greps templates for
# it: a style attribute, a <style> block, a <script> with no src.
INLINE_STYLE = re.compile(r"\bstyle\s*=|<style\b", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script\b[^>]*>", re.IGNORECASE)


def test_home(client, catalogue):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "London Workforce Race Strategy" in html
    assert 'href="/programmes/"' in html
    assert "mailto:London.RaceStrategy@nhs.net" in html
    assert "booklet" in html
    assert "FutureNHS" in html
    assert "October 2020" in html


def test_catalogue_lists_every_published_programme_a_to_z(client, catalogue):
    Programme.objects.create(title="AAA hidden draft", summary="s", is_published=False)
    response = client.get("/programmes/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "AAA hidden draft" not in html
    positions = [
        html.index(f">{p.title}<".replace("&", "&amp;")) for p in Programme.objects.published()
    ]
    assert positions == sorted(positions)
    assert len(positions) == 12
    assert "12 programmes" in html
    assert 'href="/programmes/active-bystander-training/"' in html
    assert "nhsuk-card" in html
    assert "In action" in html
    assert "Training" in html


def test_programme_page(client, catalogue):
    response = client.get("/programmes/active-bystander-training/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Active Bystander Training</h1>" in html
    assert "challenge poor behaviours" in html  # summary
    assert "recommendation 8" in html  # body
    assert 'href="/partners/the-active-bystander-training-company/"' in html
    assert "Delivery partner" in html
    assert 'href="mailto:London.RaceStrategy@nhs.net"' in html
    assert "Last updated" in html
    assert 'aria-label="Breadcrumb"' in html
    assert 'href="/programmes/"' in html
    assert "All NHS staff in London" in html
    assert "Bullying and harassment" in html  # topics capitalised as the filters show them


def test_programme_page_shows_launch_date_at_its_precision(client, catalogue):
    html = client.get("/programmes/london-de-bias-recruitment-toolkit/").content.decode()
    assert "July 2021" in html
    assert "1 July 2021" not in html


def test_programme_page_shows_links(client, programme):
    html = client.get(programme.get_absolute_url()).content.decode()
    assert '<a href="https://example.org/register">Register your interest</a>' in html


def test_draft_is_not_found_for_the_public(client, programme):
    programme.is_published = False
    programme.save()
    assert client.get(programme.get_absolute_url()).status_code == 404


def test_ended_programme_keeps_its_page_with_a_notice(client, programme):
    programme.status = Programme.Status.ENDED
    programme.ended_notice = "Use the new programme instead."
    programme.save()
    response = client.get(programme.get_absolute_url())
    assert response.status_code == 200
    assert "This programme has ended" in response.content.decode()
    assert "Use the new programme instead." in response.content.decode()


def test_partners(client, catalogue):
    response = client.get("/partners/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "BRAP" in html
    assert "Involved in 2 programmes" not in html
    assert 'href="/partners/brap/"' in html


def test_partner_page_lists_its_programmes(client, catalogue):
    response = client.get("/partners/brap/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>BRAP</h1>" in html
    assert 'href="/programmes/white-allies-programme/"' in html
    assert "Designed and developed with" in html


def test_about(client, db):
    response = client.get("/about/")
    assert response.status_code == 200
    assert "15 recommendations" in response.content.decode()


def test_body_is_rendered_as_safe_markdown(client, programme):
    programme.body = (
        "Hello <script>alert(1)</script> [x](javascript:alert(1)) and [ok](https://nhs.uk)"
    )
    programme.save()
    html = client.get(programme.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert '<a href="https://nhs.uk" rel="noopener noreferrer">ok</a>' in html


@pytest.mark.parametrize(
    "path",
    [
        "/programmes/no-such-programme/",
        "/partners/no-such-partner/",
        "/no/such/page/",
        "/programmes/%00/",
        "/programmes/..%2F..%2Fetc%2Fpasswd/",
        "/programmes/caf%C3%A9/",
        "/programmes/" + "a" * 300 + "/",
        "/programmes/%3Cscript%3Ealert(1)%3C%2Fscript%3E/",
        "/no-such-page-internal-detail/",
        "/static/../settings.py",
    ],
)
def test_unknown_addresses_get_the_styled_404_which_leaks_nothing(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html
    assert "nhsuk-header" in html
    for leak in ("Traceback", "<script>alert", "internal-detail", "URLconf", "urlpatterns"):
        assert leak not in html


def test_healthz(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_no_inline_script_or_style_on_pages(client, programme):
    for path in ["/", "/programmes/", programme.get_absolute_url(), "/partners/", "/about/"]:
        html = client.get(path).content.decode()
        assert "<script>" not in html
        assert 'style="' not in html


def inline_style_and_script(text):
    return INLINE_STYLE.findall(text) + [
        tag for tag in SCRIPT_TAG.findall(text) if not re.search(r"\bsrc\s*=", tag)
    ]


def test_no_template_holds_inline_style_or_script():
    # Every template, emails included: their styles come from alerts/email.css.
    found = {
        path.relative_to(TEMPLATES).as_posix(): inline_style_and_script(path.read_text())
        for path in TEMPLATES.rglob("*")
        if path.is_file()
    }
    assert "alerts/email/confirm.html" in found
    assert len(found) > 50
    assert {path: hits for path, hits in found.items() if hits} == {}


def test_the_template_check_finds_inline_style_and_script():
    assert inline_style_and_script('<a href="/" style="color:red">') == ["style="]
    assert inline_style_and_script("<p STYLE = 'x'>") == ["STYLE ="]
    assert inline_style_and_script("<style>p{}</style>") == ["<style"]
    assert inline_style_and_script("<script>alert(1)</script>") == ["<script>"]
    assert inline_style_and_script('<script src="/a.js" defer></script>') == []
    assert inline_style_and_script("{% block extrastyle %}<p class=x>") == []


def test_draft_banner_comes_after_the_only_h1(admin_client, programme):
    programme.is_published = False
    programme.save()
    html = admin_client.get(programme.get_absolute_url()).content.decode()
    assert html.count("<h1") == 1
    assert html.index("<h1") < html.index("Draft")


def test_feed_is_not_a_programme_slug(db):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        Programme(title="Feed", slug="feed", summary="s").full_clean()


def test_500_page_links_to_the_accessibility_statement():
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert 'href="/accessibility/"' in html
    assert "Traceback" not in html
