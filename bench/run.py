"""The performance benchmark of issue 7: `make bench` (or `.venv/bin/python bench/run.py`).

For each catalogue size N it builds a scratch SQLite database (migrate, then
bench/fill.py), serves the site the production way (gunicorn, DEBUG off,
collected and compressed static files, bench/settings.py = the production
settings plus one baseline URL) on loopback, loads each page with wrk, and
measures in-process what wrk cannot see (SQL queries, the search's median time).
It prints one table, checks the targets and writes both to bench/README.md.

The machine is shared and noisy: compare ratios (a page's throughput over the
trivial view's in the same run) and counts (queries, bytes) across runs, not
absolute requests per second.
"""

import argparse
import datetime
import gzip
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"  # scratch databases, logs, raw JSON (git-ignored)
README = BENCH / "README.md"
START, END = "<!-- results:start -->", "<!-- results:end -->"

# What a browser asks for; whitenoise answers with its pre-compressed files.
ACCEPT_ENCODING = "br, gzip"

PROGRAMME = "/programmes/active-bystander-training/"  # a real one, with body, partners, links
PAGES = [
    ("trivial", "/bench/trivial"),
    ("catalogue", "/programmes/"),
    ("facet", "/programmes/?tag=leadership"),
    ("search", "/programmes/?q=recruitment"),
    # The same search made unique on every request by an unused parameter, as a
    # stream of different searches would be: no cache can answer it.
    ("search, each new", "/programmes/?q=recruitment&bench=NONCE"),
    ("programme", PROGRAMME),
    ("css", None),  # the fingerprinted NHS.UK stylesheet, found in the catalogue's HTML
]
SEARCH = "/programmes/?q=recruitment"

# Targets of issues 3 and 7.
LIST_QUERIES, DETAIL_QUERIES = 8, 6
RATIO_PAGE, RATIO_SEARCH = 0.50, 0.20
FIRST_VISIT_KB, HTML_KB = 80, 30
RSS_MB = 150
SEARCH_MS = 50


def log(message):
    print(message, file=sys.stderr, flush=True)


def django_env(database):
    env = dict(os.environ)
    env.pop("DJANGO_DEBUG", None)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=f"sqlite:///{database}",
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env, *args):
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, accept_encoding=ACCEPT_ENCODING):
    """(status, headers, body bytes as transferred, header bytes) of one GET."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": accept_encoding})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
            status, headers = response.status, response.headers
    except urllib.error.HTTPError as error:
        body, status, headers = error.read(), error.code, error.headers
    header_bytes = len(str(headers).encode()) + len("HTTP/1.1 200 OK\r\n")
    return status, headers, body, header_bytes


class Assets(HTMLParser):
    """The CSS and JS a page makes the browser fetch, and which of them block rendering."""

    def __init__(self):
        super().__init__()
        self.in_head = False
        self.css, self.js, self.blocking = [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link" and "stylesheet" in (a.get("rel") or "").split():
            self.css.append(a["href"])
            if a.get("media") in (None, "all", "screen"):
                self.blocking.append(a["href"])
        elif tag == "link" and (a.get("rel") == "modulepreload" or a.get("as") == "script"):
            self.js.append(a["href"])
        elif tag == "script" and a.get("src"):
            self.js.append(a["src"])
            if a.get("type") != "module" and "async" not in a and "defer" not in a:
                self.blocking.append(a["src"])


JS_IMPORT = re.compile(r"""(?:\bimport|\bexport)\s*(?:[\w*{}\s,$]*?\bfrom\s*)?["']([^"']+)["']""")
CSS_IMPORT = re.compile(r"""@import\s+(?:url\()?["']?([^"')\s;]+)""")
FONT_FACE = re.compile(r"@font-face\s*{([^}]*)}")


def first_visit(base, path):
    """Bytes a first visit to `path` transfers (HTML + CSS + JS, fonts and images excluded)."""
    origin = urlsplit(base).netloc
    status, headers, html, html_headers = fetch(base + path)
    plain = fetch(base + path, accept_encoding="identity")[2]
    parser = Assets()
    parser.feed(plain.decode())
    files = [
        {
            "url": path,
            "bytes": len(html),
            "headers": html_headers,
            "encoding": headers.get("Content-Encoding", "none"),
        }
    ]
    seen = set()
    queue = [urljoin(base + path, u) for u in parser.css + parser.js]
    fonts = []
    while queue:
        url = queue.pop(0)
        if url in seen or urlsplit(url).netloc != origin:
            continue
        seen.add(url)
        status, headers, body, header_bytes = fetch(url)
        files.append(
            {
                "url": urlsplit(url).path,
                "bytes": len(body),
                "headers": header_bytes,
                "encoding": headers.get("Content-Encoding", "none"),
                "status": status,
            }
        )
        text = fetch(url, accept_encoding="identity")[2].decode(errors="replace")
        if url.endswith((".js", ".mjs")):
            queue += [urljoin(url, u) for u in JS_IMPORT.findall(text) if not u.startswith("data:")]
        elif url.endswith(".css"):
            queue += [urljoin(url, u) for u in CSS_IMPORT.findall(text)]
            for face in FONT_FACE.findall(text):
                display = re.search(r"font-display:\s*([\w-]+)", face)
                fonts += [
                    (u, display.group(1) if display else "auto")
                    for u in re.findall(r"url\(([^)]+)\)", face)
                ]
    other_origin = [u for u in parser.blocking if urlsplit(urljoin(base, u)).netloc != origin]
    return {
        "files": files,
        "total_bytes": sum(f["bytes"] + f["headers"] for f in files),
        "body_bytes": sum(f["bytes"] for f in files),
        "html_bytes": len(html),  # as sent to a browser that accepts br and gzip
        "html_plain_bytes": len(plain),
        "html_gzip_bytes": len(gzip.compress(plain, 6)),
        "blocking_other_origin": other_origin,
        "font_origins": sorted({urlsplit(u).netloc for u, _ in fonts if "://" in u}),
        "font_display": sorted({d for _, d in fonts}),
        "css_url": next((urlsplit(urljoin(base, u)).path for u in parser.css), None),
    }


UNITS = {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}


# Replaces NONCE in the path with a value no other request of the run uses.
NONCE_SCRIPT = """
thread_id = 0  -- a global: setup() sets it in each thread
local counter, threads = 0, 0
function setup(thread) threads = threads + 1; thread:set("thread_id", threads) end
function request()
  counter = counter + 1
  local path = wrk.path:gsub("NONCE", thread_id .. "-" .. counter)
  return wrk.format(nil, path)
end
"""


def wrk(url, duration, threads, connections):
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}", "--latency",
        "-H", f"Accept-Encoding: {ACCEPT_ENCODING}",
    ]  # fmt: skip
    if "NONCE" in url:
        script = RESULTS / "nonce.lua"
        script.write_text(NONCE_SCRIPT)
        command += ["-s", str(script)]
    command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(percent):
        m = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", out, re.M)
        return float(m.group(1)) * UNITS[m.group(2)] if m else None

    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    timeouts = int(m.group(4)) if m else 0
    requests = re.search(r"(\d+) requests in", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50_ms": latency(50),
        "p99_ms": latency(99),
        "requests": int(requests.group(1)) if requests else 0,
        "non_2xx": errors,
        "timeouts": timeouts,
        "raw": out,
    }


def worker_rss_mb(master_pid):
    """Resident memory of each gunicorn worker (the master's children), in MiB."""
    sizes = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError, ValueError):
            continue
        m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if m:
            sizes.append(int(m.group(1)) / 1024)
    return sorted(sizes)


def edit_shows_at_once(env, base, asks=20):
    """Rename the programme from another process, then ask the workers for its page
    `asks` times: how many answers show the new name (all of them, or a cache is stale)."""
    title = f"Renamed by the benchmark {secrets.token_hex(4)}"
    subprocess.run(
        [sys.executable, "-m", "bench.edit", PROGRAMME.strip("/").split("/")[-1], title],
        cwd=ROOT, env=env, check=True,
    )  # fmt: skip
    pages = (fetch(base + PROGRAMME, accept_encoding="identity")[2] for _ in range(asks))
    fresh = sum(title in page.decode() for page in pages)
    return {"fresh": fresh, "asks": asks}


def serve(env, port, workers, logfile):
    command = [
        sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "lwrs_site.wsgi:application",
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        # As `make serve` runs it: with an access log (to a file here, not the terminal).
        "--access-logfile", str(logfile.with_suffix(".access.log")),
        "--error-logfile", str(logfile), "--timeout", "120",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    if answers(f"http://127.0.0.1:{port}", within=30):
        return process
    stop(process)
    raise SystemExit(f"gunicorn did not answer on port {port}; see {logfile}")


def answers(base, within):
    """Whether the trivial view answers promptly within `within` seconds: after a
    load that outran the workers, they first finish the requests already queued."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(base + "/bench/trivial")
            with urllib.request.urlopen(request, timeout=1) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def stop(process):
    # SIGINT: gunicorn's quick shutdown; workers drop what they had queued.
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def bench_size(n, args):
    """Everything measured at one catalogue size."""
    database = RESULTS / f"catalogue-{n}.sqlite3"
    for leftover in RESULTS.glob(f"catalogue-{n}.sqlite3*"):
        leftover.unlink()
    env = django_env(database)
    log(f"== N={n}: migrate and fill {database.name}")
    manage(env, "migrate", "--no-input", "-v0")
    subprocess.run([sys.executable, "-m", "bench.fill", str(n)], cwd=ROOT, env=env, check=True)

    urls = [url.replace("NONCE", "0") for _, url in PAGES if url]
    timed = ["--time", SEARCH] if n >= 1000 else []
    measured = subprocess.run(
        [sys.executable, "-m", "bench.measure", *urls, *timed],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    inprocess = json.loads(measured)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port, args.workers, RESULTS / f"gunicorn-{n}.log")
    try:
        visit = first_visit(base, "/programmes/")
        pages = [(name, url or visit["css_url"]) for name, url in PAGES]
        for _, url in pages:
            status = fetch(base + url.replace("NONCE", "0"))[
                0
            ]  # every worker warms up on its first requests
            if status != 200:
                raise SystemExit(f"{url} answered {status} at N={n}; see the gunicorn log")
        runs, rss, restarts = {}, [], 0
        # The baseline three times (start, middle, end): the machine is shared and
        # its speed drifts during a run; each page is compared with their median.
        middle = len(pages) // 2 + 1
        order = [*pages[:middle], ("trivial, middle", "/bench/trivial"), *pages[middle:]]
        for name, url in [*order, ("trivial, end", "/bench/trivial")]:
            log(f"   wrk {name}: {url}")
            runs[name] = wrk(base + url, args.duration, args.threads, args.connections)
            rss = max(rss, worker_rss_mb(server.pid), key=lambda sizes: max(sizes, default=0))
            if not answers(base, within=15):
                # Too slow to drain its queue in time: start afresh for the next page.
                log("   the server is still busy: restarting it")
                stop(server)
                server = serve(env, port, args.workers, RESULTS / f"gunicorn-{n}.log")
                restarts += 1
        fresh = edit_shows_at_once(env, base)
    finally:
        stop(server)
    trivial_runs = [runs[name]["rps"] for name in ("trivial", "trivial, middle", "trivial, end")]
    trivial_rps = statistics.median(trivial_runs)
    rows = []
    for name, url in pages:
        run = runs[name]
        page = inprocess["pages"].get(url.replace("NONCE", "0"), {})
        rows.append(
            {
                "page": name,
                "url": url,
                "rps": run["rps"],
                "p50_ms": run["p50_ms"],
                "p99_ms": run["p99_ms"],
                "ratio": run["rps"] / trivial_rps,
                "queries": page.get("queries"),
                "queries_warm": page.get("queries_warm"),
                "html_bytes": page.get("html_bytes"),
                "non_2xx": run["non_2xx"],
                "timeouts": run["timeouts"],
                "requests": run["requests"],
            }
        )
    return {
        "n": n,
        "rows": rows,
        "trivial_runs": trivial_runs,
        "first_visit": visit,
        "worker_rss_mb": rss,
        "restarts": restarts,
        "edit_fresh": fresh,
        "search_timing": inprocess["timings"].get(SEARCH),
        "sql": {url: p["sql"] for url, p in inprocess["pages"].items()},
    }


def machine():
    def out(*command):
        try:
            return subprocess.run(command, capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            return ""

    cpu = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    versions = subprocess.run(
        [
            sys.executable, "-c",
            "import sqlite3, django, gunicorn; "
            "print(sqlite3.sqlite_version, django.get_version(), gunicorn.__version__)",
        ],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout
    wrk_version = wrk_version.split("\n")[0].split(" [")[0].replace("wrk debian/", "wrk ")
    commit = out("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD").strip()
    dirty = (
        " (with uncommitted changes)"
        if out("git", "-C", str(ROOT), "status", "--porcelain")
        else ""
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30),
        "os": out("sh", "-c", ". /etc/os-release && echo $PRETTY_NAME").strip()
        or platform.platform(),
        "python": platform.python_version(),
        "sqlite": versions[0],
        "django": versions[1],
        "gunicorn": versions[2],
        "wrk": wrk_version,
        "commit": commit + dirty,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }


def queries(row):
    if row["page"] == "css" or row["queries"] is None:
        return "-"
    if row["queries_warm"] == row["queries"]:
        return str(row["queries"])
    return f"{row['queries']} / {row['queries_warm']}"


def fmt(value, spec):
    return "-" if value is None else format(value, spec)


def report(results, meta, args):
    lines = [
        f"Run {meta['date']} at commit {meta['commit']}{args.label and ' (' + args.label + ')'}: `wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration} --latency` on loopback against gunicorn "
        f"({args.workers} gthread workers as gunicorn.conf.py sets them, DEBUG off, SQLite).",
        "",
        f"Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['memory_gib']} GiB, {meta['os']}; "
        f"Python {meta['python']}, SQLite {meta['sqlite']}, Django {meta['django']}, "
        f"gunicorn {meta['gunicorn']}, {meta['wrk']}.",
        "",
        "| N | page | req/s | p50 ms | p99 ms | vs trivial | SQL queries (render / repeat) | HTML bytes | errors |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for row in result["rows"]:
            errors = row["non_2xx"] + row["timeouts"] or ""
            if not row["requests"]:
                errors = "none answered in time"
            html = row["html_bytes"] if row["page"] != "css" else None
            lines.append(
                f"| {result['n']:,} | {row['page']} | {row['rps']:,.0f} | {fmt(row['p50_ms'], '.1f')} "
                f"| {fmt(row['p99_ms'], '.1f')} | {row['ratio']:.0%} "
                f"| {queries(row)} "
                f"| {fmt(html, ',d')} | {errors} |"
            )
    lines += [
        "",
        "| N | first visit to /programmes/ (HTML + CSS + JS as sent, with headers) | of which HTML, as sent | HTML uncompressed / gzipped | worker RSS after load | search in-process median (new / repeat / first after an edit) | an edit shows on every worker at once |",
        "|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        visit, timing = result["first_visit"], result["search_timing"]
        lines.append(
            f"| {result['n']:,} | {visit['total_bytes'] / 1024:,.1f} KB "
            f"({len(visit['files'])} files) | {visit['html_bytes'] / 1024:,.1f} KB "
            f"({visit['files'][0]['encoding']}) | {visit['html_plain_bytes'] / 1024:,.1f} KB / "
            f"{visit['html_gzip_bytes'] / 1024:,.1f} KB "
            f"| {', '.join(f'{mb:.0f}' for mb in result['worker_rss_mb'])} MB "
            f"| {fmt(timing and timing['median_ms'], '.1f')} / "
            f"{fmt(timing and timing['warm_median_ms'], '.1f')} / "
            f"{fmt(timing and timing.get('edited_median_ms'), '.1f')} ms "
            f"| {result['edit_fresh']['fresh']} of {result['edit_fresh']['asks']} answers |"
        )
    last = results[-1]
    files = ", ".join(
        f"{Path(f['url']).name or f['url']} {f['bytes'] / 1024:.1f} KB ({f['encoding']})"
        for f in last["first_visit"]["files"]
    )
    lines += [
        "",
        f"First visit at N={last['n']:,}: {files}. Trivial view runs: "
        + "; ".join(
            f"N={r['n']:,}: {', '.join(f'{rps:,.0f}' for rps in r['trivial_runs'])} req/s"
            for r in results
        )
        + " (each ratio uses their median).",
        "",
        "### Targets",
        "",
        *[f"- {line}" for line in check_targets(results, args)],
    ]
    return "\n".join(lines)


def check_targets(results, args):
    def verdict(ok):
        return "**met**" if ok else "**MISSED**"

    out = []
    by_page = {}
    for result in results:
        for row in result["rows"]:
            by_page.setdefault(row["page"], []).append(row["queries"])
    for page, limit in [("catalogue", LIST_QUERIES), ("facet", LIST_QUERIES),
                        ("search", LIST_QUERIES), ("programme", DETAIL_QUERIES)]:  # fmt: skip
        counts = by_page.get(page, [])
        ok = len(set(counts)) == 1 and counts[0] is not None and counts[0] <= limit
        out.append(
            f"SQL queries of {page}, constant in N and <= {limit}: "
            f"{' / '.join(str(c) for c in counts)}: {verdict(ok)}"
        )
    big = results[-1]
    for row in big["rows"]:
        if row["page"] == "search, each new":
            # Not a target of the issue (its "search" row is met through the cache);
            # shown because it is what a stream of different searches costs.
            out.append(
                f"N={big['n']:,} search, each new (no cache can answer; not a target): "
                f"{row['ratio']:.0%} of trivial, p50 {row['p50_ms']:.0f} ms with "
                f"{args.connections} connections on {args.workers} workers"
            )
            continue
        limit = {"catalogue": RATIO_PAGE, "facet": RATIO_PAGE, "programme": RATIO_PAGE,
                 "search": RATIO_SEARCH}.get(row["page"])  # fmt: skip
        if limit:
            out.append(
                f"N={big['n']:,} {row['page']} throughput >= {limit:.0%} of trivial: "
                f"{row['ratio']:.0%}: {verdict(row['ratio'] >= limit and not row['non_2xx'])}"
            )
    for result in results:
        visit = result["first_visit"]
        out.append(
            f"N={result['n']:,} first visit to the catalogue <= {FIRST_VISIT_KB} KB: "
            f"{visit['total_bytes'] / 1024:.1f} KB, HTML <= {HTML_KB} KB: "
            f"{visit['html_bytes'] / 1024:.1f} KB as sent "
            f"({visit['html_plain_bytes'] / 1024:.1f} KB uncompressed): "
            f"{verdict(visit['total_bytes'] <= FIRST_VISIT_KB * 1024 and visit['html_bytes'] <= HTML_KB * 1024)}"
        )
    blocking = sorted({u for r in results for u in r["first_visit"]["blocking_other_origin"]})
    fonts = results[-1]["first_visit"]
    out.append(
        f"No render-blocking request to another origin: {', '.join(blocking) or 'none'}: "
        f"{verdict(not blocking)} (fonts from {', '.join(fonts['font_origins']) or 'nowhere'}, "
        f"font-display: {', '.join(fonts['font_display']) or '-'}, not render-blocking)"
    )
    stale = [r["n"] for r in results if r["edit_fresh"]["fresh"] < r["edit_fresh"]["asks"]]
    out.append(
        "An editor's change shows on every worker at the next request: "
        f"{'stale answers at N=' + ', '.join(map(str, stale)) if stale else 'every answer fresh'}: "
        f"{verdict(not stale)}"
    )
    rss = max(max(r["worker_rss_mb"], default=0) for r in results)
    out.append(
        f"Worker RSS after load < {RSS_MB} MB: largest {rss:.0f} MB: {verdict(rss < RSS_MB)}"
    )
    timing = big["search_timing"]
    if timing:
        out.append(
            f"N={big['n']:,} search first page in-process median < {SEARCH_MS} ms: "
            f"{timing['median_ms']:.1f} ms for a new search, {timing['warm_median_ms']:.1f} ms "
            f"repeated, {timing['edited_median_ms']:.1f} ms for the first after an edit, "
            f"over {timing['repeats']} runs: {verdict(timing['median_ms'] < SEARCH_MS)} "
            "(judged on the new search: a cache only helps a search someone made before)"
        )
    return out


def write_readme(text):
    block = f"{START}\n{text}\n{END}"
    current = README.read_text() if README.exists() else f"# Benchmarks\n\n{START}\n{END}\n"
    if START in current and END in current:
        head, rest = current.split(START, 1)
        current = head + block + rest.split(END, 1)[1]
    else:
        current += "\n" + block + "\n"
    README.write_text(current)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[12, 1000, 10000])
    parser.add_argument("--duration", default="5s", help="of each wrk run (default 5s)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-readme", action="store_true", help="print only")
    parser.add_argument("--label", default="", help="what this run is, for the record")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    RESULTS.mkdir(exist_ok=True)
    started = time.monotonic()

    env = django_env(RESULTS / "unused.sqlite3")
    log("== collectstatic (fingerprinted and compressed, as in production)")
    manage(env, "collectstatic", "--no-input", "-v0")
    meta = machine()
    results = [bench_size(n, args) for n in args.n]
    text = report(results, meta, args)
    print(text)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"run-{stamp}.json").write_text(
        json.dumps({"machine": meta, "results": results}, indent=1)
    )
    if not args.no_readme:
        write_readme(text)
        log(f"Wrote the results into {README.relative_to(ROOT)}")
    log(f"Benchmark took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
