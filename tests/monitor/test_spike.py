"""The spike detector on constructed series."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np

from forewarn.monitor import spike

D0 = date(2024, 1, 1)


def _series(counts) -> dict[date, int]:
    return {D0 + timedelta(i): int(c) for i, c in enumerate(counts)}


def test_injected_spike_in_poisson_series_is_found_and_only_it():
    counts = np.random.default_rng(7).poisson(5, 90)
    counts[70] = 22
    found = [t for t in spike.detect(_series(counts)) if t.spike]
    assert [t.day for t in found] == [D0 + timedelta(70)]
    assert found[0].expected == np.round(counts[42:70].mean(), 4)
    assert found[0].p_value < 1e-5


def test_stationary_series_rarely_alerts():
    rng = np.random.default_rng(11)
    alerts = sum(t.spike for _ in range(5) for t in spike.detect(_series(rng.poisson(6, 120))))
    tested = 5 * (120 - 14)
    assert alerts <= 0.02 * tested  # alpha = 0.01


def test_bursty_series_uses_negative_binomial_and_is_more_cautious():
    rng = np.random.default_rng(3)
    bursty = rng.negative_binomial(1, 1 / 6, 60)  # mean 5, variance 30
    m, p_nb, method, _ = spike.test_day(18, bursty)
    assert method == "negbin"
    _, p_poisson, _, _ = spike.test_day(18, np.full(28, round(m)))
    assert p_nb > p_poisson


def test_min_count_and_history_rules():
    quiet = _series([0] * 30 + [2])
    (last,) = [t for t in spike.detect(quiet) if t.day == D0 + timedelta(30)]
    assert last.p_value < 0.01 and not last.spike  # significant, but below min_count 3
    assert spike.detect(_series([0] * 30 + [3]))[-1].spike
    assert spike.detect(_series([1] * 10 + [50])) == []  # too little history to judge


def test_missing_days_count_as_zero():
    series = {D0: 1, D0 + timedelta(29): 9}
    (t,) = spike.detect(series, days=[D0 + timedelta(29)])
    assert t.expected < 0.1 and t.spike
