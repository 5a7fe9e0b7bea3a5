"""How long the programmes booklet (/programmes/booklet.pdf) takes to make, by catalogue size.

    .venv/bin/python bench/booklet.py                 # N = 12, 50, 200 and 1,000; rewrites bench/README.md's booklet section
    .venv/bin/python bench/booklet.py --n 12 --no-readme

For each N: a scratch SQLite database in bench/results/ (migrate, then
bench/fill.py, as bench/run.py makes them), then, in a process of its own with
the production settings (DEBUG off), the booklet of the whole published
catalogue through Django's test client: the first request renders it
(WeasyPrint), the second is served from the cache. The booklet's limit
(programmes/booklet.MAX_PROGRAMMES) is lifted for the measurement, so sizes
beyond it are timed too; what the site answers at the limit is reported beside.
Wall-clock and CPU time of the render (the machine is shared: CPU time of the
process is the steadier figure), pages and bytes of the PDF.
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import RESULTS, django_env, log, manage  # noqa: E402

README = ROOT / "bench" / "README.md"
START, END = "<!-- booklet:start -->", "<!-- booklet:end -->"


def measure(repeats):
    """In the scratch database's process: render the booklet `repeats` times, then once more
    from the cache. Prints JSON."""
    import django

    django.setup()
    from django.core.cache import cache
    from django.test import Client

    from programmes import booklet
    from programmes.models import Programme

    published = Programme.objects.published().count()
    client = Client(HTTP_HOST="localhost")
    limit = booklet.MAX_PROGRAMMES
    at_limit = client.get("/programmes/booklet.pdf").status_code
    booklet.MAX_PROGRAMMES = 10**6
    walls, cpus = [], []
    for _ in range(repeats):
        cache.clear()
        wall, cpu = time.perf_counter(), time.process_time()
        response = client.get("/programmes/booklet.pdf")
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        assert response.status_code == 200, response.status_code
    renders = booklet.renders
    wall = time.perf_counter()
    again = client.get("/programmes/booklet.pdf")
    cached_ms = (time.perf_counter() - wall) * 1000
    assert booklet.renders == renders
    assert again.content == response.content
    import io

    from pypdf import PdfReader

    pages = len(PdfReader(io.BytesIO(response.content)).pages)
    print(
        json.dumps(
            {
                "published": published,
                "render_s": statistics.median(walls),
                "render_cpu_s": statistics.median(cpus),
                "runs": repeats,
                "cached_ms": cached_ms,
                "pages": pages,
                "bytes": len(response.content),
                "limit": limit,
                "status_at_limit": at_limit,
            }
        )
    )


def bench_size(n, repeats):
    RESULTS.mkdir(exist_ok=True)
    database = RESULTS / f"booklet-{n}.sqlite3"
    database.unlink(missing_ok=True)
    env = django_env(database)
    log(f"== N={n}: migrate and fill {database.name}")
    manage(env, "migrate", "--no-input", "-v0")
    subprocess.run([sys.executable, "-m", "bench.fill", str(n)], cwd=ROOT, env=env, check=True)
    log(f"== N={n}: render the booklet ({repeats} run{'s' if repeats > 1 else ''})")
    out = subprocess.run(
        [sys.executable, "bench/booklet.py", "--measure", str(repeats)],
        cwd=ROOT,
        env=env,
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["n"] = n
    log(f"   {result}")
    return result


def report(results, started):
    load = os.getloadavg()
    lines = [
        f"Run {started:%Y-%m-%d %H:%M} UTC: `bench/booklet.py`, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}.",
        "",
        "| N (published) | pages | PDF size | render, wall (median) | render, CPU | per programme, CPU | download from the cache | the site at its limit |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in results:
        per = r["render_cpu_s"] / max(r["published"], 1)
        verdict = (
            f"{r['status_at_limit']}: served"
            if r["status_at_limit"] == 200
            else f"{r['status_at_limit']}: refused (limit {r['limit']})"
        )
        lines.append(
            f"| {r['n']:,} ({r['published']:,}) | {r['pages']:,} | {r['bytes'] / 1000:,.0f} KB "
            f"| {r['render_s']:.1f} s ({r['runs']} run{'s' if r['runs'] > 1 else ''}) "
            f"| {r['render_cpu_s']:.1f} s | {per * 1000:.0f} ms | {r['cached_ms']:.1f} ms | {verdict} |"
        )
    return "\n".join(lines)


def write_readme(text):
    current = README.read_text()
    block = f"{START}\n{text}\n{END}"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current += "\n" + block + "\n"
    README.write_text(current)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--measure":
        return measure(int(sys.argv[2]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[12, 50, 200, 1000])
    parser.add_argument("--repeats", type=int, default=3, help="renders per size up to 50")
    parser.add_argument("--no-readme", action="store_true", help="print only")
    args = parser.parse_args()
    started = datetime.datetime.now(datetime.UTC)
    # The page refusing a booklet over the limit names fingerprinted static files.
    manage(django_env(RESULTS / "unused.sqlite3"), "collectstatic", "--no-input", "-v0")
    results = [bench_size(n, args.repeats if n <= 50 else 1) for n in args.n]
    text = report(results, started)
    print(text)
    if not args.no_readme:
        write_readme(text)
        log(f"Wrote the results into {README.relative_to(ROOT)}")
    return None


if __name__ == "__main__":
    main()
