"""The site run the production way: collectstatic, then gunicorn with DEBUG off.

Static files must come out fingerprinted and compressed, and be served with
far-future cache headers, so browsers and any CDN keep them for ever and a new
release is fetched at once (its files have new names).
"""

import gzip
import json
import posixpath
import re

import brotli
import pytest

from tests.production import fetch, free_port, gunicorn, manage, production_env

FOR_EVER = "max-age=315360000, public, immutable"
# As the TLS proxy in front of production says for every HTTPS request.
VIA_PROXY = {"X-Forwarded-Proto": "https", "Host": "lwrs.example.nhs.uk"}


@pytest.fixture(scope="module")
def static_root(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    env = production_env(
        DJANGO_SETTINGS_MODULE="tests.production_settings", LWRS_TEST_STATIC_ROOT=str(root)
    )
    # The admin's own files (Django's, half of the work) are left out to keep
    # the suite fast: they go through the same storage as ours.
    result = manage("collectstatic", "--no-input", "--ignore", "admin", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    return root, env


@pytest.fixture(scope="module")
def server(static_root, tmp_path_factory):
    root, env = static_root
    database = tmp_path_factory.mktemp("db") / "db.sqlite3"
    env = {**env, "DATABASE_URL": f"sqlite:///{database}"}
    # A web process never creates its database: migrate it first, as production does.
    result = manage("migrate", "--no-input", env=env, timeout=300)
    assert result.returncode == 0, result.stderr
    with gunicorn(env) as running:
        yield running.url


def test_collectstatic_writes_fingerprinted_compressed_files(static_root):
    root, _ = static_root
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    for name in (
        "css/site.css",
        "js/main.mjs",
        "js/enable.js",
        "vendor/nhsuk-frontend/nhsuk-frontend.min.css",
        "vendor/nhsuk-frontend/nhsuk-frontend.min.js",
    ):
        hashed = manifest[name]
        assert re.search(r"\.[0-9a-f]{12}\.", hashed), hashed
        original = (root / hashed).read_bytes()
        assert gzip.decompress((root / f"{hashed}.gz").read_bytes()) == original
        assert brotli.decompress((root / f"{hashed}.br").read_bytes()) == original
    css = (root / manifest["vendor/nhsuk-frontend/nhsuk-frontend.min.css"]).stat().st_size
    br = (root / (manifest["vendor/nhsuk-frontend/nhsuk-frontend.min.css"] + ".br")).stat()
    assert br.st_size < css / 5


def test_pages_link_to_the_fingerprinted_files(server):
    response = fetch(f"{server}/about/", VIA_PROXY)
    assert response.status == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=63072000; includeSubDomains"
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', response.text)
    assert len(links) >= 6
    for link in links:
        assert re.search(r"\.[0-9a-f]{12}\.\w+$", link), link


def test_static_files_are_cached_for_ever_and_compressed(server, static_root):
    root, _ = static_root
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    url = f"{server}/static/{manifest['vendor/nhsuk-frontend/nhsuk-frontend.min.css']}"

    br = fetch(url, {**VIA_PROXY, "Accept-Encoding": "br, gzip"})
    assert br.status == 200
    assert br.headers["Cache-Control"] == FOR_EVER
    assert br.headers["Content-Encoding"] == "br"
    assert "Accept-Encoding" in br.headers["Vary"]
    assert br.headers["X-Content-Type-Options"] == "nosniff"
    plain = brotli.decompress(br.body)
    assert plain.startswith(b"@charset") or b".nhsuk-" in plain[:2000]

    gz = fetch(url, {**VIA_PROXY, "Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.body) == plain

    # Revalidation is cheap too.
    again = fetch(url, {**VIA_PROXY, "If-None-Match": br.headers["ETag"]})
    assert again.status == 304


def test_module_scripts_import_fingerprinted_files(server, static_root):
    root, _ = static_root
    manifest = json.loads((root / "staticfiles.json").read_text())["paths"]
    script = fetch(f"{server}/static/{manifest['js/main.mjs']}", VIA_PROXY)
    assert script.headers["Cache-Control"] == FOR_EVER
    imports = re.findall(r'from\s*"([^"]+)"', script.text)
    hashed_frontend = manifest["vendor/nhsuk-frontend/nhsuk-frontend.min.js"]
    assert any(i.endswith(hashed_frontend.rsplit("/", 1)[1]) for i in imports), imports
    for imported in imports:
        assert re.search(r"\.[0-9a-f]{12}\.m?js$", imported), imported
        target = posixpath.normpath(posixpath.join("/static/js", imported))
        response = fetch(f"{server}{target}", VIA_PROXY)
        assert response.status == 200, target
        assert response.headers["Cache-Control"] == FOR_EVER


def test_unfingerprinted_names_are_not_cached_for_ever(server):
    response = fetch(f"{server}/static/css/site.css", VIA_PROXY)
    assert response.status == 200
    assert "immutable" not in response.headers["Cache-Control"]


def test_plain_http_is_sent_to_https(server):
    response = fetch(f"{server}/about/", {"Host": "lwrs.example.nhs.uk"})
    assert response.status == 301
    assert response.headers["Location"] == "https://lwrs.example.nhs.uk/about/"


def test_debug_is_off_in_production(server):
    response = fetch(f"{server}/no-such-page/", VIA_PROXY)
    assert response.status == 404
    assert "Page not found" in response.text
    assert "URLconf" not in response.text


def test_healthz_answers_load_balancers_over_plain_http(server):
    response = fetch(f"{server}/healthz", {"Host": "lwrs.example.nhs.uk"})
    assert response.status == 200
    assert response.body == b"ok\n"
    assert response.headers["Content-Type"] == "text/plain"


@pytest.fixture(
    scope="module",
    params=["postgres-on-a-closed-port", "sqlite-file-removed-with-its-folder"],
)
def server_without_database(request, static_root, tmp_path_factory):
    root, env = static_root
    if request.param.startswith("postgres"):
        database_url = f"postgres://postgres@127.0.0.1:{free_port()}/lwrs"
        reason = b"database unavailable\n"
    else:
        folder = tmp_path_factory.mktemp("gone")
        folder.rmdir()
        database_url = f"sqlite:///{folder}/db.sqlite3"
        reason = b"database file missing\n"
    with gunicorn({**env, "DATABASE_URL": database_url}) as running:
        running.reason = reason
        yield running


def test_healthz_is_503_when_the_database_does_not_answer(server_without_database):
    response = fetch(f"{server_without_database.url}/healthz")
    assert response.status == 503
    assert response.body == server_without_database.reason


def test_a_page_without_its_database_is_the_nhs_503_page_and_is_logged(
    server_without_database,
):
    response = fetch(f"{server_without_database.url}/programmes/", VIA_PROXY)
    assert response.status == 503
    assert "Sorry, the service is temporarily unavailable" in response.text
    assert "nhsuk-frontend.min." in response.text
    for leak in ("Traceback", "OperationalError", "127.0.0.1", "sqlite", "postgres"):
        assert leak not in response.text
    # The fault goes to the log, where the team can see it: named, without a traceback.
    log = server_without_database.output()
    # (Once: /healthz, asked first, has met the same fault within the minute.)
    assert log.count("Database unavailable: ") == 1
    assert "Traceback" not in log
