"""Settings come from the environment; production refuses to start without its secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_settings(module: str, **env) -> subprocess.CompletedProcess:
    environ = {
        k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    environ.update(env, DJANGO_SETTINGS_MODULE=module)
    code = "import django; django.setup(); from django.conf import settings; print(settings.DATABASES['default']['ENGINE'])"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True)


def test_production_refuses_without_secret_key():
    result = run_settings("config.settings.production", ALLOWED_HOSTS="example.gov.cn")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_without_allowed_hosts():
    result = run_settings("config.settings.production", SECRET_KEY="x" * 50)
    assert result.returncode != 0 and "ALLOWED_HOSTS" in result.stderr


def test_production_starts_with_both_and_reads_database_url():
    result = run_settings(
        "config.settings.production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="example.gov.cn",
        DATABASE_URL="postgres://u@127.0.0.1:5432/dsp",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.postgresql"


def test_local_defaults_to_sqlite_in_var(tmp_path):
    result = run_settings("config.settings.local", VAR_DIR=str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"
