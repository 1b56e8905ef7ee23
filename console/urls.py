"""Operator console routes (interfaces §4.1), under ``/console/``."""

from django.urls import path

from .views import (
    audit,
    cards,
    cases,
    creators,
    dashboard,
    dispatches,
    erasure,
    lockouts,
    overrides,
    recommendations,
    rules,
    runs,
    tokens,
    whatif,
)

app_name = "console"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("creators/", creators.creator_list, name="creators"),
    path("creators/<str:external_id>/", creators.creator_detail, name="creator"),
    path("recommendations/", recommendations.queue, name="recommendations"),
    path("recommendations/<int:entitlement_id>/fulfil/", recommendations.fulfil, name="recommendation-fulfil"),
    path("cards/", cards.card_list, name="cards"),
    path("cards/issue/", cards.issue, name="cards-issue"),
    path("cards/<uuid:card_id>/revoke/", cards.revoke, name="card-revoke"),
    path("cases/", cases.case_list, name="cases"),
    path("cases/<int:case_id>/review/", cases.review, name="case-review"),
    path("dispatches/", dispatches.dispatches, name="dispatches"),
    path("audit/", audit.audit_log, name="audit"),
    path("tokens/", tokens.token_list, name="tokens"),
    path("tokens/<int:token_id>/revoke/", tokens.revoke, name="token-revoke"),
    path("lockouts/", lockouts.lockout_list, name="lockouts"),
    path("lockouts/<int:attempt_id>/unlock/", lockouts.release, name="lockout-release"),
    path("runs/", runs.runs, name="runs"),
    path("runs/<int:run_id>/", runs.run_detail, name="run"),
    path("runs/<int:run_id>/resume/", runs.resume, name="run-resume"),
    path("creators/<str:external_id>/override/", overrides.override_set, name="creator-override"),
    path("creators/<str:external_id>/override/end/", overrides.override_end, name="creator-override-end"),
    path("creators/<str:external_id>/erase/", erasure.creator_erase_view, name="creator-erase"),
    path("rules/", rules.rule_list, name="rules"),
    path("rules/<int:rule_set_id>/", rules.rule_detail, name="rule"),
    path("rules/<int:rule_set_id>/new/", rules.rule_new, name="rules-new"),
    path("rules/simulate/", whatif.rules_simulate, name="rules-simulate"),
    path("rules/simulate/<int:simulation_id>/", whatif.rules_simulation, name="rules-simulation"),
]
