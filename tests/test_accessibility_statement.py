"""The accessibility statement: the content the 2018 regulations require, and kept up to date."""

import datetime
import re

import pytest

STATEMENT = "/accessibility/"


@pytest.fixture
def statement(client, db):
    response = client.get(STATEMENT)
    assert response.status_code == 200
    return response.content.decode()


def statement_date(html, name):
    """A date of the statement, from the one place it is written: <time id="statement-...">."""
    match = re.search(rf'<time id="statement-{name}" datetime="(\d{{4}}-\d{{2}}-\d{{2}})">', html)
    assert match, f"no <time id='statement-{name}'> in the statement"
    return datetime.date.fromisoformat(match.group(1))


def review_overdue(reviewed, today):
    """True once more than 12 months have passed since the last review."""
    try:
        deadline = reviewed.replace(year=reviewed.year + 1)
    except ValueError:  # reviewed on 29 February
        deadline = reviewed.replace(year=reviewed.year + 1, day=28)
    return today > deadline


def test_statement_was_reviewed_in_the_last_12_months(statement):
    """Fails a year after the last review: review the statement, then update its date."""
    prepared = statement_date(statement, "prepared")
    reviewed = statement_date(statement, "last-reviewed")
    today = datetime.date.today()
    assert prepared <= reviewed <= today
    assert not review_overdue(reviewed, today), (
        f"The accessibility statement was last reviewed on {reviewed}, more than 12 months "
        "ago. Review templates/programmes/accessibility.html and update its dates."
    )


def test_a_review_is_overdue_after_12_months():
    day = datetime.date
    assert not review_overdue(day(2026, 11, 26), day(2027, 11, 26))
    assert review_overdue(day(2026, 11, 26), day(2027, 11, 27))
    assert not review_overdue(day(2028, 2, 29), day(2029, 2, 28))
    assert review_overdue(day(2028, 2, 29), day(2029, 3, 1))


@pytest.mark.parametrize(
    "required",
    [
        "This statement applies to",  # which website it covers
        "fully compliant with the",  # compliance status
        "WCAG) version 2.2 at level AA",
        "How accessible this website is",  # what is not accessible, and why
        "in a different format",  # how to get content in another format
        'href="mailto:London.RaceStrategy@nhs.net"',  # how to report a problem
        "Reporting accessibility problems",
        "Enforcement procedure",
        "Equality and Human Rights Commission",
        "Equality Advisory and Support Service",
        "Public Sector Bodies (Websites and Mobile Applications) (No. 2) Accessibility Regulations 2018",
        "How we tested this website",
        "This statement was prepared on",
        "It was last reviewed on",
    ],
)
def test_statement_has_what_the_regulations_require(statement, required):
    assert required in statement


def test_every_page_links_to_the_statement_from_its_footer(client, catalogue):
    pages = ["/", "/programmes/", "/programmes/active-bystander-training/", "/partners/"]
    pages += ["/partners/brap/", "/about/", STATEMENT, "/programmes/no-such-programme/"]
    for path in pages:
        html = client.get(path).content.decode()
        footer = html[html.index("<footer") : html.index("</footer>")]
        assert 'href="/accessibility/">Accessibility statement</a>' in footer, path


def test_statement_covers_the_editing_interface_and_says_how_it_is_tested(statement):
    """Issue 21: the editing interface is covered, and the statement says how it is tested,
    by the browser tests that exist (a claim with no test behind it would be untrue)."""
    from pathlib import Path

    assert "are not covered" not in statement
    assert 'id="editing-interface"' in statement
    assert "It also covers the editing interface" in statement
    assert 'id="editing-interface-tests"' in statement
    tests = Path(__file__).parent / "browser"
    for module, claim in [
        ("test_admin_accessibility.py", "every page an editor uses against the same axe-core"),
        ("test_admin_keyboard.py", "using only a keyboard: signing in, finding a programme"),
        ("test_admin_keyboard.py", "the error summary with links to each field"),
        ("test_admin_reflow.py", "at 320 pixels wide and at 200% zoom, with nothing scrolling"),
    ]:
        assert claim in statement, claim
        assert (tests / module).exists(), module


def test_the_editing_interface_links_to_the_statement(editor_client):
    html = editor_client.get("/admin/").content.decode()
    footer = html[html.index('<footer id="footer"') :]
    assert 'href="/accessibility/">Accessibility statement</a>' in footer
