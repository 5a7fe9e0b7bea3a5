"""Lighthouse 12 (mobile) on the home page, the catalogue and a programme page.

    .venv/bin/python bench/lighthouse.py            # serves the site as `make serve` does, 3 runs a page
    .venv/bin/python bench/lighthouse.py --base http://127.0.0.1:8000   # a server already running

Lighthouse is a measuring tool, not a dependency of the site or its tests: it
comes from npm (`npx lighthouse@LIGHTHOUSE`, needs Node) and drives Debian's
Chromium (CHROME_PATH, /usr/bin/chromium by default; never a downloaded browser).
Without --base the script does what `make serve` does (migrate, load the
documented initiatives, collectstatic, gunicorn with DEBUG off) on a scratch
SQLite database in bench/results/, and stops the server at the end.

The machine is shared and noisy: each page is measured --runs times (3) and the
median reported. Raw reports go to bench/results/lighthouse-*.json.
"""

import argparse
import datetime
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.run import RESULTS, ROOT, django_env, free_port, log, manage  # noqa: E402

LIGHTHOUSE = "12.8.2"
PAGES = {
    "home": "/",
    "catalogue": "/programmes/",
    "programme": "/programmes/active-bystander-training/",
}
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# The flags tests/browser use for Debian's Chromium (docs/testing-recipes.md), headless.
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking --disable-component-update --disable-sync "
    "--no-first-run --disable-quic"
)
# Targets of issue 18.
PERFORMANCE, CSS_KB, FIRST_VISIT_KB = 0.98, 12, 30


def serve():
    """Start the site as `make serve` does; return (base URL, process)."""
    RESULTS.mkdir(exist_ok=True)
    database = RESULTS / "lighthouse.sqlite3"
    database.unlink(missing_ok=True)
    env = django_env(f"sqlite:///{database}")
    env["DJANGO_SETTINGS_MODULE"] = "lwrs_site.settings"
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "load_catalogue")
    manage(env, "collectstatic", "--no-input", "-v0")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "lwrs_site.wsgi",
         "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz/live", timeout=2)  # noqa: S310
            return base, process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("the server did not start")


def lighthouse(url, chrome, attempts=3):
    """One Lighthouse run (mobile, simulated throttling: its defaults); the JSON report.
    On a busy machine Chromium now and then fails to start: such a run is tried again."""
    for attempt in range(1, attempts + 1):
        with tempfile.TemporaryDirectory() as profile:
            result = subprocess.run(
                ["npx", "--yes", f"lighthouse@{LIGHTHOUSE}", url, "--quiet", "--output=json",
                 "--output-path=stdout", f"--only-categories={','.join(CATEGORIES)}",
                 f"--chrome-flags={CHROME_FLAGS} --user-data-dir={profile}"],
                env={**os.environ, "CHROME_PATH": chrome},
                capture_output=True, text=True, timeout=300,
            )  # fmt: skip
        if result.returncode == 0:
            report = json.loads(result.stdout)
            if not report.get("runtimeError"):
                return report
            problem = report["runtimeError"].get("message", "")
        else:
            problem = result.stderr.strip().splitlines()[-1:] or ["(no message)"]
        log(f"   Lighthouse failed (attempt {attempt} of {attempts}): {problem}")
    raise SystemExit(f"Lighthouse failed {attempts} times on {url}")


def summary(report):
    """What issue 18 judges, from one report."""
    audits = report["audits"]
    requests = audits["network-requests"]["details"]["items"]
    # First visit: everything transferred except fonts and images (as bench/run.py counts).
    counted = [r for r in requests if r.get("resourceType") not in ("Font", "Image", "Other")]
    css = [r for r in requests if r.get("resourceType") == "Stylesheet"]
    failed = [r["url"] for r in requests if r.get("statusCode", 200) >= 400 or r.get("failed")]
    return {
        **{c: report["categories"][c]["score"] for c in CATEGORIES},
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "si_ms": audits["speed-index"]["numericValue"],
        "css_bytes": sum(r.get("transferSize", 0) for r in css),
        "first_visit_bytes": sum(r.get("transferSize", 0) for r in counted),
        "requests": len(requests),
        "other_origins": sorted(
            {urlsplit(r["url"]).netloc for r in requests}
            - {urlsplit(report["finalDisplayedUrl"]).netloc}
        ),
        "failed": failed,
        "failing_audits": sorted(
            a["id"]
            for c in CATEGORIES
            if c != "performance"
            for ref in report["categories"][c]["auditRefs"]
            if (a := audits[ref["id"]]).get("score") is not None
            and a["score"] < 1
            and ref.get("weight", 0) > 0
        ),
    }


def table(results, runs):
    rows = [
        f"Lighthouse {LIGHTHOUSE}, mobile (its default simulated throttling), Debian's Chromium, "
        f"median of {runs} runs a page (each run's performance score in brackets).",
        "",
        "| page | performance | accessibility | best practices | SEO | CLS (worst) | FCP | LCP | TBT | CSS | first visit (no fonts, images) |",  # noqa: E501
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, runs_ in results.items():
        med = {k: statistics.median(r[k] for r in runs_) for k in runs_[0] if k not in (
            "other_origins", "failed", "failing_audits")}  # fmt: skip
        scores = ", ".join(f"{r['performance']:.2f}" for r in runs_)
        rows.append(
            f"| {name} | {med['performance']:.2f} ({scores}) | {med['accessibility']:.2f} | "
            f"{med['best-practices']:.2f} | {med['seo']:.2f} | "
            f"{max(r['cls'] for r in runs_):.3f} | {med['fcp_ms'] / 1000:.2f} s | "
            f"{med['lcp_ms'] / 1000:.2f} s | {med['tbt_ms']:.0f} ms | "
            f"{med['css_bytes'] / 1024:.1f} KB | {med['first_visit_bytes'] / 1024:.1f} KB |"
        )
    notes = set()
    for name, runs_ in results.items():
        for r in runs_:
            notes.update(f"{name}: audit below 1: {a}" for a in r["failing_audits"])
            notes.update(f"{name}: other origin asked: {o}" for o in r["other_origins"])
    return "\n".join(rows + ([""] + sorted(notes) if notes else []))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", help="measure a server already running here")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--label", default="", help="what this run is, for the record")
    args = parser.parse_args()
    if not shutil.which("npx"):
        raise SystemExit("npx is missing: Lighthouse needs Node and npm")
    process = None
    base = args.base
    if not base:
        log("== serving the site as `make serve` does")
        base, process = serve()
    try:
        results, raw = {}, {}
        for name, path in PAGES.items():
            for run in range(args.runs):
                log(f"== {name} run {run + 1}")
                report = lighthouse(base + path, args.chrome)
                results.setdefault(name, []).append(summary(report))
                raw.setdefault(name, []).append(
                    {k: report[k] for k in ("categories", "audits", "lighthouseVersion")}
                )
    finally:
        if process:
            process.terminate()
            process.wait(timeout=30)
    text = table(results, args.runs)
    print(text)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")
    (RESULTS / f"lighthouse-{stamp}.json").write_text(
        json.dumps({"label": args.label, "summary": results, "raw": raw}, indent=1)
    )


if __name__ == "__main__":
    main()
