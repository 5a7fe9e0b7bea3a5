"""What staff get while the database is frozen: requests served and failed under wrk
load during a 10 s freeze of PostgreSQL (SIGSTOP), for one or more source trees.

    .venv/bin/python bench/faults.py --tree before=/tmp/lwrs-main --tree after=.

For each tree, against the same throwaway PostgreSQL holding the same catalogue
(N programmes, bench/fill.py): collectstatic in the tree, then gunicorn as that
tree's `make serve` runs it (with its gunicorn.conf.py if it has one, else sync
workers), 2 workers, DEBUG off. The pages in PAGES are visited until every
worker has them cached, then wrk (2 threads, 20 connections, a 5 s timeout)
loads them in turn: 5 s with the database up, 10 s with it frozen, and 5 s
after it is thawed. A wrk Lua script counts answers by kind: fresh 200s, stale
200s (with a Warning header), 503s, other 5xx, and wrk's socket errors and
timeouts. /healthz is timed once just after the freeze starts, and the time
until fresh pages come back is measured after the thaw.

To get a tree of main as it is: `git archive main | tar -x -C /tmp/lwrs-main`.
The machine is shared and noisy: compare counts and ratios within one run.
Raw figures go to bench/results/faults-*.json.
"""

import argparse
import datetime
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.postgres import ThrowawayPostgres  # noqa: E402
from tests.production import free_port  # noqa: E402

RESULTS = ROOT / "bench" / "results"
PAGES = [
    "/",
    "/programmes/",
    "/programmes/?tag=leadership",
    "/programmes/active-bystander-training/",
    "/partners/",
]
BIN = Path(sys.executable).parent

LUA = """
local paths = {%(paths)s}
local counter = 0
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  fresh, stale, unavailable, failed, other = 0, 0, 0, 0, 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept-Encoding"] = "br, gzip"})
end

function response(status, headers, body)
  if status == 200 then
    if headers["Warning"] then stale = stale + 1 else fresh = fresh + 1 end
  elseif status == 503 then unavailable = unavailable + 1
  elseif status >= 500 then failed = failed + 1
  else other = other + 1 end
end

function done(summary, latency, requests)
  local t = {fresh = 0, stale = 0, unavailable = 0, failed = 0, other = 0}
  for _, thread in ipairs(threads) do
    for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
  end
  io.write(string.format(
    "RESULT fresh=%%d stale=%%d unavailable=%%d failed=%%d other=%%d connect=%%d read=%%d write=%%d timeout=%%d p50=%%d p99=%%d max=%%d\\n",
    t.fresh, t.stale, t.unavailable, t.failed, t.other,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.max))
end
"""


def log(message):
    print(message, file=sys.stderr, flush=True)


def env_for(database_url):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        DJANGO_SETTINGS_MODULE="lwrs_site.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        PYTHONDONTWRITEBYTECODE="1",
    )
    return env


def get(url, timeout=30):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # loopback only
            status, headers = response.status, response.headers
            response.read()
    except urllib.error.HTTPError as error:
        status, headers = error.code, error.headers
    except OSError as error:
        return None, {}, time.monotonic() - started, repr(error)
    return status, headers, time.monotonic() - started, ""


def visitors(base, seconds, summary, every=0.1, timeout=5):
    """A new visitor every `every` seconds, each on a new connection, giving up
    after `timeout` seconds. wrk cannot say this: it counts no error for a
    request that never gets an answer, so a hung server shows as 0 requests."""
    answers = []

    def visit(path):
        status, headers, took, _ = get(base + path, timeout=timeout)
        kind = "no answer" if status is None else str(status)
        if status == 200 and "Warning" in headers:
            kind = "200 stale"
        answers.append((kind, took))

    started, visits = time.monotonic(), []
    while time.monotonic() - started < seconds:
        visit_thread = threading.Thread(target=visit, args=(PAGES[len(visits) % len(PAGES)],))
        visit_thread.start()
        visits.append(visit_thread)
        time.sleep(every)
    for visit_thread in visits:
        visit_thread.join()
    kinds = sorted({kind for kind, _ in answers})
    summary.update(
        visitors=len(answers),
        answers={kind: sum(1 for k, _ in answers if k == kind) for kind in kinds},
        median_s=round(sorted(t for _, t in answers)[len(answers) // 2], 2),
        max_s=round(max(t for _, t in answers), 2),
    )


def wrk(base, seconds, connections, script):
    result = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s", "-s", script, base],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(line for line in result.stdout.splitlines() if line.startswith("RESULT"))
    figures = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", line)}
    figures["served"] = figures["fresh"] + figures["stale"]
    figures["not served"] = (
        figures["unavailable"]
        + figures["failed"]
        + figures["connect"]
        + figures["read"]
        + figures["write"]
        + figures["timeout"]
    )
    return figures


def run_tree(label, tree, postgres, args, script):
    tree = Path(tree).resolve()
    env = env_for(postgres.url)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
        cwd=tree,
        env=env,
        check=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [str(BIN / "gunicorn")]
    if (tree / "gunicorn.conf.py").exists():
        command += ["-c", "gunicorn.conf.py"]
    command += ["lwrs_site.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
    log(f"== {label}: {' '.join(command[1:])} in {tree}")
    with tempfile.TemporaryFile() as output:
        server = subprocess.Popen(
            command, cwd=tree, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            return measure(label, tree, command, base, server, output, postgres, args, script)
        finally:
            server.terminate()
            server.wait(timeout=30)


def measure(label, tree, command, base, server, output, postgres, args, script):
    """Load the running server before, during and after a freeze; the figures of one tree."""
    deadline = time.monotonic() + 60
    while get(base + "/healthz", timeout=2)[0] != 200:
        if time.monotonic() > deadline or server.poll() is not None:
            output.seek(0)
            raise SystemExit(f"gunicorn did not start:\n{output.read().decode()}")
        time.sleep(0.2)
    # Every worker caches its own pages: ask often enough that each has them all.
    for _ in range(10 * args.workers):
        for page in PAGES:
            assert get(base + page)[0] == 200, page
    run = {"label": label, "tree": str(tree), "command": command[1:]}
    log("   5 s with the database up")
    run["up"] = wrk(base, 5, args.connections, script)
    log(f"   {args.freeze} s with the database frozen")
    postgres.freeze()
    try:
        health = {}

        def probe():
            status, _, seconds, error = get(base + "/healthz", timeout=60)
            health.update(status=status, seconds=round(seconds, 2), error=error)

        prober = threading.Thread(target=probe)
        prober.start()
        visits = {}
        visiting = threading.Thread(target=visitors, args=(base, args.freeze, visits))
        visiting.start()
        run["frozen"] = wrk(base, args.freeze, args.connections, script)
        visiting.join()
        prober.join()
        run["frozen"]["healthz"] = health
        run["frozen"]["visitors"] = visits
    finally:
        postgres.thaw()
    thawed = time.monotonic()
    while True:
        status, headers, _, _ = get(base + PAGES[-1], timeout=60)
        if status == 200 and "Warning" not in headers:
            break
        if time.monotonic() - thawed > 120:
            break
        time.sleep(0.1)
    run["fresh again after thaw, s"] = round(time.monotonic() - thawed, 1)
    log("   5 s after the thaw")
    run["after"] = wrk(base, 5, args.connections, script)
    output.seek(0)
    text = output.read().decode(errors="replace")
    run["log"] = {
        "lines": len(text.splitlines()),
        "tracebacks": text.count("Traceback"),
        "worker timeouts": text.count("WORKER TIMEOUT"),
        "Database unavailable lines": text.count("Database unavailable"),
    }
    return run


def table(runs):
    rows = [
        "| tree | phase | served fresh | served stale | 503 | other 5xx | socket errors and timeouts | served | not served | p50 / p99 ms |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        for phase in ("up", "frozen", "after"):
            f = run[phase]
            errors = f["connect"] + f["read"] + f["write"] + f["timeout"]
            rows.append(
                f"| {run['label']} | {phase} | {f['fresh']:,} | {f['stale']:,} | {f['unavailable']:,}"
                f" | {f['failed']:,} | {errors:,} | {f['served']:,} | {f['not served']:,}"
                f" | {f['p50'] / 1000:.1f} / {f['p99'] / 1000:.1f} |"
            )
    return "\n".join(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--tree", action="append", required=True, help="LABEL=PATH of a source tree to serve"
    )
    parser.add_argument("--n", type=int, default=1000, help="programmes (default 1000)")
    parser.add_argument("--freeze", type=int, default=10, help="seconds frozen (default 10)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    args = parser.parse_args()
    RESULTS.mkdir(exist_ok=True)
    postgres = ThrowawayPostgres()
    try:
        env = env_for(postgres.url)
        log(f"== PostgreSQL on port {postgres.port}: migrate and fill {args.n} programmes")
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        subprocess.run(
            [sys.executable, "-m", "bench.fill", str(args.n)], cwd=ROOT, env=env, check=True
        )
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
            lua.write(LUA % {"paths": ", ".join(f'"{page}"' for page in PAGES)})
        runs = []
        for tree in args.tree:
            label, _, path = tree.partition("=")
            runs.append(run_tree(label, path, postgres, args, lua.name))
    finally:
        postgres.close()
    print(table(runs))
    for run in runs:
        print(
            f"{run['label']}: /healthz during the freeze {run['frozen']['healthz']}; fresh "
            f"pages {run['fresh again after thaw, s']} s after the thaw; log {run['log']}"
        )
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"faults-{stamp}.json"
    out.write_text(json.dumps({"n": args.n, "freeze": args.freeze, "runs": runs}, indent=2))
    log(f"raw figures: {out}")


if __name__ == "__main__":
    main()
