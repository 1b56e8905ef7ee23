"""The task-hall join form: which of the creator's own items to submit, and on a guarantee task which
of their usable cards to attach. Choices are the creator's own rows only, so another creator's id is
an invalid choice; ``benefits.services.cards`` re-checks both when it writes."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from benefits.card_selectors import cards_usable
from creators.models import Creator, SubmissionTask
from creators.selectors import contents_of


class JoinForm(forms.Form):
    content = forms.ModelChoiceField(
        queryset=None,
        label=_("选择作品"),
        error_messages={"required": _("请选择要提交的作品。"), "invalid_choice": _("只能提交你自己的作品。")},
    )

    def __init__(self, data=None, *, creator: Creator, task: SubmissionTask, at: datetime) -> None:
        super().__init__(data)
        self.fields["content"].queryset = contents_of(creator=creator)
        if task.is_guarantee:
            self.fields["card"] = forms.ModelChoiceField(
                queryset=cards_usable(creator=creator, at=at),
                required=False,
                label=_("使用保底卡"),
                error_messages={"invalid_choice": _("这张保底卡不可用：已使用、已过期或不属于你。")},
            )
