"""The Celery application. Workers: ``celery -A config.celery_app worker``; beat: ``... beat``."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("xingtu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The filesystem transport's folders (see CELERY_BROKER_TRANSPORT_OPTIONS); kombu does not create them.
FILESYSTEM_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


@app.on_after_configure.connect
def create_filesystem_broker_folders(source, **kwargs) -> None:
    """Without Redis the broker is a set of folders, and any process (web, worker, beat, a command)
    may be the first to send or fetch a task: each creates them when it first reads the Celery
    configuration, which every use of the broker does first."""
    if not (source.broker_url or "").startswith("filesystem://"):
        return
    options = source.broker_transport_options or {}
    for key in FILESYSTEM_FOLDERS:
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
