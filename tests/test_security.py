"""Security of the public site: headers, cookies, errors that leak nothing, safe editor text."""

import logging
import re
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.http import HttpResponse
from django.test import Client
from django.urls import include
from django.urls import path as url
from hypothesis import given, settings
from hypothesis import strategies as st

from programmes.formatting import ALLOWED_TAGS, render_markdown
from tests import observatory

SCORED_PAGES = ["/", "/programmes/", "/programmes/active-bystander-training/"]
PUBLIC_PAGES = [
    *SCORED_PAGES,
    "/partners/",
    "/partners/brap/",
    "/about/",
    "/accessibility/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
    "/programmes/feed/?tag=wres",
    "/programmes/export.csv?tag=wres",
    "/programmes/export.json",
    "/programmes/export.schema.json",
    "/programmes/no-such-programme/",
    "/programmes/?q=%3Cscript%3E&status=nonsense&page=999",
]


# --- Headers -------------------------------------------------------------


@pytest.mark.parametrize("path", SCORED_PAGES)
def test_headers_score_at_least_120_by_the_observatory_rules(client, catalogue, path):
    # Scored over HTTPS, as the Observatory scans: Django sends HSTS only on
    # secure requests (browsers ignore it over plain HTTP, RFC 6797 8.1), and in
    # production plain HTTP is redirected to HTTPS (see the redirect test below).
    response = client.get(path, secure=True)
    assert response.status_code == 200
    total, reasons = observatory.score(response)
    assert total >= 120, reasons
    assert total == 130, reasons  # today's full marks: keep them


def test_the_scorer_can_fail():
    bare = HttpResponse("hello")
    assert observatory.score(bare)[0] == 100 - 25 - 20 - 20 - 5
    weak = HttpResponse("hello")
    weak["Content-Security-Policy"] = "default-src 'self'; script-src 'self' 'unsafe-inline'"
    weak["Strict-Transport-Security"] = "max-age=3600"
    weak["X-Frame-Options"] = "DENY"
    weak["X-Content-Type-Options"] = "nosniff"
    weak.set_cookie("sessionid", "x")
    assert observatory.score(weak)[0] == 100 - 20 - 10 - 40 - 30


def test_every_public_page_sends_the_security_headers(client, catalogue):
    for path in PUBLIC_PAGES:
        response = client.get(path, secure=True)
        assert response.status_code in {200, 404}, path
        csp = observatory.parse_csp(response["Content-Security-Policy"])
        assert csp["default-src"] == ["'none'"], path
        assert csp["frame-ancestors"] == ["'none'"], path
        assert csp["script-src"] == ["'self'"], path
        assert "'unsafe-inline'" not in response["Content-Security-Policy"], path
        assert "'unsafe-eval'" not in response["Content-Security-Policy"], path
        assert response["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["Cross-Origin-Opener-Policy"] == "same-origin"
        assert response["Cross-Origin-Resource-Policy"] == "same-origin"
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


@pytest.fixture
def behind_tls_proxy(settings):
    """Production behind a load balancer that terminates TLS (DJANGO_BEHIND_TLS_PROXY=true)."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    return Client()  # a new client builds its middleware with these settings


def test_plain_http_is_redirected_to_https_behind_the_proxy(behind_tls_proxy, programme):
    response = behind_tls_proxy.get(programme.get_absolute_url(), headers={"host": "localhost"})
    assert response.status_code == 301
    assert response["Location"] == f"https://localhost{programme.get_absolute_url()}"

    secure = behind_tls_proxy.get(
        programme.get_absolute_url(), headers={"x-forwarded-proto": "https"}
    )
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_healthz_answers_load_balancers_over_plain_http(behind_tls_proxy, db):
    response = behind_tls_proxy.get("/healthz")
    assert response.status_code == 200


# --- Cookies -------------------------------------------------------------


def test_anonymous_public_pages_set_no_cookies(catalogue):
    client = Client()
    for path in PUBLIC_PAGES:
        response = client.get(path, secure=True)
        assert not response.cookies, (path, response.cookies)
        assert "Set-Cookie" not in response, path
    assert not client.cookies


@pytest.fixture
def editor(db):
    return User.objects.create_superuser("editor", "editor@nhs.net", "a long test password")


def assert_host_cookie(morsel):
    """__Host- cookies must be Secure, for the whole site and this host only."""
    assert morsel.key.startswith("__Host-")
    assert morsel["secure"] is True
    assert morsel["path"] == "/"
    assert not morsel["domain"]
    assert morsel["samesite"] == "Lax"
    assert morsel["httponly"] is True


def test_admin_cookies_are_secure_httponly_samesite_host_cookies(editor):
    client = Client()
    form = client.get("/admin/login/", secure=True)
    assert form.status_code == 200
    assert set(form.cookies) == {"__Host-csrftoken"}
    assert_host_cookie(form.cookies["__Host-csrftoken"])
    assert observatory.score(form)[0] >= 120

    login = client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": "a long test password"},
        secure=True,
    )
    assert login.status_code == 302, login.content
    assert "__Host-sessionid" in login.cookies
    for morsel in login.cookies.values():
        assert_host_cookie(morsel)
    total, reasons = observatory.score(login)
    assert total >= 120, reasons


# --- Errors --------------------------------------------------------------

SECRET_DETAIL = "internal-detail-7f3a9"


def failing_view(request):
    raise RuntimeError(f"database password is {SECRET_DETAIL}")


urlpatterns = [
    url("boom/", failing_view),
    url("", include("lwrs_site.urls")),
]


class Collect(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.mark.urls("tests.test_security")
def test_a_failing_view_returns_the_nhs_500_page_and_logs_the_error(db, settings):
    assert settings.DEBUG is False
    handler = Collect()
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = Client(raise_request_exception=False).get("/boom/", secure=True)
    finally:
        logger.removeHandler(handler)

    assert response.status_code == 500
    html = response.content.decode()
    assert "Sorry, there is a problem with the service" in html
    assert "nhsuk-header" in html
    assert "London.RaceStrategy@nhs.net" in html
    for leak in (SECRET_DETAIL, "RuntimeError", "Traceback", "failing_view", settings.SECRET_KEY):
        assert leak not in html
    # Headers are still strict on the error page.
    assert observatory.score(response)[0] >= 120

    [record] = handler.records
    assert record.levelno == logging.ERROR
    assert record.exc_info
    assert SECRET_DETAIL in str(record.exc_info[1])
    assert "/boom/" in record.getMessage()


def test_the_error_log_reaches_a_handler_in_production(settings):
    # Failing views are logged to the console (gunicorn passes it to the platform's logs).
    assert settings.LOGGING["loggers"]["django.request"]["handlers"] == ["console"]
    assert settings.LOGGING["loggers"]["django.request"]["level"] == "ERROR"


# --- Editors' formatted text ----------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "<style>body{display:none}</style>",
    '<a href="javascript:alert(1)">raw link</a>',
    "[md link](javascript:alert(1))",
    "[mixed case](JaVaScRiPt:alert(1))",
    "[entity](java&#x09;script:alert(1))",
    "[tab](java\tscript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[vb](vbscript:msgbox(1))",
    '<p onclick="alert(1)">hi</p>',
    '<a href="https://nhs.uk" onmouseover="alert(1)">hover</a>',
    "![img](javascript:alert(1))",
    "<form action=https://evil.example><button>go</button></form>",
]


def test_scripts_and_javascript_links_never_reach_the_page(client, programme):
    programme.body = "\n\n".join([*ATTACKS, "[a safe link](https://www.nhs.uk/)"])
    programme.save()
    html = client.get(programme.get_absolute_url()).content.decode()
    prose = html[html.index('<div class="app-prose">') :]
    prose = prose[: prose.index("</div>")]
    assert '<a href="https://www.nhs.uk/" rel="noopener noreferrer">a safe link</a>' in prose
    lowered = html.lower()
    for bad in ("javascript:", "vbscript:", "data:text", "onerror", "onload", "onclick"):
        assert bad not in lowered, bad
    for tag in ("<svg", "<iframe", "<style", "<img", "<form", "<button", "<script"):
        assert tag not in prose.lower(), tag
    # The only scripts on the page are ours: two files and the JSON-LD block.
    scripts = re.findall(r"<script[^>]*>", lowered)
    assert all('src="/static/' in s or 'type="application/ld+json"' in s for s in scripts), scripts


class TagCollector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def url_scheme(href):
    """The scheme a browser would read (WHATWG URL: tabs and newlines are dropped anywhere)."""
    cleaned = re.sub(r"[\t\n\r]", "", href).strip("".join(map(chr, range(33))))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.\-]*):", cleaned)
    return match.group(1).lower() if match else None


def test_url_scheme_reads_urls_as_browsers_do():
    assert url_scheme("java\tscript:alert(1)") == "javascript"
    assert url_scheme(" \x01JavaScript:x") == "javascript"
    assert url_scheme("java  script:alert(1)") is None  # a relative path, never run
    assert url_scheme("https://nhs.uk") == "https"
    assert url_scheme("/programmes/") is None


FRAGMENTS = st.sampled_from(
    [*ATTACKS, "<", ">", "&", '"', "'", "(", ")", "[", "]", "\n\n", "- ", "**", "`", "#", " "]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=5)), max_size=12).map("".join))
def test_rendered_markdown_only_ever_holds_allowed_tags_and_links(text):
    collector = TagCollector()
    collector.feed(render_markdown(text))
    for tag, attrs in collector.tags:
        assert tag in ALLOWED_TAGS, tag
        if tag == "a":
            assert set(attrs) <= {"href", "rel"}
            assert url_scheme(attrs.get("href") or "") in {None, "http", "https", "mailto"}, attrs
        else:
            assert not attrs, (tag, attrs)


def test_hsts_is_sent_over_https_only(client, programme):
    # Browsers ignore HSTS received over plain HTTP (RFC 6797, section 8.1).
    assert "Strict-Transport-Security" not in client.get(programme.get_absolute_url())
    secure = client.get(programme.get_absolute_url(), secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_behind_the_proxy_hsts_comes_with_https_only(behind_tls_proxy, programme):
    plain = [
        behind_tls_proxy.get(programme.get_absolute_url()),  # the redirect to HTTPS
        behind_tls_proxy.get("/healthz"),  # load balancers' probe, not redirected
    ]
    assert [response.status_code for response in plain] == [301, 200]
    for response in plain:
        assert "Strict-Transport-Security" not in response
    secure = behind_tls_proxy.get(
        programme.get_absolute_url(), headers={"x-forwarded-proto": "https"}
    )
    assert secure["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"


def test_permissions_policy_names_only_features_browsers_know(client, db):
    # interest-cohort (FLoC) was withdrawn: Chrome logs an error for the unknown name.
    features = {
        part.split("=")[0].strip()
        for part in client.get("/about/")["Permissions-Policy"].split(",")
    }
    assert features == {
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    }
