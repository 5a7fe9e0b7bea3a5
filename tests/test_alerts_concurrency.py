"""send_alerts run twice at once, and killed half-way, against a real SMTP server and a
database the runs share (a SQLite file, or a new database on the PostgreSQL server when
the suite runs on one): every subscriber gets exactly one alert."""

import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.mailserver import MailServer, free_port
from tests.production import ROOT, manage, production_env

WORKER = str(Path(__file__).with_name("alerts_worker.py"))
COUNT = 150


@pytest.fixture(scope="module")
def shared_database(tmp_path_factory):
    """A migrated database that separate processes can share."""
    url = os.environ.get("DATABASE_URL", "")
    dropped = None
    if url.startswith("postgres"):
        import psycopg

        name = f"alerts_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        base, _, _ = url.rpartition("/")
        database_url, dropped = f"{base}/{name}", name
    else:
        database_url = f"sqlite:///{tmp_path_factory.mktemp('alerts') / 'shared.sqlite3'}"
    env = production_env(DATABASE_URL=database_url, DJANGO_SITE_URL="https://lwrs.example.nhs.uk")
    migrated = manage("migrate", "--no-input", env=env, timeout=300)
    assert migrated.returncode == 0, migrated.stderr
    yield env
    if dropped:
        import psycopg

        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{dropped}" WITH (FORCE)')


@pytest.fixture
def smtp():
    handler = MailServer()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


def worker_env(shared_database, smtp):
    return {
        **shared_database,
        "DJANGO_EMAIL_HOST": "127.0.0.1",
        "DJANGO_EMAIL_PORT": str(smtp.port),
        "DJANGO_EMAIL_USE_TLS": "false",
    }


def run_worker(env, *args):
    return subprocess.Popen(
        [sys.executable, WORKER, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process, timeout=120):
    out, err = process.communicate(timeout=timeout)
    return process.returncode, out + err


def outcome(env):
    """The outbox's statuses, read by a process of the shared database."""
    script = (
        "from alerts.models import Alert;"
        "from collections import Counter;"
        "print(dict(Counter(Alert.objects.values_list('status', flat=True))))"
    )
    result = manage("shell", "-c", script, env=env)
    assert result.returncode == 0, result.stderr
    return eval(result.stdout.strip().splitlines()[-1])  # noqa: S307 - our own script's dict


def seed(env, count=COUNT):
    code, output = finished(run_worker(env, "seed", str(count)))
    assert code == 0, output


def test_two_runs_at_once_send_each_alert_once(shared_database, smtp):
    env = worker_env(shared_database, smtp)
    seed(env)
    first, second = run_worker(env, "send"), run_worker(env, "send")
    results = [finished(first), finished(second)]
    for code, output in results:
        assert code == 0, output
    received = Counter(to for m in smtp.messages for to in m.envelope_to)
    assert len(received) == COUNT
    assert set(received.values()) == {1}, [a for a, n in received.items() if n > 1][:5]
    assert outcome(env) == {"sent": COUNT}
    # Both did some of the sending, or one found nothing left: either way, no duplicate.
    again = run_worker(env, "send")
    assert finished(again)[0] == 0
    assert len(smtp.messages) == COUNT


def test_a_run_killed_half_way_neither_resends_nor_loses(shared_database, smtp):
    env = worker_env(shared_database, smtp)
    seed(env)
    sender = run_worker(env, "send", "2")

    def kill_at_the_thirtieth(message):
        # Killed while the mail server holds the 30th email, before it answers "250":
        # the run never learns whether it went.
        if len(smtp.messages) == 30:
            os.kill(sender.pid, signal.SIGKILL)

    smtp.on_message = kill_at_the_thirtieth
    code, _ = finished(sender)
    assert code == -signal.SIGKILL
    smtp.on_message = None
    assert len(smtp.messages) == 30
    time.sleep(2.5)  # the killed run's claim lapses
    code, output = finished(run_worker(env, "send", "2"))
    assert code == 0, output
    received = Counter(to for m in smtp.messages for to in m.envelope_to)
    assert len(received) == COUNT  # nothing lost
    assert set(received.values()) == {1}  # nothing twice
    # The one in the mail server's hands when the run died went, and is recorded as uncertain.
    assert outcome(env) == {"sent": COUNT - 1, "uncertain": 1}


@pytest.mark.django_db(transaction=True)
def test_emails_are_marked_sent_without_waiting_for_the_disk_and_the_setting_comes_back():
    """What keeps 10,000 one-row commits quick (bench/README.md): inside delivery the
    connection commits without a disk flush; after it, as before."""
    from django.db import connection

    from alerts.sending import commits_without_waiting

    read = {
        "sqlite": ("PRAGMA synchronous", lambda value: int(value)),
        "postgresql": ("SHOW synchronous_commit", str),
    }[connection.vendor]

    def setting():
        with connection.cursor() as cursor:
            cursor.execute(read[0])
            return read[1](cursor.fetchone()[0])

    before = setting()
    with commits_without_waiting():
        assert setting() in (0, "off")
    assert setting() == before
