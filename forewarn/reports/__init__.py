"""Grass-roots early warning: public and field incident reports.

Submission (web form without JavaScript and `POST /api/reports`), uploads kept as evidence with a
metadata-stripped working copy, anti-abuse (rate limit and challenge), reviewer triage with
near-duplicate suggestions, links to incidents in the evidence register, protection of
reporters (encrypted contact, redaction per role, retention) and CSV import of offline reports.
"""
