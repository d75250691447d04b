"""When it happened, as precisely as the reporter knew it, kept through to incidents.

A report carries `occurred_at` (a point or the start), `occurred_end` (for a range),
`occurred_precision` (exact | day | month | range | approximate) and the reporter's own words
(`occurred_note`). Verification turns these into the incident's `date_start`..`date_end`: one
day only when the reporter gave one day, otherwise the span the words cover, counted from
the day of submission ("last night" → the day before and the day itself). The phrases are data
(`data/relative_dates.yaml`, in the form's languages).
"""

from __future__ import annotations

import calendar
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class DateSpan:
    start: date
    end: date
    precision: str
    note: str  # the reporter's words and how the span was read, for the incident's record

    @property
    def exact(self) -> bool:
        return self.start == self.end


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).split())


@lru_cache
def phrases() -> tuple[list[tuple[str, int, int]], int]:
    raw = yaml.safe_load((resources.files("forewarn.reports") / "data" /
                          "relative_dates.yaml").read_text("utf-8"))
    found = [(_fold(w), int(p["start"]), int(p["end"])) for p in raw["phrases"]
             for w in p["words"]]
    return sorted(found, key=lambda f: -len(f[0])), int(raw["unknown_window_days"])


def read_note(note: str, submitted: date) -> tuple[date, date, str | None]:
    """The days NOTE covers, counted back from SUBMITTED, and the phrase that said so."""
    folded = _fold(note)
    table, window = phrases()
    for phrase, start, end in table:
        if phrase and phrase in folded:
            return submitted - timedelta(days=start), submitted - timedelta(days=end), phrase
    return submitted - timedelta(days=window), submitted, None


def infer_precision(occurred_at: datetime | None, occurred_end: datetime | None,
                    note: str, had_time: bool) -> str:
    if occurred_at is None:
        return "approximate" if note.strip() else ""
    if occurred_end is not None:
        return "range"
    return "exact" if had_time else "day"


def span(report) -> DateSpan:
    """REPORT's dates as an incident's start and end, with a note that keeps the words."""
    submitted = (report.created_at or datetime.now()).date()
    note = (report.occurred_note or "").strip()
    precision = report.occurred_precision or infer_precision(
        report.occurred_at, report.occurred_end, note, had_time=False)
    at = report.occurred_at
    if at is not None and precision in ("exact", "day"):
        start = end = at.date()
        how = "on " + start.isoformat()
    elif at is not None and precision == "month":
        start = at.date().replace(day=1)
        end = start.replace(day=calendar.monthrange(start.year, start.month)[1])
        how = "in " + start.strftime("%Y-%m")
    elif at is not None and precision == "range" and report.occurred_end is not None:
        start, end = sorted((at.date(), report.occurred_end.date()))
        how = f"between {start.isoformat()} and {end.isoformat()}"
    elif at is not None:  # approximate, with a date the reporter thought close
        start, end, _ = read_note(note, at.date()) if note else (at.date(), at.date(), None)
        how = f"around {at.date().isoformat()}"
    else:
        start, end, phrase = read_note(note, submitted)
        how = (f"read as {start.isoformat()} to {end.isoformat()} from '{phrase}', counted "
               f"from the submission on {submitted.isoformat()}" if phrase else
               f"date unknown: the {(end - start).days} days up to the submission on "
               f"{submitted.isoformat()}")
    words = f"'{note}'; " if note else ""
    return DateSpan(start, end, precision or "approximate",
                    f"When, as reported: {words}{how} (precision: {precision or 'unknown'}).")
