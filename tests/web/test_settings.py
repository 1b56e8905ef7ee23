"""config/settings.py reads `.env` before any variable, and importing it writes nothing to the disk;
the Celery app creates the filesystem broker's folders when it is first configured.

Each check runs in a fresh interpreter: the settings are read once per process, and reading `.env`
changes the process's environment."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Variables that would change what the settings decide; each test sets the ones it means.
DROPPED = {"DATABASE_URL", "REDIS_URL", "VAR_DIR", "READ_DOT_ENV", "DJANGO_SETTINGS_MODULE", "SECRET_KEY"}


def python(code: str, *, cwd: Path = ROOT, **env: str) -> str:
    clean = {key: value for key, value in os.environ.items() if key not in DROPPED}
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=cwd,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout


def test_a_var_dir_in_dot_env_is_honoured(tmp_path: Path) -> None:
    # The settings find `.env` beside their project folder, so run a copy of them in a folder of our own.
    (tmp_path / "config").mkdir()
    for name in ("settings.py", "log_settings.py"):  # the settings and the module they import LOGGING from
        shutil.copy(ROOT / "config" / name, tmp_path / "config" / name)
    (tmp_path / ".env").write_text(f"VAR_DIR={tmp_path / 'from-dot-env'}\n")
    code = (
        "import json, runpy; s = runpy.run_path('config/settings.py'); "
        "print(json.dumps([str(s['VAR_DIR']), str(s['DATABASES']['default']['NAME']), "
        "s['CELERY_BROKER_TRANSPORT_OPTIONS']['data_folder_in']]))"
    )
    var_dir, database, queue = json.loads(python(code, cwd=tmp_path, READ_DOT_ENV="1"))

    assert var_dir == str(tmp_path / "from-dot-env")
    assert database == str(tmp_path / "from-dot-env" / "db.sqlite3")
    assert queue == str(tmp_path / "from-dot-env" / "celery" / "queue")


def test_importing_the_settings_creates_no_folder(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    python(
        "import django; django.setup(); from config.celery_app import app",
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
    )

    assert not var_dir.exists()


def test_the_celery_app_creates_the_filesystem_broker_folders_when_configured(tmp_path: Path) -> None:
    var_dir = tmp_path / "var"
    python(
        "import django; django.setup(); from config.celery_app import app; app.conf.broker_url",
        VAR_DIR=str(var_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
    )

    assert sorted(p.name for p in (var_dir / "celery").iterdir()) == ["control", "processed", "queue"]


POOL_CODE = (
    "import json, django; django.setup(); from django.conf import settings; "
    "d = settings.DATABASES['default']; print(json.dumps([d['CONN_MAX_AGE'], d.get('OPTIONS', {}).get('pool')]))"
)
POSTGRES = "postgres://postgres@127.0.0.1:5432/xingtu"  # never connected to: the settings only read it


def test_without_db_pool_max_there_is_no_pool() -> None:
    assert json.loads(python(POOL_CODE, DATABASE_URL=POSTGRES, DJANGO_SETTINGS_MODULE="config.settings")) == [60, None]


def test_db_pool_max_turns_the_pool_on_and_persistent_connections_off() -> None:
    env = {"DATABASE_URL": POSTGRES, "DJANGO_SETTINGS_MODULE": "config.settings", "DB_POOL_MAX": "8"}
    assert json.loads(python(POOL_CODE, **env, DB_POOL_MIN="2")) == [
        0,
        {"min_size": 2, "max_size": 8, "timeout": 10.0},
    ]


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"DB_POOL_MAX": "8", "CONN_MAX_AGE": "60"}, "CONN_MAX_AGE must be 0 with DB_POOL_MAX"),
        ({"DB_POOL_MAX": "2", "DB_POOL_MIN": "3"}, "DB_POOL_MIN must be between 0 and DB_POOL_MAX (2), got 3."),
        ({"DB_POOL_MIN": "2"}, "DB_POOL_MIN has no effect without DB_POOL_MAX."),
        ({"DB_POOL_MAX": "8", "DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "DB_POOL_MAX needs PostgreSQL"),
    ],
)
def test_a_pool_setting_that_cannot_work_stops_the_start_up(env: dict, error: str) -> None:
    with pytest.raises(subprocess.CalledProcessError) as failed:
        python(POOL_CODE, **{"DATABASE_URL": POSTGRES, "DJANGO_SETTINGS_MODULE": "config.settings", **env})
    assert error in failed.value.stderr
