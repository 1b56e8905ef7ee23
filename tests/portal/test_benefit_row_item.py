"""我的权益's rows drawn in Python (portal/templatetags/portal_benefits.py) are exactly what its ``benefit-row``
and ``next-row`` partials drew, kept here as fixtures, in every state and in both languages; a claimable
row's form carries the request's own CSRF token."""

import re
from decimal import Decimal
from itertools import product
from pathlib import Path

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from benefits.models import Benefit, BenefitCode, BenefitKind, CaseStatus, Delivery, Entitlement, FeaturedCase
from portal.presenters.benefits import BenefitRow, Offered
from portal.templatetags.portal_benefits import benefit_item, next_item
from tests.portal.support import assess, entitlement, now  # noqa: F401

HERE = Path(__file__).parent
# The partials as they were (between ``{% partialdef … %}`` and ``{% endpartialdef %}``).
BENEFIT_ROW = Template("{% load i18n %}" + (HERE / "benefit_row_partial.html").read_text())
NEXT_ROW = Template("{% load i18n %}" + (HERE / "next_row_partial.html").read_text())

TOKEN = "Zk3" * 21 + "x"  # 64 characters, as a masked token

# (code, delivery, unit amount, DOU+ per missing): a plain one, a case, a card, the square, the
# leaderboards, an owed dispatch, an operator's recommendation.
BENEFITS = [
    ("star_plan", Delivery.CLAIM, None, None),
    (BenefitCode.FEATURED_CASE, Delivery.CLAIM, None, None),
    (BenefitCode.GUARANTEE_CARD, Delivery.ISSUED, Decimal("50.00"), None),
    (BenefitCode.IDENTITY_TAG, Delivery.AUTO, None, None),
    (BenefitCode.LEADERBOARD_PRIORITY, Delivery.AUTO, None, None),
    (BenefitCode.EXTRA_DISPATCH, Delivery.OPERATOR, None, 200),
    (BenefitCode.CLIENT_RECOMMENDATION, Delivery.OPERATOR, None, None),
]
STATES = ["claimable", "claimed", "pending", "auto", "issued", "lapsed"]
CASES = [None, CaseStatus.PENDING, CaseStatus.APPROVED, CaseStatus.REJECTED]
# (kind, period, current period)
PERIODS = [
    (BenefitKind.BASIC, "", True),
    (BenefitKind.BASIC, "2026-11", False),
    (BenefitKind.REWARD, "2026Q3", True),
    (BenefitKind.REWARD, "2026Q2", False),
]
TEXTS = [  # (name, English name, description, value note)
    ("学院精选案例优先上线权", "Featured case", "优秀案例优先上线。", ""),
    ('<b>"名"</b> & co', "", "", "价值¥1万 <黄金>"),
]


def benefit_rows() -> list[BenefitRow]:
    rows = []
    variants = product(BENEFITS, STATES, PERIODS, TEXTS, [(1, 0), (3, 2), (1200, 7)])
    for i, (benefit, state, (kind, period, current), texts, (quantity, delivered)) in enumerate(variants):
        code, delivery, unit_amount, per_missing = benefit
        name, name_en, description, note = texts
        entitlement = Entitlement(
            pk=1000 + i, kind=kind, period=period, quantity=quantity, delivered=delivered, level=3,
            benefit=Benefit(pk=1, code=code, name=name, name_en=name_en, description=description, delivery=delivery,
                            unit_amount=unit_amount, dou_plus_per_missing=per_missing),
        )  # fmt: skip
        for case in CASES if code == BenefitCode.FEATURED_CASE else [None]:
            with_case = Entitlement(**{f.attname: getattr(entitlement, f.attname) for f in Entitlement._meta.fields})
            with_case.benefit = entitlement.benefit
            with_case.latest_case = None if case is None else FeaturedCase(pk=1, entitlement=with_case, status=case)
            rows.append(BenefitRow(entitlement=with_case, state=state, value_note=note, current_period=current))
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("token", [TOKEN, "NOTPROVIDED", None])
@pytest.mark.filterwarnings("ignore:Calling format_html:DeprecationWarning")  # the partial's NOTPROVIDED
def test_a_benefit_row_draws_what_the_partial_drew(language, token):
    with translation.override(language):
        for row in benefit_rows():
            drawn = benefit_item(row, token)
            assert drawn == BENEFIT_ROW.render(Context({"row": row, "csrf_token": token})), (row, row.state)


def test_the_variants_reach_every_branch_of_the_row():
    with translation.override("zh-hans"):
        drawn = "".join(benefit_item(row, TOKEN) for row in benefit_rows())
    for part in ["填写案例推荐内容", "案例审核中", "案例已上线", "案例未通过", "查看保底卡钱包", "在达人广场查看",
                 "查看榜单", 'class="count num"', 'class="qty"', "tag-period", "value-note", "csrfmiddlewaretoken",
                 "&lt;b&gt;&quot;名&quot;&lt;/b&gt; &amp; co"]:  # fmt: skip
        assert part in drawn, part


def offers() -> list[Offered]:
    return [
        Offered(name, quantity, note, new, more)
        for name, quantity, note, (new, more) in product(
            ["官方1对1运营指导社群", "<i>x</i> & y"], [1, 4], ["", "价值¥3万 <组合>"],
            [(True, False), (False, True), (False, False)],
        )
    ]  # fmt: skip


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_next_level_line_draws_what_the_partial_drew(language):
    with translation.override(language):
        for offer in offers():
            assert next_item(offer) == NEXT_ROW.render(Context({"offer": offer})), offer


@pytest.mark.django_db
@pytest.mark.usefixtures("now")
def test_the_claim_form_carries_the_requests_token_and_claims_with_it(creator) -> None:
    assess()
    client = Client(enforce_csrf_checks=True)
    client.force_login(creator.user)
    featured = entitlement(creator, "featured_case")
    page = client.get("/benefits/").content.decode()
    header = re.search(r"""hx-headers='\{"x-csrftoken": "([^"]+)"\}'""", page).group(1)
    claim = rf'action="/benefits/{featured.pk}/claim/".*?name="csrfmiddlewaretoken" value="([^"]+)"'
    form = re.search(claim, page, re.S)
    assert form.group(1) == header  # one token per page, as {% csrf_token %} wrote it
    response = client.post(f"/benefits/{featured.pk}/claim/", {"csrfmiddlewaretoken": form.group(1)})
    assert response.status_code == 302
    assert entitlement(creator, "featured_case").status == "claimed"
