"""One set of Playwright fixtures for every browser test: Debian's Chromium, launched by path.

Reuse these, never start a second `sync_playwright()` (one per process):

- `browser`: the session's Chromium; tests skip with the reason when it is missing.
- `page`: a fresh tab in a shared desktop context (1280x800, en-GB), closed after the test.
- `nojs_page`: the same in a shared context with JavaScript disabled.
- `new_page(**context_options)`: a tab in a context of its own (a phone width, zoom...).
- `site`: the documented catalogue loaded into the live server's database; `site.url(path)`.
- `full_site`: `site` plus a closed programme and enough programmes for a second catalogue page.
- `axe_check(page)`: axe-core against WCAG 2.0/2.1/2.2 A and AA; fails with its report.
"""

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.browser.checks import WCAG_AA_TAGS
from tests.browser.pages import DESKTOP

# Playwright's sync API runs an event loop in this thread; without this Django
# refuses the ORM calls tests make around it. Set before the test database exists.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# docs/testing-recipes.md: headless, no sandbox (root in CI), nothing that calls the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # Offline on purpose: a lookup of another host (the NHS.UK font CDN) fails at
    # once instead of stalling page loads on DNS; the pages fall back to Arial.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"


def pytest_collection_modifyitems(items):
    browser_dir = Path(__file__).parent
    for item in items:
        if browser_dir in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


_written_this_run = []


def pytest_terminal_summary(terminalreporter):
    if _written_this_run:
        terminalreporter.write_sep("-", "screenshots")
        terminalreporter.write_line(f"Screenshots for a person to look at: {SCREENSHOTS}")


@pytest.fixture(scope="session")
def playwright():
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    with sync_api.sync_playwright() as pw:
        yield pw


@pytest.fixture(scope="session")
def browser(playwright):
    path = CHROMIUM if os.path.isabs(CHROMIUM) else shutil.which(CHROMIUM)
    if not path or not os.access(path, os.X_OK):
        reason = (
            f"Chromium not found at {CHROMIUM}: install it with "
            "`apt-get install chromium` (or set CHROMIUM=/path/to/chromium)"
        )
        # .ci/run installs Chromium: in CI a missing browser is a failure, never a skip.
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    browser = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


def _context(browser, **options):
    options = {"viewport": DESKTOP, "locale": "en-GB", **options}
    context = browser.new_context(**options)
    # A slow page should fail a test in seconds, not hang the suite.
    context.set_default_timeout(10_000)
    return context


@pytest.fixture(scope="session")
def browser_context(browser):
    context = _context(browser)
    yield context
    context.close()


@pytest.fixture(scope="session")
def nojs_context(browser):
    context = _context(browser, java_script_enabled=False)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    page = browser_context.new_page()
    yield page
    page.close()


@pytest.fixture
def nojs_page(nojs_context):
    page = nojs_context.new_page()
    yield page
    page.close()


@pytest.fixture
def new_page(browser):
    """A page in a context of its own: new_page(viewport=..., device_scale_factor=...)."""
    contexts = []

    def make(**options):
        context = _context(browser, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@dataclass
class Site:
    live_url: str

    def url(self, path="/"):
        return self.live_url + path


@pytest.fixture
def site(browser, live_server, transactional_db):
    """The documented initiatives, loaded as `make run` loads them, behind the live server.

    Depends on `browser` first so a machine without Chromium skips before any database work.
    """
    from importlib import import_module

    from django.apps import apps
    from django.core.management import call_command

    call_command("load_catalogue", verbosity=0)
    # An earlier live-server test emptied every table, the migrations' rows too.
    import_module("programmes.migrations.0006_starter_search_vocabulary").add_starter_vocabulary(
        apps, None
    )
    return Site(live_server.url)


@pytest.fixture
def full_site(site):
    """Every kind of page exists: a closed programme, and more than one catalogue page."""
    from programmes.models import Programme

    toolkit = Programme.objects.get(slug="london-de-bias-recruitment-toolkit")
    Programme.objects.create(
        title="Example Closed Mentoring Scheme",
        summary="A mentoring scheme that has ended, kept so its links still work.",
        status=Programme.Status.ENDED,
        kind=Programme.Kind.TRAINING,
        replaced_by=toolkit,
        is_published=True,
    )
    _programmes_taking_part(toolkit)
    # The catalogue shows 20 a page: the 12 documented + 3 above + 10 make two pages.
    for i in range(1, 11):
        Programme.objects.create(
            title=f"Example Extra Programme {i:02d}",
            summary=f"An extra programme that fills the catalogue's second page ({i}).",
            status=Programme.Status.IN_ACTION,
            kind=Programme.Kind.PROJECT,
            is_published=True,
        )
    return site


def _programmes_taking_part(related_to):
    """A programme with upcoming and past key dates, and one with every taking-part
    fact filled in (tests/browser/pages.py names their pages)."""
    import datetime

    from programmes.models import KeyDate, Programme
    from programmes.taking_part import london_today

    today = london_today()
    dated = Programme.objects.create(
        title="Example Programme With Dates",
        summary="A cohort programme with application dates, sessions and an event.",
        kind=Programme.Kind.TRAINING,
        availability=Programme.Availability.OPEN,
        cta_label="Apply for the next cohort",
        cta_url="https://example.org/apply",
        is_published=True,
        last_reviewed_on=today - datetime.timedelta(days=30),
    )
    dated.tags.add("leadership")
    for kind, label, days, extra in [
        ("applications-open", "Applications open", -10, {}),
        ("applications-close", "Applications close", 20, {}),
        ("cohort-starts", "Cohort starts", 40, {"url": "https://example.org/cohort"}),
        (
            "session",
            "First session",
            41,
            {"starts_at": datetime.time(10), "ends_at": datetime.time(12, 30)},
        ),
        ("event", "Last year's celebration event", -300, {}),
    ]:
        KeyDate.objects.create(
            programme=dated,
            kind=kind,
            label=label,
            starts_on=today + datetime.timedelta(days=days),
            **extra,
        )
    every = Programme.objects.create(
        title="Example Programme With Every Fact",
        summary="A programme whose taking-part facts are all filled in.",
        kind=Programme.Kind.TRAINING,
        who_can_take_part="Line managers and supervisors in London NHS trusts.",
        how_to_take_part="Start the course online, then book the two live sessions.",
        cta_label="Start the online training",
        cta_url="https://example.org/start",
        availability=Programme.Availability.ANY_TIME,
        cost="Free",
        time_commitment="About six hours over four weeks",
        delivery=Programme.Delivery.BLENDED,
        location="Online, and venues across London",
        launched_on=today + datetime.timedelta(days=400),
        launch_precision=Programme.Precision.MONTH,
        is_published=True,
    )
    every.tags.add("leadership", "recruitment")
    every.audiences.add(*related_to.audiences.all())


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def axe_check(axe):
    """Run axe-core's WCAG A/AA rules on the page as it is now; fail with the report."""

    def check(page):
        options = {
            "runOnly": {"type": "tag", "values": WCAG_AA_TAGS},
            # WCAG 2.5.3 (label in name): axe marks its rule experimental and leaves it
            # off unless asked; speech-recognition users need it.
            "rules": {"label-content-name-mismatch": {"enabled": True}},
            "resultTypes": ["violations"],
        }
        results = axe.run(page, options=options)
        assert results.violations_count == 0, (
            f"{page.url}: {results.violations_count} axe violation(s)\n" + results.generate_report()
        )
        return results

    return check


@pytest.fixture(scope="session")
def screenshot_dir():
    """Where tests write screenshots; the run's summary prints it when a test used it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    _written_this_run.append(SCREENSHOTS)
    return SCREENSHOTS
