"""The performance benchmark of issues 7 and 19: `make bench` (or `.venv/bin/python bench/run.py`).

For each catalogue size N it builds a scratch database (migrate, then
bench/fill.py): an SQLite file, or with `--postgres` (a throwaway PostgreSQL
server, started as CI starts one) or a `postgres://` DATABASE_URL (that
server: a database `lwrs_bench_<N>` made afresh on it, nothing else touched) a
PostgreSQL database. It serves the site the production way (gunicorn, DEBUG
off, behind a TLS proxy as far as the site can tell, collected and compressed
static files, bench/settings.py = the production settings plus one baseline
URL) on loopback, loads each page with wrk, measures how soon an edit made by
another process shows on every worker, and measures in-process what wrk cannot
see (SQL queries, the search's median time). It prints one table, checks the
targets and writes both to bench/README.md, one section per database.

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
import threading
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"  # scratch databases, logs, raw JSON (git-ignored)
README = BENCH / "README.md"
# Where each database's latest run goes in the README.
MARKERS = {
    "SQLite": ("<!-- results:start -->", "<!-- results:end -->"),
    "PostgreSQL": ("<!-- results-postgresql:start -->", "<!-- results-postgresql:end -->"),
}

# What a browser asks for; whitenoise answers with its pre-compressed files.
ACCEPT_ENCODING = "br, gzip"
# What the load balancer adds in production (DJANGO_BEHIND_TLS_PROXY=true):
# without it every page would be a redirect to HTTPS.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}

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
# Targets of issue 19: cached pages against the static file, and their p99.
RATIO_STATIC, P99_MS = 0.80, 50
STATIC_TARGET_PAGES = ("catalogue", "facet", "search", "programme")


def log(message):
    print(message, file=sys.stderr, flush=True)


def django_env(database_url, tree=ROOT):
    env = dict(os.environ)
    env.pop("DJANGO_DEBUG", None)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        PYTHONPATH=str(tree),
    )
    return env


def manage(env, *args, tree=ROOT):
    subprocess.run([sys.executable, "manage.py", *args], cwd=tree, env=env, check=True)


class SQLiteDatabases:
    """A scratch SQLite file for each N, in bench/results/."""

    name = "SQLite"

    def url(self, n):
        database = RESULTS / f"catalogue-{n}.sqlite3"
        for leftover in RESULTS.glob(f"catalogue-{n}.sqlite3*"):
            leftover.unlink()
        return f"sqlite:///{database}"

    def version(self):
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"

    def close(self):
        pass


class PostgresDatabases:
    """A database `lwrs_bench_<N>` made afresh for each N on one PostgreSQL server:
    a throwaway one (--postgres) or the one DATABASE_URL names. Only databases
    of that name are dropped; the one in the URL is only connected to."""

    name = "PostgreSQL"

    def __init__(self, url=None):
        self.throwaway = None
        if url is None:
            sys.path.insert(0, str(ROOT))
            from tests.postgres import ThrowawayPostgres

            self.throwaway = ThrowawayPostgres()
            url = self.throwaway.url
        self.server_url = url

    def _connect(self):
        import psycopg

        parts = urlsplit(self.server_url)
        return psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname=parts.path.lstrip("/") or "postgres",
            autocommit=True,
        )

    def url(self, n):
        name = f"lwrs_bench_{n}"
        with self._connect() as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")
            connection.execute(f"CREATE DATABASE {name}")
        parts = urlsplit(self.server_url)
        return urlunsplit(parts._replace(path=f"/{name}"))

    def version(self):
        with self._connect() as connection:
            full = connection.execute("SELECT version()").fetchone()[0]
        settings = " (throwaway server: fsync off, as CI's)" if self.throwaway else ""
        return full.split(" on ")[0] + settings

    def close(self):
        if self.throwaway:
            self.throwaway.close()


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url, accept_encoding=ACCEPT_ENCODING):
    """(status, headers, body bytes as transferred, header bytes) of one GET."""
    request = urllib.request.Request(
        url, headers={"Accept-Encoding": accept_encoding, **PROXY_HEADERS}
    )
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
        *[arg for name, value in PROXY_HEADERS.items() for arg in ("-H", f"{name}: {value}")],
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


def median_run(runs):
    """A page's figures over its rounds: medians of the rates and latencies, sums of the counts."""

    def median(key):
        values = [run[key] for run in runs if run[key] is not None]
        return statistics.median(values) if values else None

    return {
        "rps": median("rps"),
        "p50_ms": median("p50_ms"),
        "p99_ms": median("p99_ms"),
        "rps_rounds": [run["rps"] for run in runs],
        "requests": sum(run["requests"] for run in runs),
        "non_2xx": sum(run["non_2xx"] for run in runs),
        "timeouts": sum(run["timeouts"] for run in runs),
    }


def workers(master_pid):
    """(/proc/PID directory, fields of its stat after the name) of each gunicorn
    worker: the master's children."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == master_pid:
                yield stat.parent, fields
        except (OSError, IndexError, ValueError):
            continue


def worker_rss_mb(master_pid):
    """Resident memory of each gunicorn worker, in MiB."""
    sizes = []
    for directory, _ in workers(master_pid):
        try:
            status = (directory / "status").read_text()
        except OSError:
            continue
        m = re.search(r"^VmRSS:\s+(\d+) kB", status, re.M)
        if m:
            sizes.append(int(m.group(1)) / 1024)
    return sorted(sizes)


def rename(env, title):
    """Rename the programme from another process, as an editor on another server
    would; the wall-clock time its change was committed."""
    out = subprocess.run(
        [sys.executable, "-m", "bench.edit", PROGRAMME.strip("/").split("/")[-1], title],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    return float(out.split()[-1])


def edit_shows_at_once(env, base, asks=20):
    """Rename the programme from another process, then ask the workers for its page
    `asks` times: how many answers show the new name (all of them, or a cache is stale)."""
    title = f"Renamed by the benchmark {secrets.token_hex(4)}"
    rename(env, title)
    pages = (fetch(base + PROGRAMME, accept_encoding="identity")[2] for _ in range(asks))
    fresh = sum(title in page.decode() for page in pages)
    return {"fresh": fresh, "asks": asks}


def edit_visibility(env, base, clients=4, after=1.5):
    """How soon an edit committed by another process shows on every worker:
    `clients` threads ask for the programme's page in a loop (each request on a
    new connection, so every worker answers some) from before the edit until
    `after` seconds after it. Counts the answers to requests sent after the
    commit that still showed the old page, and how late the last of them was sent."""
    title = f"Renamed by the benchmark {secrets.token_hex(4)}"
    answers, stop = [], threading.Event()

    def ask():
        while not stop.is_set():
            sent = time.time()
            page = fetch(base + PROGRAMME, accept_encoding="identity")[2]
            answers.append((sent, title.encode() in page))

    askers = [threading.Thread(target=ask) for _ in range(clients)]
    for asker in askers:
        asker.start()
    time.sleep(0.5)
    committed = rename(env, title)
    time.sleep(after)
    stop.set()
    for asker in askers:
        asker.join()
    since = [(sent - committed, fresh) for sent, fresh in answers if sent >= committed]
    old = [delay for delay, fresh in since if not fresh]
    return {
        "answers": len(since),
        "old": len(old),
        "last_old_ms": max(old) * 1000 if old else None,
        "first_fresh_ms": min((d for d, fresh in since if fresh), default=None),
    }


def serve(env, port, workers, logfile, tree=ROOT):
    command = [
        sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "lwrs_site.wsgi:application",
        "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        # As `make serve` runs it: with an access log (to a file here, not the terminal).
        "--access-logfile", str(logfile.with_suffix(".access.log")),
        "--error-logfile", str(logfile), "--timeout", "120",
    ]  # fmt: skip
    # As production runs it: behind a TLS proxy (the requests carry its header).
    process = subprocess.Popen(command, cwd=tree, env={**env, "DJANGO_BEHIND_TLS_PROXY": "true"})
    if answers(f"http://127.0.0.1:{port}", within=30):
        return process
    stop(process)
    raise SystemExit(f"gunicorn did not answer on port {port}; see {logfile}")


def workers_cpu_seconds(master_pid):
    """CPU time (user + system) the gunicorn workers have used so far."""
    ticks = sum(int(fields[11]) + int(fields[12]) for _, fields in workers(master_pid))
    return ticks / os.sysconf("SC_CLK_TCK")


def settle(master_pid, within=15, step=0.25):
    """Wait until the workers are idle (under 5% of a CPU for `step` seconds): wrk
    stops sending, but the requests already accepted are still served, and the
    next page's first requests would queue behind them (a page after "search, each
    new" showed p99s of a second that were the previous page's)."""
    deadline = time.monotonic() + within
    used = workers_cpu_seconds(master_pid)
    while time.monotonic() < deadline:
        time.sleep(step)
        now = workers_cpu_seconds(master_pid)
        if now - used < 0.05 * step:
            return
        used = now


def answers(base, within):
    """Whether the trivial view answers promptly within `within` seconds: after a
    load that outran the workers, they first finish the requests already queued."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            request = urllib.request.Request(base + "/bench/trivial", headers=PROXY_HEADERS)
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


def bench_size(n, args, databases):
    """Everything measured at one catalogue size."""
    tree = args.tree
    env = django_env(databases.url(n), tree)
    log(f"== N={n}: migrate and fill {databases.name} {env['DATABASE_URL']}")
    load_before = os.getloadavg()[0]
    manage(env, "migrate", "--no-input", "-v0", tree=tree)
    subprocess.run([sys.executable, "-m", "bench.fill", str(n)], cwd=tree, env=env, check=True)

    urls = [url.replace("NONCE", "0") for _, url in PAGES if url]
    timed = ["--time", SEARCH] if n >= 1000 else []
    measured = subprocess.run(
        [sys.executable, "-m", "bench.measure", *urls, *timed],
        cwd=tree, env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    inprocess = json.loads(measured)

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(env, port, args.workers, RESULTS / f"gunicorn-{n}.log", tree)
    try:
        visit = first_visit(base, "/programmes/")
        pages = [(name, url or visit["css_url"]) for name, url in PAGES]
        for _, url in pages:
            status = fetch(base + url.replace("NONCE", "0"))[
                0
            ]  # every worker warms up on its first requests
            if status != 200:
                raise SystemExit(f"{url} answered {status} at N={n}; see the gunicorn log")
        runs, rss, restarts = {name: [] for name, _ in pages}, [], 0
        # Every page, the baselines included, in `rounds` rounds: the machine is
        # shared and its speed drifts within minutes; each figure is the median
        # of a page's rounds, and each ratio compares medians.
        for round_ in range(args.rounds):
            for name, url in pages:
                log(f"   wrk {name} (round {round_ + 1} of {args.rounds}): {url}")
                runs[name].append(wrk(base + url, args.duration, args.threads, args.connections))
                settle(server.pid)
            rss = max(rss, worker_rss_mb(server.pid), key=lambda sizes: max(sizes, default=0))
            if not answers(base, within=15):
                # Too slow to drain its queue in time: start afresh for the next page.
                log("   the server is still busy: restarting it")
                stop(server)
                server = serve(env, port, args.workers, RESULTS / f"gunicorn-{n}.log", tree)
                restarts += 1
        load_during = os.getloadavg()[0]
        visibility = edit_visibility(env, base)
        fresh = edit_shows_at_once(env, base)
    finally:
        stop(server)
    trivial_runs = [run["rps"] for run in runs["trivial"]]
    runs = {name: median_run(page_runs) for name, page_runs in runs.items()}
    trivial_rps = runs["trivial"]["rps"]
    static_rps = runs["css"]["rps"]
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
                "ratio_static": run["rps"] / static_rps,
                "queries": page.get("queries"),
                "queries_warm": page.get("queries_warm"),
                "html_bytes": page.get("html_bytes"),
                "non_2xx": run["non_2xx"],
                "timeouts": run["timeouts"],
                "requests": run["requests"],
                "rps_rounds": run["rps_rounds"],
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
        "edit_visibility": visibility,
        "load": [load_before, load_during],
        "search_timing": inprocess["timings"].get(SEARCH),
        "sql": {url: p["sql"] for url, p in inprocess["pages"].items()},
    }


def machine(databases, tree=ROOT):
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
        # The README is the benchmark's own output: a run before this one changed it.
        if out("git", "-C", str(ROOT), "status", "--porcelain", "--", ".", ":!bench/README.md")
        else ""
    )
    if tree != ROOT:
        dirty += f", serving the tree {tree}"
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
        "database": databases.version(),
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


def report(results, meta, args, databases):
    loads = "; ".join(
        f"N={r['n']:,}: {r['load'][0]:.1f} before, {r['load'][1]:.1f} after the load"
        for r in results
    )
    lines = [
        f"Run {meta['date']} at commit {meta['commit']}{args.label and ' (' + args.label + ')'}: `wrk -t{args.threads} "
        f"-c{args.connections} -d{args.duration} --latency -H 'X-Forwarded-Proto: https'` on loopback against gunicorn "
        f"({args.workers} gthread workers as gunicorn.conf.py sets them, DEBUG off, "
        f"behind a TLS proxy as far as the site knows), {databases.name}.",
        "",
        f"Machine: {meta['nproc']} CPUs ({meta['cpu']}), {meta['memory_gib']} GiB, {meta['os']}; "
        f"Python {meta['python']}, {meta['database']}, Django {meta['django']}, "
        f"gunicorn {meta['gunicorn']}, {meta['wrk']}. Shared with other engineers' test runs: "
        f"load average (1 min) {loads}.",
        "",
        "| N | page | req/s | p50 ms | p99 ms | vs static file | vs trivial | SQL queries (render / repeat) | HTML bytes | errors |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for result in results:
        for row in result["rows"]:
            errors = row["non_2xx"] + row["timeouts"] or ""
            if not row["requests"]:
                errors = "none answered in time"
            html = row["html_bytes"] if row["page"] != "css" else None
            lines.append(
                f"| {result['n']:,} | {row['page']} | {row['rps']:,.0f} | {fmt(row['p50_ms'], '.1f')} "
                f"| {fmt(row['p99_ms'], '.1f')} | {row['ratio_static']:.2f} | {row['ratio']:.0%} "
                f"| {queries(row)} "
                f"| {fmt(html, ',d')} | {errors} |"
            )
    lines += [
        "",
        "| N | first visit to /programmes/ (HTML + CSS + JS as sent, with headers) | of which HTML, as sent | HTML uncompressed / gzipped | worker RSS after load | search in-process median (new / repeat / first after an edit) | an edit from another process: answers after the commit still old (last sent ms after it) | asked right after the edit |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
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
            f"| {visibility(result['edit_visibility'])} "
            f"| {result['edit_fresh']['fresh']} of {result['edit_fresh']['asks']} fresh |"
        )
    last = results[-1]
    files = ", ".join(
        f"{Path(f['url']).name or f['url']} {f['bytes'] / 1024:.1f} KB ({f['encoding']})"
        for f in last["first_visit"]["files"]
    )
    lines += [
        "",
        f"First visit at N={last['n']:,}: {files}. Each figure is the median of "
        f"{args.rounds} rounds; requests per second in each round, trivial view and static file: "
        + "; ".join(
            f"N={r['n']:,}: "
            + ", ".join(f"{rps:,.0f}" for rps in r["trivial_runs"])
            + " and "
            + ", ".join(
                f"{rps:,.0f}"
                for rps in next(x for x in r["rows"] if x["page"] == "css")["rps_rounds"]
            )
            for r in results
        )
        + ".",
        "",
        "### Targets",
        "",
        *[f"- {line}" for line in check_targets(results, args)],
    ]
    return "\n".join(lines)


def visibility(seen):
    late = f" (last sent {seen['last_old_ms']:.1f} ms after)" if seen["old"] else ""
    return f"{seen['old']} of {seen['answers']}{late}"


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
    rows = {row["page"]: row for row in big["rows"]}
    for page in STATIC_TARGET_PAGES:
        row = rows[page]
        out.append(
            f"N={big['n']:,} {page} >= {RATIO_STATIC} of the static file's throughput, "
            f"p99 < {P99_MS} ms at {args.connections} connections: {row['ratio_static']:.2f}, "
            f"p99 {row['p99_ms']:.1f} ms: "
            f"{verdict(row['ratio_static'] >= RATIO_STATIC and row['p99_ms'] < P99_MS and not row['non_2xx'])}"
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
        "An editor's change shows on every worker at the next request after the editing process "
        f"has ended: {'stale answers at N=' + ', '.join(map(str, stale)) if stale else 'every answer fresh'}: "
        f"{verdict(not stale)}"
    )
    late = [r["edit_visibility"]["last_old_ms"] or 0 for r in results]
    out.append(
        "An edit shows on every worker within 1 s of its commit (issue 19's bound): "
        f"old pages answered to requests sent up to {max(late):.1f} ms after it: "
        f"{verdict(max(late) <= 1000)}"
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


def write_readme(text, database):
    start, end = MARKERS[database]
    block = f"{start}\n{text}\n{end}"
    current = README.read_text() if README.exists() else "# Benchmarks\n"
    if start in current and end in current:
        head, rest = current.split(start, 1)
        current = head + block + rest.split(end, 1)[1]
    else:
        current += "\n" + block + "\n"
    README.write_text(current)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, nargs="+", default=[12, 1000, 10000])
    parser.add_argument("--duration", default="5s", help="of each wrk run (default 5s)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--rounds", type=int, default=3, help="runs of every page, medians reported (default 3)"
    )
    parser.add_argument(
        "--connections", type=int, default=16, help="wrk's (default 16, as issue 19 measures)"
    )
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--no-readme", action="store_true", help="print only")
    parser.add_argument("--label", default="", help="what this run is, for the record")
    parser.add_argument(
        "--postgres",
        action="store_true",
        help="on a throwaway PostgreSQL server (a postgres:// DATABASE_URL: on that server)",
    )
    parser.add_argument(
        "--tree",
        type=Path,
        default=ROOT,
        help="serve another source tree (e.g. main's), for a before/after",
    )
    args = parser.parse_args()
    args.tree = args.tree.resolve()
    url = os.environ.get("DATABASE_URL", "")
    if args.postgres:
        databases = PostgresDatabases()
    elif url.startswith(("postgres://", "postgresql://")):
        databases = PostgresDatabases(url)
    else:
        databases = SQLiteDatabases()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    RESULTS.mkdir(exist_ok=True)
    started = time.monotonic()

    env = django_env(f"sqlite:///{RESULTS / 'unused.sqlite3'}", args.tree)
    log("== collectstatic (fingerprinted and compressed, as in production)")
    manage(env, "collectstatic", "--no-input", "-v0", tree=args.tree)
    try:
        meta = machine(databases, args.tree)
        results = [bench_size(n, args, databases) for n in args.n]
    finally:
        databases.close()
    text = report(results, meta, args, databases)
    print(text)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"run-{stamp}.json").write_text(
        json.dumps({"machine": meta, "database": databases.name, "results": results}, indent=1)
    )
    if not args.no_readme:
        write_readme(text, databases.name)
        log(f"Wrote the results into {README.relative_to(ROOT)}")
    log(f"Benchmark took {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
