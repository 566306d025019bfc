"""Settings come from the environment; production refuses to start without its secrets or with a
broker that loses messages; PostgreSQL connections persist, SQLite ones do not."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.base import database_config, durable_broker

ROOT = Path(__file__).resolve().parents[2]
CLEARED = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CONN_MAX_AGE"}
PRODUCTION = {
    "SECRET_KEY": "x" * 50,
    "ALLOWED_HOSTS": "example.gov.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
}


def run_settings(module: str, **env) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environ.update(env, DJANGO_SETTINGS_MODULE=module)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)


def test_production_refuses_without_secret_key():
    result = run_settings(
        "config.settings.production", ALLOWED_HOSTS="example.gov.cn", REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_without_allowed_hosts():
    result = run_settings(
        "config.settings.production", SECRET_KEY="x" * 50, REDIS_URL="redis://127.0.0.1:6379/0"
    )
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both_and_reads_database_url():
    result = run_settings(
        "config.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.gov.cn",
        REDIS_URL="redis://127.0.0.1:6379/0",
        DATABASE_URL="postgres://u@127.0.0.1:5432/dsp",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_local_defaults_to_sqlite_in_var(tmp_path):
    result = run_settings("config.settings.local", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_production_refuses_the_default_sqlite_broker():
    env = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = run_settings("config.settings.production", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "broker must be Redis or AMQP" in result.stderr


@pytest.mark.parametrize(
    ("broker", "accepted"),
    [
        ("redis://127.0.0.1:6379/0", True),
        ("rediss://:secret@redis.example.gov.cn:6380/0", True),
        ("redis+socket:///srv/dsp/var/redis.sock", True),
        ("amqp://guest@127.0.0.1:5672//", True),
        ("amqps://dsp@mq.example.gov.cn//", True),
        ("sqla+sqlite:////tmp/broker.sqlite3", False),
        ("memory://", False),
        ("filesystem://", False),
        ("", False),
    ],
)
def test_production_accepts_only_redis_and_amqp_brokers(broker, accepted):
    assert durable_broker(broker) is accepted


def test_production_refuses_an_explicit_sqlite_broker():
    result = run_settings(
        "config.settings.production", **PRODUCTION, CELERY_BROKER_URL="sqla+sqlite:////tmp/b.sqlite3"
    )
    assert result.returncode != 0 and "broker must be Redis or AMQP" in result.stderr


def test_production_starts_on_a_redis_unix_socket():
    env = {k: v for k, v in PRODUCTION.items() if k != "REDIS_URL"}
    result = run_settings(
        "config.settings.production", **env, REDIS_URL="redis+socket:///srv/dsp/var/redis.sock"
    )
    assert result.returncode == 0, result.stderr


def test_postgresql_connections_persist_with_health_checks(monkeypatch):
    monkeypatch.delenv("CONN_MAX_AGE", raising=False)
    config = database_config("postgres://u@127.0.0.1:5432/dsp")
    assert config["CONN_MAX_AGE"] == 60
    assert config["CONN_HEALTH_CHECKS"] is True
    assert "pool" not in config.get("OPTIONS", {})


def test_postgresql_connection_age_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("CONN_MAX_AGE", "300")
    assert database_config("postgres://u@127.0.0.1:5432/dsp")["CONN_MAX_AGE"] == 300
    monkeypatch.setenv("CONN_MAX_AGE", "0")
    config = database_config("postgres://u@127.0.0.1:5432/dsp")
    assert config["CONN_MAX_AGE"] == 0 and config["CONN_HEALTH_CHECKS"] is False


def test_sqlite_keeps_short_connections_and_its_options(monkeypatch, tmp_path):
    monkeypatch.setenv("CONN_MAX_AGE", "300")
    config = database_config(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert config["CONN_MAX_AGE"] == 0
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
