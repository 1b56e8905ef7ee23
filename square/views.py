"""达人广场 and 榜单: what clients see of the creators (docs/program.md §5). Each page view is handed to
``square.exposure.views_record``, which decides whether it counts as exposure."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from insights.models import Surface
from lib.kept import NO_LIMIT, keep_note, keep_until, kept

from . import clock
from . import kept as square_kept
from .access import SquareRequest, square_required
from .boards import BOARD_SIZE, SURFACES, Board, board_rows
from .exposure import views_record
from .forms import SquareFilterForm
from .presenters import board_row, creator_card
from .selectors import listed_regions, region_counts, square_page


def _served(request: SquareRequest, shown: square_kept.Shown) -> None:
    """An answer of a kept page counts as a view of the cards it shows, as a drawn one does."""
    views_record(viewer=request.viewer, method=request.method, at=clock.now(), shown=shown)


@square_required
@kept(key=square_kept.key, now=lambda: clock.now(), served=_served)  # ``clock.now`` as it is then
@require_safe
def square(request: SquareRequest) -> HttpResponse:
    """The listing, filtered; ``?page=me`` opens the page with the viewing creator's card. Kept while the
    listing and its creators stay as they are (``square.kept``)."""
    at = clock.now()
    viewer = request.viewer
    me = viewer.creator.pk if viewer.creator else None
    counts = region_counts()
    form = SquareFilterForm(request.GET, regions=listed_regions(counts))
    result = square_page(filters=form.filters(), page=request.GET.get("page"), me=me, counts=counts)
    ads = [creator_card(c, me=me, in_ad_slot=True) for c in result.ads]
    cards = [creator_card(c, me=me) for c in result.page]
    shown = [(c.creator.pk, Surface.SQUARE_SLOT) for c in ads] + [(c.creator.pk, Surface.SQUARE) for c in cards]
    views_record(viewer=viewer, method=request.method, at=at, shown=shown)
    if viewer.creator is None:  # a creator's view is drawn every time (``square.kept.key``): nothing to note
        keep_note(tuple(shown))
    keep_until(NO_LIMIT)  # the day's listing, until it is refreshed: no moment on the page moves with the clock
    context = {
        "form": form,
        "result": result,
        "ads": ads,
        "cards": cards,
        "viewer": viewer,
    }
    if request.htmx and request.htmx.target == "square-results":
        return render(request, "square/square.html#results", context)
    return render(request, "square/square.html", context)


@square_required
@require_safe
def leaderboards(request: SquareRequest) -> HttpResponse:
    """One board at a time (``?board=business|daily``), its top ``BOARD_SIZE`` with why each ranks."""
    at = clock.now()
    viewer = request.viewer
    me = viewer.creator.pk if viewer.creator else None
    board = request.GET.get("board") or Board.BUSINESS
    if board not in Board.values:
        messages.error(request, _("没有这个榜单，已为你显示商业影响力榜单。"))
        board = Board.BUSINESS
    result = board_rows(board=board)
    rows = [board_row(row, me=me) for row in result.rows]
    views_record(viewer=viewer, method=request.method, at=at, shown=[(row.creator_id, SURFACES[board]) for row in rows])
    mine = next((row for row in rows if row.is_me), None)
    context = {
        "board": Board(board),
        "boards": Board,
        "day": result.day,
        "rows": rows,
        "viewer": viewer,
        "mine": mine,
        "board_size": BOARD_SIZE,
    }
    return render(request, "square/leaderboards.html", context)
