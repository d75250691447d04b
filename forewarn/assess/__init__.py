"""Framework of Analysis assessments: the UN Framework of Analysis for Atrocity Crimes (14 risk
factors, ~143 indicators) as a catalogue, evidence-backed ratings per country and date with a
draft → review → publish workflow and full version history, risk profiles computed by a simple
documented rule (profile.py), data-suggested indicators from the imported panels (suggest.py),
a consistency report across countries (consistency.py) and YAML/JSON/CSV import/export
(transfer.py)."""
