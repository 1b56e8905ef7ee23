"""What each creator page shows: the engine's and the ledger's results turned into one plain object per
page (labels, figures, links by URL name). Presenters decide nothing: every pass/fail, comparison and
threshold comes from ``levels`` (through ``levels.selectors`` and ``levels.rules``)."""
