"""Production settings, checked the way production starts: in a fresh process, DEBUG off."""

import pytest

from tests.production import manage, production_env


def test_check_deploy_passes_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_fails_when_a_deploy_setting_is_weak():
    # Proves the check above can fail: without the TLS proxy there is no HTTPS redirect.
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(DJANGO_BEHIND_TLS_PROXY="false"),
    )
    assert result.returncode != 0
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("key", "message"),
    [(None, "DJANGO_SECRET_KEY is required"), ("short-key", "too weak"), ("a" * 60, "too weak")],
)
def test_production_refuses_to_start_without_a_strong_secret_key(key, message):
    result = manage("check", env=production_env(DJANGO_SECRET_KEY=key))
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_debug_must_be_said_clearly():
    result = manage("check", env=production_env(DJANGO_DEBUG="maybe"))
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be true or false" in result.stderr


def settings_value(expression, **env):
    result = manage(
        "shell",
        "--no-imports",
        "-c",
        f"from django.conf import settings; print({expression})",
        env=production_env(**env),
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_postgresql_connections_are_reused_and_fail_fast():
    url = "postgres://lwrs@db.internal:5432/lwrs"
    assert settings_value("settings.DATABASES['default']['CONN_MAX_AGE']", DATABASE_URL=url) == "60"
    options = settings_value("settings.DATABASES['default']['OPTIONS']", DATABASE_URL=url)
    assert options == "{'connect_timeout': 3, 'options': '-c statement_timeout=5000'}"
    assert settings_value("settings.DATABASE_CALL_TIMEOUT", DATABASE_URL=url) == "7.0"
    assert (
        settings_value("settings.DATABASES['default']['ENGINE']", DATABASE_URL=url)
        == "lwrs_site.db.postgresql"
    )


@pytest.mark.parametrize(
    ("url_options", "env", "expected"),
    [
        (
            "?connect_timeout=2&statement_timeout=4",
            {},
            "{'connect_timeout': 2, 'options': '-c statement_timeout=4000'}",
        ),
        (
            "",
            {"DJANGO_DB_CONNECT_TIMEOUT": "10", "DJANGO_DB_STATEMENT_TIMEOUT": "0.5"},
            "{'connect_timeout': 10, 'options': '-c statement_timeout=500'}",
        ),
        ("?statement_timeout=0", {}, "{'connect_timeout': 3}"),
        (
            "?options=-c%20statement_timeout%3D9s",
            {},
            "{'options': '-c statement_timeout=9s', 'connect_timeout': 3}",
        ),
    ],
)
def test_database_timeouts_are_set_in_the_url_or_the_environment(url_options, env, expected):
    url = "postgres://lwrs@db.internal:5432/lwrs" + url_options
    options = settings_value("settings.DATABASES['default']['OPTIONS']", DATABASE_URL=url, **env)
    assert options == expected


def test_a_bad_timeout_is_refused():
    result = manage("check", env=production_env(DJANGO_DB_STATEMENT_TIMEOUT="soon"))
    assert result.returncode != 0
    assert "DJANGO_DB_STATEMENT_TIMEOUT must be a number of seconds" in result.stderr


def test_sqlite_waits_for_locks_and_has_the_deadline_too(tmp_path):
    url = f"sqlite:///{tmp_path}/db.sqlite3"
    options = settings_value("settings.DATABASES['default']['OPTIONS']", DATABASE_URL=url)
    assert options == "{'timeout': 5.0}"
    assert settings_value("settings.DATABASE_CALL_TIMEOUT", DATABASE_URL=url) == "7.0"


@pytest.mark.parametrize(
    ("value", "message"),
    [("two", "must be a whole number"), ("0", "must be 1 or more")],
)
def test_the_trusted_proxy_count_must_make_sense(value, message):
    result = manage("check", env=production_env(DJANGO_TRUSTED_PROXY_COUNT=value))
    assert result.returncode != 0
    assert f"DJANGO_TRUSTED_PROXY_COUNT {message}" in result.stderr


def test_the_trusted_proxy_count_is_read():
    assert settings_value("settings.TRUSTED_PROXY_COUNT") == "1"
    assert settings_value("settings.TRUSTED_PROXY_COUNT", DJANGO_TRUSTED_PROXY_COUNT="2") == "2"
