"""经营助手: the creator's Xingtu index (trend, five sub-indices, 评分说明, tips), their figures over the
assessment window and the exposure their level benefits bring (FAQ Q8: "具体的曝光效果可以在经营助手看到";
Q16–Q17; docs/program.md §4). Opening it records ``assistant_viewed`` (docs/program.md §1, LV1 for 10万+
creators)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from creators.models import PortalEvent
from creators.services import event_record
from levels.rules import load_rules
from portal import clock
from portal.access import CreatorRequest, creator_required
from portal.presenters.assistant import RADAR_SIZE, TREND_BOX, assistant_page
from portal.presenters.assistant_plays import BASE, CHART_H, CHART_W, LABEL_Y


@creator_required
@require_GET
def assistant(request: CreatorRequest) -> HttpResponse:
    now = clock.now()
    event_record(creator=request.creator, name=PortalEvent.Name.ASSISTANT_VIEWED, at=now)
    page = assistant_page(creator=request.creator, at=now, window_days=load_rules().window_days)
    context = {
        "page": page,
        "chart": {"w": CHART_W, "h": CHART_H, "base": BASE, "label_y": LABEL_Y},
        "trend_box": TREND_BOX,
        "radar_size": RADAR_SIZE,
    }
    return render(request, "portal/assistant.html", context)
