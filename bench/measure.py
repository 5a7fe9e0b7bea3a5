"""In-process measurements of the pages the benchmark loads: SQL queries, bytes, timings.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings \\
        python -m bench.measure /programmes/ "/programmes/?q=recruitment" ... [--time URL]

Prints JSON. For each page: its SQL queries when it is rendered ("cold": what
a first visit after an editor's change costs) and when it is asked for again
("warm": what a page cache, where there is one, answers with), and its HTML
bytes. `--time URL` times URL through Django's test client (the whole
middleware stack and template rendering, no network) and reports the medians of
three kinds of request: "new", the search as nobody made it before (made unique
by a parameter the site ignores, so no page cache can answer); "warm", the same
URL again; "edited", the first request after an editor's change, which also
rebuilds the finder's index.
"""

import json
import statistics
import sys
import time


def _invalidate():
    """Make every cached page stale, as an editor's save does (when the site caches pages),
    and wait until this process's listener (if the site has one and it runs) has heard it."""
    try:
        from programmes.cache import catalogue_changed
    except ImportError:
        return
    token = catalogue_changed()
    try:
        from programmes.version_listener import LISTENER
    except ImportError:
        return
    if LISTENER.current() is None and LISTENER._thread is None:
        return  # not listening here (SQLite): pages read the version themselves
    deadline = time.monotonic() + 5
    while (LISTENER.current() or (None,))[0] != token and time.monotonic() < deadline:
        time.sleep(0.001)


def main(argv=None):
    import django

    argv = sys.argv[1:] if argv is None else argv
    timed, repeats = [], 21
    urls = []
    it = iter(argv)
    for arg in it:
        if arg == "--time":
            timed.append(next(it))
        elif arg == "--repeats":
            repeats = int(next(it))
        else:
            urls.append(arg)

    django.setup()
    from django.db import connection

    from lwrs_site import db

    # Measured as a web process: on PostgreSQL its pages share the catalogue
    # version through the listener (programmes/version_listener.py).
    db.serving()
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")

    def fetch(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return response, queries

    pages = {}
    for url in urls:
        client.get(url)  # what every worker does once: load templates, content types; listen
        _invalidate()
        response, cold = fetch(url)
        _, warm = fetch(url)
        pages[url] = {
            "status": response.status_code,
            "queries": len(cold),
            "queries_warm": len(warm),
            "sql": [q["sql"] for q in cold.captured_queries],
            "html_bytes": len(response.content),
        }
    timings = {}
    for url in timed:
        client.get(url)
        samples = {"new": [], "warm": [], "edited": []}
        joiner = "&" if "?" in url else "?"
        for i in range(repeats):
            for kind in ("edited", "new", "warm"):
                if kind == "edited":
                    _invalidate()  # as an editor's save: pages and the finder's index are stale
                if kind == "warm":
                    client.get(url)  # someone made this search a moment ago
                # A search nobody made before: the same search made unique by a
                # parameter the site ignores, so no page cache can answer it.
                asked = url if kind == "warm" else f"{url}{joiner}bench={kind}{i}"
                start = time.perf_counter()
                response = client.get(asked)
                samples[kind].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (asked, response.status_code)
        timings[url] = {
            "median_ms": statistics.median(samples["new"]),
            "warm_median_ms": statistics.median(samples["warm"]),
            "edited_median_ms": statistics.median(samples["edited"]),
            "min_ms": min(samples["new"]),
            "max_ms": max(samples["new"]),
            "repeats": repeats,
        }
    json.dump({"pages": pages, "timings": timings}, sys.stdout)


if __name__ == "__main__":
    main()
