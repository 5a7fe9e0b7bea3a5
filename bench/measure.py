"""In-process measurements of the pages the benchmark loads: SQL queries, bytes, timings.

    DATABASE_URL=... DJANGO_SETTINGS_MODULE=bench.settings \\
        python -m bench.measure /programmes/ "/programmes/?q=recruitment" ... [--time URL]

Prints JSON. Each page is fetched once to warm up, then once more with its SQL
queries captured. `--time URL` also times URL through Django's test client
(full middleware and template rendering, no network) and reports the median.
"""

import json
import statistics
import sys
import time


def main(argv=None):
    import django

    argv = sys.argv[1:] if argv is None else argv
    timed, repeats = [], 31
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
    pages = {}
    for url in urls:
        client.get(url)  # warm caches that every worker warms once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        pages[url] = {
            "status": response.status_code,
            "queries": len(queries),
            "sql": [q["sql"] for q in queries.captured_queries],
            "html_bytes": len(response.content),
        }
    timings = {}
    for url in timed:
        client.get(url)
        samples = []
        for _ in range(repeats):
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        timings[url] = {
            "median_ms": statistics.median(samples),
            "min_ms": min(samples),
            "max_ms": max(samples),
            "repeats": repeats,
        }
    json.dump({"pages": pages, "timings": timings}, sys.stdout)


if __name__ == "__main__":
    main()
