"""Writes to the benefits ledger (docs/program.md §3 "Grant rules"), one module per entity: ``grants``
(entitlements: grant, top up, lapse, claim), ``cards`` (guarantee cards: issue, expire, attach,
settle, revoke), ``card_issues`` (manual cards issued by an operator), ``cases`` (featured cases:
submit, review) and ``recommendations`` (what is owed per period: extra dispatches and client
recommendations, settled when the period closes).

Every batch service is set-based — many creators at once, a fixed number of statements — and safe to
run again: the unique constraints on entitlements (creator, benefit, period), cards (entitlement,
serial), DOU+ credits (entitlement) and message dedupe keys turn a repeat into a no-op, and
conditional UPDATEs move states only from where they are expected to be. Callers import the module
they need (``from benefits.services import cards``).
"""
