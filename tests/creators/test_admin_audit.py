"""The admin and the audit rule: each add, change and delete of program data writes one audit row with the
changed fields before and after; the ledger's pages are read-only for everyone, superusers included."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import RequestFactory
from django.utils import timezone

from academy.models import Course
from benefits.models import (
    Benefit,
    BenefitCode,
    ClientRecommendation,
    DouPlusCredit,
    Entitlement,
    ExtraDispatch,
    FeaturedCase,
    GuaranteeCard,
)
from creators.models import AuditLog, Creator
from levels.models import Assessment, CreatorLevel, JobRun, LevelChange, RuleSet
from levels.rules import version_in_force
from levels.versions import Changes, rule_set_create_version
from lib.periods import Month
from tests.builders import creator_at_level

pytestmark = pytest.mark.django_db

LEDGER = [Entitlement, GuaranteeCard, ClientRecommendation, ExtraDispatch, DouPlusCredit, CreatorLevel, LevelChange,
          Assessment, JobRun]  # fmt: skip


@pytest.fixture
def root(client) -> User:
    user = User.objects.create_superuser("root", password="pw")
    client.force_login(user)
    return user


def url(model, *parts) -> str:
    return "/".join(["/admin", model._meta.app_label, model._meta.model_name, *map(str, parts)]) + "/"


def form_data(response) -> dict:
    """What the admin page's forms (the object's and its inlines') would post back unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(n): management[n].value() for n in management.fields})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else value
            if form.fields[name].show_hidden_initial:  # fields with a callable default, as a browser posts them
                data[form.add_initial_prefix(name)] = value
    return data


def test_a_catalogue_change_writes_one_row_with_the_changed_fields(client, root):
    benefit = Benefit.objects.get(code=BenefitCode.GUARANTEE_CARD)
    page = client.get(url(Benefit, benefit.pk, "change"))
    old_name = benefit.name

    response = client.post(url(Benefit, benefit.pk, "change"), {**form_data(page), "name": "新名称"})

    assert response.status_code == 302
    row = AuditLog.objects.get()
    assert (row.action, row.actor, row.target_id) == ("admin.change", root, str(benefit.pk))
    assert row.target_type == "benefits.Benefit"
    assert (row.before, row.after) == ({"name": old_name}, {"name": "新名称"})


def test_saving_unchanged_writes_nothing(client, root):
    benefit = Benefit.objects.get(code=BenefitCode.GUARANTEE_CARD)
    page = client.get(url(Benefit, benefit.pk, "change"))

    client.post(url(Benefit, benefit.pk, "change"), form_data(page))

    assert not AuditLog.objects.exists()


def test_an_inline_requirement_change_is_audited(client, root):
    # A version that has been in force is read-only (levels.versions): edit one from next month.
    now = timezone.now()
    rule_set = rule_set_create_version(
        base=version_in_force(), changes=Changes(), effective_month=Month.of(now).next().key,
        name="next", note="n", actor=root, request_id="r", now=now,
    )  # fmt: skip
    requirement = rule_set.requirements.exclude(threshold=None).first()
    page = client.get(url(RuleSet, rule_set.pk, "change"))
    data = form_data(page)
    key = next(k for k, v in data.items() if k.endswith("-id") and str(v) == str(requirement.pk))
    data[key.replace("-id", "-threshold")] = requirement.threshold + 1

    client.post(url(RuleSet, rule_set.pk, "change"), data)

    row = AuditLog.objects.exclude(action="rules.version").get()
    assert (row.action, row.target_id) == ("admin.change", str(requirement.pk))
    assert row.target_type == "levels.LevelRequirement"
    assert (row.before, row.after) == ({"threshold": requirement.threshold}, {"threshold": requirement.threshold + 1})


def test_adding_and_deleting_a_course_are_audited(client, root):
    data = {**form_data(client.get(url(Course, "add"))), "code": "new-course", "title": "新课程"}
    client.post(url(Course, "add"), data)
    course = Course.objects.get(code="new-course")

    client.post(url(Course, course.pk, "delete"), {"post": "yes"})

    added, deleted = AuditLog.objects.order_by("id")
    assert (added.action, added.target_id, added.after["code"]) == ("admin.add", str(course.pk), "new-course")
    assert (deleted.action, deleted.target_id, deleted.before["title"]) == ("admin.delete", str(course.pk), "新课程")
    assert not Course.objects.filter(code="new-course").exists()


def test_a_bulk_delete_writes_a_row_per_object(client, root):
    courses = [Course.objects.create(code=f"bulk-{i}") for i in range(2)]

    client.post(url(Course), {"action": "delete_selected", "_selected_action": [c.pk for c in courses], "post": "yes"})

    assert sorted(AuditLog.objects.filter(action="admin.delete").values_list("target_id", flat=True)) == sorted(
        str(c.pk) for c in courses
    )


def test_a_creator_change_names_the_creator(client, root):
    creator = creator_at_level(1)
    data = {**form_data(client.get(url(Creator, creator.pk, "change"))), "region": "北京"}

    client.post(url(Creator, creator.pk, "change"), data)

    row = AuditLog.objects.get()
    assert (row.creator_id, row.before, row.after) == (creator.pk, {"region": "<personal>"}, {"region": "<personal>"})


@pytest.mark.parametrize("model", LEDGER, ids=lambda m: m.__name__)
def test_ledger_pages_are_read_only_even_for_a_superuser(root, model):
    request = RequestFactory().get("/admin/")
    request.user = root
    model_admin = admin.site._registry[model]

    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_card_add_page_is_refused(client, root):
    assert client.get(url(GuaranteeCard, "add")).status_code == 403


def test_an_operator_may_read_the_ledger_in_the_admin_but_not_add(client):
    operator = User.objects.create_user("ops", password="pw", is_staff=True)
    operator.groups.add(Group.objects.get(name=settings.OPERATORS_GROUP))
    client.force_login(operator)
    assert client.get(url(Entitlement)).status_code == 200
    assert client.get(url(GuaranteeCard, "add")).status_code == 403


def test_the_case_change_form_has_no_status_field(client, root):
    creator = creator_at_level(1)
    entitlement = Entitlement.objects.create(
        creator=creator, benefit=Benefit.objects.get(code=BenefitCode.FEATURED_CASE), kind="basic", level=3,
        status="claimed", granted_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    case = FeaturedCase.objects.create(creator=creator, entitlement=entitlement, title="案例", link="https://x.cn/1",
                                       recommendation="好", submitted_at=timezone.now())  # fmt: skip
    page = client.get(url(FeaturedCase, case.pk, "change"))

    assert 'name="status"' not in page.content.decode()
    client.post(url(FeaturedCase, case.pk, "change"), {**form_data(page), "status": "approved"})
    case.refresh_from_db()
    assert case.status == "pending"


def test_a_creator_change_names_the_personal_fields_but_keeps_no_value(client, root):
    """Audit rows are append-only, so a personal value in one could never be erased (docs/privacy.md)."""
    creator = creator_at_level(1, external_id="c-aud")
    page = client.get(url(Creator, creator.pk, "change"))

    response = client.post(url(Creator, creator.pk, "change"), {**form_data(page), "nickname": "新昵称", "fans": 7})

    assert response.status_code == 302
    row = AuditLog.objects.get()
    assert row.before == {"nickname": "<personal>", "fans": creator.fans}
    assert row.after == {"nickname": "<personal>", "fans": 7}
