"""The presentation layer: text, HTML, charts, widgets and the notebooks' sections.

Everything here only reads the values the core computes (Snapshot, Drift, Plan, apply logs,
VerifyResult) and the files the core writes; nothing in the core (catalog, snapshot, compare,
planner, apply, verify) imports it (tests/test_layers.py says so).

    labels.py          one object label, one parity text, status words, the side names
    text.py            terminal and e-mail text: drift, plan, apply, verify, the report's summary
    progress.py        one progress helper for terminals (quiet when piped)
    html.py            escaped tables, boxes, word-level marks of what differs, interactive tables
    charts.py          plotly figures (pure functions of plain data)
    drift_report.py    the sections of notebooks/drift_report.ipynb
    migration_plan.py  the sections of notebooks/migration_plan.ipynb
    explorer.py        the ipywidgets explorer (notebooks/explore.ipynb, `workbench explore`)
"""
