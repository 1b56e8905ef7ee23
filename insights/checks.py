"""Start-up check of the index's weights: a composite from bad weights would rank creators wrongly every
day without anyone noticing."""

from django.conf import settings
from django.core import checks

from .formula import weights_problems


def check_weights(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    return [
        checks.Error(f"XINGTU_INDEX_WEIGHTS {problem}.", id="insights.E001")
        for problem in weights_problems(getattr(settings, "XINGTU_INDEX_WEIGHTS", None))
    ]
