"""Demo data for the default run and for benchmarks (docs/interfaces.md §5), outside the program engine.

The generator is pure: it takes a seed, an instant ``at`` and a reference instant ``ref`` and yields
JSON Lines in the ingest format (docs/interfaces.md §1). Nothing in it touches the database and no global
random state is used — every creator draws from its own ``random.Random`` seeded with ``(seed, index)``
— so the same ``seed``, ``at`` and ``ref`` give byte-identical lines, and ``--creators 40`` is the first
40 creators of ``--creators 300``.
The ``seed_demo`` command writes the static catalogue with the ORM, streams the generator's lines into
the ingest and lets the engine assess them.

- ``plan``: each creator's target tier and what its data must show, shaped against the default rule set
  of ``levels.defaults`` (the same values the rule-set migration seeds).
- ``activity``: a planned creator laid out as profile, fans, credit, content, orders, courses, entries
  and portal events; ``items`` holds the pieces it shares with ``story``.
- ``story``: ``c-1001``, the portal's ``creator`` login.
- ``catalogue``: the academy courses and the submission tasks; ``names``: believable names and intros.
- ``emit``: one emitter per ingest line type; ``clock``: time and random-draw helpers.
- ``feed``: the entry points, ``generate_creators`` and ``generate_lines``.
- ``history`` (not part of the generator: it reads the beat schedule): the reference instant the
  generator is handed, and the job runs ``seed_demo`` replays, each at a tick of its own schedule.

This app stands on top of creators, academy, benefits and levels; nothing imports it.
"""
