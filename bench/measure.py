"""In-process measurements of the pages the benchmark loads: SQL queries, bytes, timings.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings \\
        python -m bench.measure /programmes/ "/programmes/?q=recruitment" ... [--time URL]

Prints JSON. For each page: its SQL queries when it is rendered ("cold": what
a first visit after an editor's change costs) and when it is asked for again
("warm": what a page cache, where there is one, answers with), and its HTML
bytes. `--time URL` times URL through Django's test client (the whole
middleware stack and template rendering, no network), cold and warm, and
reports the medians. Without a page cache, cold and warm are the same thing.
"""

import json
import statistics
import sys
import time


def _invalidate():
    """Make every cached page stale, as an editor's save does (when the site caches pages)."""
    try:
        from programmes.cache import catalogue_changed
    except ImportError:
        return
    catalogue_changed()


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
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_HOST="127.0.0.1")

    def fetch(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return response, queries

    pages = {}
    for url in urls:
        client.get(url)  # what every worker does once: load templates, content types
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
        samples = {"cold": [], "warm": []}
        for _ in range(repeats):
            for kind in ("cold", "warm"):
                if kind == "cold":
                    _invalidate()
                start = time.perf_counter()
                response = client.get(url)
                samples[kind].append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (url, response.status_code)
        timings[url] = {
            "median_ms": statistics.median(samples["cold"]),
            "warm_median_ms": statistics.median(samples["warm"]),
            "min_ms": min(samples["cold"]),
            "max_ms": max(samples["cold"]),
            "repeats": repeats,
        }
    json.dump({"pages": pages, "timings": timings}, sys.stdout)


if __name__ == "__main__":
    main()
