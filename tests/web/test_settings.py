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
    shutil.copy(ROOT / "config" / "settings.py", tmp_path / "config" / "settings.py")
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
