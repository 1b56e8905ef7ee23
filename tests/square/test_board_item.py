"""``square.presenters.board_items`` draws exactly what the leaderboards template's loop drew per row, only
quicker."""

from dataclasses import fields
from itertools import product
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from square.boards import Board
from square.presenters import BoardRow, board_item, board_items, board_row

# The loop's body as it was (between ``{% for row in rows %}`` and ``{% endfor %}`` in
# templates/square/leaderboards.html).
BODY = Template("{% load i18n %}" + (Path(__file__).parent / "board_row_partial.html").read_text())


def rows() -> list[BoardRow]:
    kinds = product(
        [(Board.BUSINESS, 78.25), (Board.DAILY, 31_000.0), (Board.DAILY, 9_999.0)],  # board, figure
        [1, 3, 4, 50],  # rank
        [0, 1, 4],  # level
        [False, True],  # priority
        [0, 1, 1_234],  # posts
        ["桃桃", '<script>"x" & y</script>', mark_safe("<i>安全</i>")],  # nickname
        [False, True],  # is_me
    )
    return [
        board_row(
            SimpleNamespace(board=board, figure=figure, rank=rank, level=level, priority=priority, posts_30d=posts,
                            creator__nickname=nick, creator_id=7 if me else 8),
            me=7,
        )
        for (board, figure), rank, level, priority, posts, nick, me in kinds
    ]  # fmt: skip


def template_row(row: BoardRow) -> SimpleNamespace:
    """``row`` as the template read it: the nickname on its creator."""
    values = {f.name: getattr(row, f.name) for f in fields(row)}
    return SimpleNamespace(**values, creator=SimpleNamespace(nickname=row.nickname))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_row_draws_what_the_template_drew(language):
    with translation.override(language):
        drawn = rows()
        for row in drawn:
            assert board_item(row) == BODY.render(Context({"row": template_row(row)})), row
        assert board_items(drawn) == "".join(BODY.render(Context({"row": template_row(row)})) for row in drawn)
