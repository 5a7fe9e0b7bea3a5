"""The link check (programmes/link_checks.py, manage.py check_links), against a real
HTTP server started here on 127.0.0.1: no other network."""

import datetime
import http.server
import threading
import time
from collections import Counter
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from programmes.link_checks import check_links, published_urls, visit
from programmes.models import KeyDate, LinkCheck, ProgrammeLink

SLOW_SECONDS = 2


class Handler(http.server.BaseHTTPRequestHandler):
    seen = Counter()

    def log_message(self, *args):
        pass

    def _answer(self, body):
        path = self.path.split("?")[0]
        Handler.seen[(self.command, path)] += 1
        if path == "/ok":
            self.send_response(200)
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif path == "/moved-for-now":
            self.send_response(302)
            self.send_header("Location", "/ok")
        elif path == "/missing":
            self.send_response(404)
        elif path == "/failing":
            self.send_response(500)
        elif path == "/robots-refused":
            self.send_response(403)
        elif path == "/slow":
            time.sleep(SLOW_SECONDS)
            self.send_response(200)
        elif path == "/no-head":
            self.send_response(405 if self.command == "HEAD" else 200)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "2")
        self.end_headers()
        if body:
            self.wfile.write(b"ok")

    def do_HEAD(self):
        self._answer(body=False)

    def do_GET(self):
        self._answer(body=True)


@pytest.fixture
def server(settings):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = True  # the test server is on loopback
    settings.LINK_CHECK_PAUSE = 0
    settings.LINK_CHECK_TIMEOUT = 0.5
    Handler.seen.clear()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize(
    ("path", "status", "broken", "outcome"),
    [
        ("/ok", 200, False, "Answered (200)"),
        ("/moved", 200, False, "Answered (200), after moving to {server}/ok"),
        ("/moved-for-now", 200, False, "Answered (200), after moving to {server}/ok"),
        ("/missing", 404, True, "Not found (404)"),
        ("/failing", 500, True, "The other site's server failed (500)"),
        ("/robots-refused", 403, False, "Refused (403)"),
        ("/slow", None, True, "No answer within 0.5 seconds"),
        ("/no-head", 200, False, "Answered (200)"),
    ],
)
def test_each_answer_is_recorded(server, db, path, status, broken, outcome):
    (check,) = check_links([server + path])
    assert check.status_code == status
    assert check.broken is broken
    assert check.outcome == outcome.format(server=server)
    assert (check.broken_since is not None) is broken


def test_head_first_then_get_only_when_head_fails(server, db):
    check_links([f"{server}/ok", f"{server}/no-head", f"{server}/missing"])
    assert Handler.seen[("HEAD", "/ok")] == 1
    assert Handler.seen[("GET", "/ok")] == 0
    assert Handler.seen[("HEAD", "/no-head")] == 1
    assert Handler.seen[("GET", "/no-head")] == 1
    assert Handler.seen[("GET", "/missing")] == 1


def test_each_address_is_visited_at_most_once_a_day(server, db):
    url = f"{server}/missing"
    start = datetime.datetime(2027, 3, 4, 2, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        assert len(check_links([url])) == 1
        first_broken_since = LinkCheck.objects.get(url=url).broken_since
    with time_machine.travel(start + datetime.timedelta(hours=22, minutes=59), tick=False):
        assert check_links([url]) == []  # not again the same day
    assert Handler.seen[("HEAD", "/missing")] == 1
    with time_machine.travel(start + datetime.timedelta(hours=23, minutes=1), tick=False):
        (check,) = check_links([url])
    assert Handler.seen[("HEAD", "/missing")] == 2
    assert check.broken_since == first_broken_since  # broken since the first failed visit


def test_a_mended_link_is_no_longer_broken(server, db):
    LinkCheck.objects.create(
        url=f"{server}/ok",
        checked_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
        broken=True,
        status_code=404,
        broken_since=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
    )
    (check,) = check_links([f"{server}/ok"])
    assert not check.broken
    assert check.broken_since is None


def test_sites_are_visited_together_but_one_page_at_a_time_each(server, db, settings):
    settings.LINK_CHECK_TIMEOUT = 5
    port = server.rsplit(":", 1)[1]
    # Two sites (two names of this server) that answer slowly: visited at the same time.
    started = time.monotonic()
    checks = check_links([f"http://127.0.0.1:{port}/slow", f"http://localhost:{port}/slow"])
    assert [c.status_code for c in checks] == [200, 200]
    assert time.monotonic() - started < SLOW_SECONDS * 1.8
    # Two slow pages of one site: one after the other.
    started = time.monotonic()
    checks = check_links([f"http://127.0.0.1:{port}/slow?1", f"http://127.0.0.1:{port}/slow?2"])
    assert [c.status_code for c in checks] == [200, 200]
    assert time.monotonic() - started >= SLOW_SECONDS * 2


def test_private_addresses_are_not_visited(db, settings):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = False
    status, _final, error = visit("http://127.0.0.1:9/anything")
    assert status is None
    assert error == "Not checked: the address is on a private network"


@pytest.mark.parametrize(
    "url", ["http://", "https://exa mple.org/", "http://[::1/", "http://\u2603.invalid:99999/"]
)
def test_bad_addresses_are_an_answer_never_a_crash(db, settings, url):
    settings.LINK_CHECK_PRIVATE_ADDRESSES = True
    settings.LINK_CHECK_TIMEOUT = 0.5
    status, _final, error = visit(url)
    assert status is None
    assert error.startswith("No answer")


def test_published_programmes_addresses(programme, db):
    programme.cta_label = "Apply"
    programme.cta_url = "https://example.org/apply"
    programme.body = (
        "Read [the toolkit](https://example.org/toolkit) and [email us](mailto:a@nhs.net)."
    )
    programme.save()
    KeyDate.objects.create(
        programme=programme,
        label="Cohort starts",
        starts_on=datetime.date(2027, 1, 1),
        url="https://example.org/cohort",
    )
    ProgrammeLink.objects.create(
        programme=programme, label="Same again", url="https://example.org/apply"
    )
    assert list(published_urls()) == [
        "https://example.org/register",
        "https://example.org/apply",
        "https://example.org/cohort",
        "https://example.org/toolkit",
    ]
    programme.is_published = False
    programme.save()
    assert published_urls() == {}


def test_the_command(server, programme, db):
    ProgrammeLink.objects.filter(programme=programme).update(url=f"{server}/missing")
    out = StringIO()
    call_command("check_links", stdout=out)
    text = out.getvalue()
    assert "Visited 1 of 1 addresses" in text
    assert f"Broken: {server}/missing: Not found (404) (Example Inclusion Programme)" in text
    out = StringIO()
    call_command("check_links", stdout=out)
    assert "Visited 0 of 1 addresses" in out.getvalue()
    out = StringIO()
    call_command("check_links", "--dry-run", stdout=out)
    assert "nothing visited" in out.getvalue()
