"""How long `send_alerts` takes for 10,000 subscriptions and 50 changed programmes,
against a local SMTP server, and how many SQL queries it makes (bench/README.md).

    .venv/bin/python bench/alerts.py                  # 10,000 subscriptions, a scratch SQLite file
    .venv/bin/python bench/alerts.py --subscriptions 1000 2000
    DATABASE_URL=postgres://... .venv/bin/python bench/alerts.py --senders 2   # an empty PostgreSQL database

The mail server is aiosmtpd in a process of its own (it keeps nothing); send_alerts
runs in this process so its queries can be counted. Besides the wall-clock time it
reports the CPU time of send_alerts and of the mail server, steadier figures on a
shared machine. The catalogue: 500 published
programmes with topics; the subscriptions: 40% the whole catalogue, 30% a topic,
20% a search (20 different words), 10% one programme, all "immediately". Then 10
programmes are published and 40 have their summary changed, and send_alerts runs.
"""

import argparse
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "leadership", "mentoring", "recruitment", "wres", "nursing", "midwifery", "data",
    "toolkit", "coaching", "allyship", "bullying", "inclusion", "pay", "governance",
    "career", "talent", "board", "training", "network", "culture",
]  # fmt: skip


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def setup_django(database_url, port):
    os.environ.update(
        DJANGO_SETTINGS_MODULE="lwrs_site.settings",
        DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY") or secrets.token_urlsafe(50),
        DATABASE_URL=database_url,
        DJANGO_EMAIL_HOST="127.0.0.1",
        DJANGO_EMAIL_PORT=str(port),
        DJANGO_EMAIL_USE_TLS="false",
        DJANGO_SITE_URL="https://lwrs.example.nhs.uk",
    )
    import django

    django.setup()


def fill(subscriptions):
    from django.utils import timezone
    from taggit.models import Tag

    from alerts.changes import find_changes
    from alerts.models import Alert, Change, Lease, ProgrammeState, Subscriber, Subscription
    from programmes.cache import catalogue_changed
    from programmes.models import Programme, TaggedProgramme

    rng = random.Random(17)
    for model in (Alert, Subscription, Subscriber, Change, ProgrammeState, Lease):
        model.objects.all().delete()
    if not Programme.objects.filter(title__startswith="Bench programme").exists():
        tags = [Tag.objects.get_or_create(name=w, slug=w)[0] for w in WORDS]
        programmes = Programme.objects.bulk_create(
            Programme(
                title=f"Bench programme {i:04d} {rng.choice(WORDS)}",
                slug=f"bench-programme-{i:04d}",
                summary=f"A programme about {rng.choice(WORDS)} and {rng.choice(WORDS)}. More.",
                is_published=True,
            )
            for i in range(550)
        )
        TaggedProgramme.objects.bulk_create(
            TaggedProgramme(content_object=p, tag=t)
            for p in programmes
            for t in rng.sample(tags, 2)
        )
        # 50 drafts, 10 of them published below.
        Programme.objects.filter(pk__in=[p.pk for p in programmes[-50:]]).update(is_published=False)
        catalogue_changed()
    find_changes("bench")  # where alerts start
    published = list(Programme.objects.filter(is_published=True).order_by("pk"))
    now = timezone.now()
    subscribers = Subscriber.objects.bulk_create(
        (Subscriber(email=f"person{i:05d}@example.nhs.uk") for i in range(subscriptions)),
        batch_size=1000,
    )
    rows = []
    for i, subscriber in enumerate(subscribers):
        kind = i % 10
        query, programme = "", None
        if kind in (4, 5, 6):
            query = f"tag={rng.choice(WORDS)}"
        elif kind in (7, 8):
            query = f"q={rng.choice(WORDS)}"
        elif kind == 9:
            programme = rng.choice(published[:60])
        rows.append(
            Subscription(
                subscriber=subscriber,
                query=query,
                programme=programme,
                confirmed_at=now,
                last_change_id=0,
            )
        )
    Subscription.objects.bulk_create(rows, batch_size=1000)
    # The 50 changes: 10 drafts published, 40 summaries rewritten.
    drafts = list(Programme.objects.filter(is_published=False, title__startswith="Bench")[:10])
    for programme in drafts:
        programme.is_published = True
        programme.save()
    for programme in published[:40]:
        programme.summary = f"Rewritten: {programme.summary}"
        programme.save()


def cpu_seconds(pid):
    """User and system CPU time of a running process (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(subscriptions, senders, server):
    from django.core.management import call_command
    from django.db import connection

    from alerts.models import Alert

    started = time.perf_counter()
    fill(subscriptions)
    filled = time.perf_counter() - started
    statements = Counter()

    def count(execute, sql, params, many, context):
        statements[sql.split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    server_cpu = cpu_seconds(server.pid)
    with connection.execute_wrapper(count):
        started, cpu = time.perf_counter(), time.process_time()
        call_command("send_alerts", verbosity=0, senders=senders)
        took, cpu = time.perf_counter() - started, time.process_time() - cpu
    server_cpu = cpu_seconds(server.pid) - server_cpu
    sent = Alert.objects.filter(status="sent").count()
    # The senders' threads query on connections of their own, which are not counted.
    counted = senders == 1
    return {
        "subscriptions": subscriptions,
        "filled_s": round(filled, 1),
        "senders": senders,
        "send_alerts_s": round(took, 1),
        "send_alerts_cpu_s": round(cpu, 1),
        "mail_server_cpu_s": round(server_cpu, 1),
        "emails_sent": sent,
        "queries": statements.total() if counted else "counted with one sender only",
        "of_them_updates": statements["UPDATE"] if counted else "",
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--subscriptions", type=int, nargs="+", default=[10_000])
    parser.add_argument("--senders", type=int, default=1, help="send_alerts --senders")
    args = parser.parse_args()
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ]
    )
    scratch = tempfile.mkdtemp(prefix="lwrs-alerts-bench-")
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.sqlite3"
    try:
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        }
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ["DJANGO_SECRET_KEY"] = env["DJANGO_SECRET_KEY"]
        setup_django(database_url, port)
        from django.db import connection

        print(f"database: {connection.vendor}; mail server: aiosmtpd (Sink) on port {port}")
        for count in args.subscriptions:
            print(run(count, args.senders, server), flush=True)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
