"""Spike detection on daily counts: is today's count improbably high given the previous weeks?

Method. For day t, the baseline is the counts of the `baseline_days` days before t (default 28:
four weeks, so weekday effects average out). With mean m and variance v of the baseline:
- if v <= m (no over-dispersion), today's count is compared with Poisson(m);
- otherwise with a negative binomial of the same mean and variance (size r = m^2 / (v - m)),
  which stops bursty series from alerting on every busy day.
The p-value is P(X >= count). A spike is p < alpha and count >= min_count. A zero baseline mean
is floored at half an event over the window (0.5 / baseline_days), so a first-ever event is
significant without being infinitely so. `z` is (count - mean) / sqrt(max(variance, mean)):
the size of the excess in baseline standard deviations, for display and for the assessment
module's suggestion thresholds (the decision itself uses the p-value). Days with fewer than
`min_history` days of baseline are not tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class SpikeTest:
    day: date
    count: int
    expected: float
    p_value: float
    method: str  # "poisson" | "negbin"
    spike: bool
    z: float = 0.0


def test_day(count: int, baseline: list[int] | np.ndarray, alpha: float = 0.01,
             min_count: int = 3) -> tuple[float, float, str, bool]:
    base = np.asarray(baseline, dtype=float)
    m = max(float(base.mean()), 0.5 / max(len(base), 1))
    v = float(base.var(ddof=1)) if len(base) > 1 else m
    if v <= m * 1.0001:
        p = float(stats.poisson.sf(count - 1, m))
        method = "poisson"
    else:
        r = m * m / (v - m)
        p = float(stats.nbinom.sf(count - 1, r, r / (r + m)))
        method = "negbin"
    return m, p, method, bool(p < alpha and count >= min_count)


def detect(series: dict[date, int], alpha: float = 0.01, min_count: int = 3,
           baseline_days: int = 28, min_history: int = 14,
           days: list[date] | None = None) -> list[SpikeTest]:
    """Test each day (or `days`) of a daily series; missing days count as zero."""
    if not series:
        return []
    first, last = min(series), max(series)
    out = []
    for day in days or [first + timedelta(n) for n in range((last - first).days + 1)]:
        start = max(first, day - timedelta(baseline_days))
        history = [series.get(start + timedelta(n), 0) for n in range((day - start).days)]
        if len(history) < min_history:
            continue
        count = series.get(day, 0)
        m, p, method, spike = test_day(count, history, alpha, min_count)
        spread = max(float(np.var(history, ddof=1)) if len(history) > 1 else m, m)
        out.append(SpikeTest(day, count, round(m, 4), p, method, spike,
                             round((count - m) / spread ** 0.5, 3)))
    return out
