"""``XINGTU_INDEX_WEIGHTS`` is checked at start: the five sub-indices, each weight from 0 to 1, adding up to 1."""

import pytest

from insights.checks import check_weights
from insights.formula import weights

GOOD = {"reach": 0.30, "cooperation": 0.20, "growth": 0.15, "value": 0.20, "conversion": 0.15}


def test_the_default_weights_pass_and_are_read_in_drawing_order():
    assert check_weights() == []
    assert list(weights()) == ["reach", "cooperation", "growth", "value", "conversion"]


@pytest.mark.parametrize(
    "configured, problem",
    [
        ({**GOOD, "reach": 0.31}, "add up to 1"),
        ({k: v for k, v in GOOD.items() if k != "value"} | {"reach": 0.5}, "exactly"),
        ({**GOOD, "cheating": 0.0}, "exactly"),
        ({**GOOD, "reach": "0.3"}, "number from 0 to 1"),
        ({**GOOD, "reach": -0.1, "growth": 0.55}, "number from 0 to 1"),
        ([0.3, 0.2], "object"),
    ],
)
def test_bad_weights_fail_the_start_up_check_and_say_why(settings, configured, problem):
    settings.XINGTU_INDEX_WEIGHTS = configured
    errors = check_weights()
    assert errors and all(e.id == "insights.E001" for e in errors)
    assert problem in " ".join(e.msg for e in errors)
