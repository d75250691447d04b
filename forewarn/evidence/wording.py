"""How dates and figures are printed, with the precision they are known to: a month-only
date prints as the month, a lower bound as "at least N", never as an exact fact."""

from __future__ import annotations

from datetime import date


def _day(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def date_label(start: date, end: date, precision: str | None = "exact") -> str:
    """'25 August 2017', 'August 2017', '2017', 'between 1 and 30 September 2017' ..."""
    precision = precision or "exact"
    if precision == "year":
        return str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
    if precision == "month":
        if (start.year, start.month) == (end.year, end.month):
            return f"{start:%B %Y}"
        return f"{start:%B %Y} to {end:%B %Y}"
    if start == end:
        return _day(start)
    return f"{_day(start)} to {_day(end)}"


def date_phrase(start: date, end: date, precision: str | None = "exact") -> str:
    """The opening of a sentence: 'On 25 August 2017', 'In August 2017', 'At an unknown date
    between ...', 'Between ... and ...'."""
    precision = precision or "exact"
    if precision in ("year", "month"):
        label = date_label(start, end, precision)
        return f"In {label}" if "to" not in label and "-" not in label else f"Between {label}"
    if precision == "range":
        return f"At a date between {_day(start)} and {_day(end)}"
    if start == end:
        return f"On {_day(start)}"
    return f"Between {_day(start)} and {_day(end)}"


def figure(fig: dict) -> str:
    """'at least 200', '120-200 (best estimate 150)', '150'."""
    low, best, high = fig.get("low"), fig.get("best"), fig.get("high")
    if fig.get("at_least"):
        return f"at least {low:,}"
    if low is not None and high is not None and low != high:
        return f"{low:,}-{high:,}" + (f" (best estimate {best:,})" if best is not None else "")
    if best is None and high is None and low is not None:
        return f"at least {low:,}"
    if best is None and low is None and high is not None:
        return f"up to {high:,}"
    return f"{best if best is not None else low:,}"
