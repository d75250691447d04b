"""Issue 25's feature sets, the Goldsmith metric and the other onset labels, on small frames
whose answers can be worked out by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from forewarn.forecast import labels, metrics, predictor_sets


def _base(years, iso3=("SDN", "MLI")):
    return pd.DataFrame([(i, y) for y in years for i in iso3], columns=["iso3", "year"])


def _frame(rows, columns, last_year):
    frame = pd.DataFrame(rows, columns=columns)
    frame.attrs["last_year"] = last_year
    return frame


def test_a_source_that_stops_is_missing_afterwards_not_carried_forward():
    base = _base(range(2018, 2025))
    pts = _frame([("SDN", y, 5.0, None, 4.0) for y in (2018, 2019, 2020, 2021)]
                 + [("MLI", y, 3.0, None, 3.0) for y in (2018, 2019, 2020, 2021)],
                 ["iso3", "year", "pts_a", "pts_h", "pts_s"], 2021)
    out = predictor_sets.pts_features(base, pts)
    sdn = out[base["iso3"].eq("SDN").to_numpy()].set_axis(range(2018, 2025))
    assert sdn.loc[2021, "pts_max"] == 5.0 and sdn.loc[2021, "pts_mean"] == 4.5
    assert sdn.loc[2019, "pts_max_chg"] == 0.0 and np.isnan(sdn.loc[2018, "pts_max_chg"])
    assert sdn.loc[2022:2024].isna().all().all()  # 2021's values are not carried forward


def test_tmk_history_looks_backwards_only():
    base = _base(range(2010, 2023), ("SDN",))
    tmk = _frame([("SDN", y, int(y in (2012, 2013, 2016))) for y in range(2005, 2021)],
                 ["iso3", "year", "tmk"], 2020)
    out = predictor_sets.tmk_features(base, tmk).set_axis(range(2010, 2023))
    assert out.loc[2012, "tmk_new"] == 1 and out.loc[2013, "tmk_new"] == 0
    assert out.loc[2011, "tmk_years_since"] == predictor_sets.HISTORY_CAP  # 2012 not yet known
    assert out.loc[2015, "tmk_years_since"] == 2 and out.loc[2016, "tmk_years_since"] == 0
    assert out.loc[2016, "tmk_years10"] == 3
    assert out.loc[[2021, 2022]].isna().all().all()


def test_navco_campaigns_count_while_going_and_zero_is_no_campaign():
    base = _base(range(2015, 2022), ("SDN",))
    navco = _frame([("SDN", 2018, 2019, 0, 1, 0)],
                   ["iso3", "start_year", "end_year", "viol", "nonviol", "secession"], 2019)
    out = predictor_sets.navco_features(base, navco).set_axis(range(2015, 2022))
    assert out["navco_nonviolent"].tolist()[:5] == [0, 0, 0, 1, 1]
    assert out.loc[2018, "navco_new"] == 1 and out.loc[2019, "navco_new"] == 0
    assert out.loc[[2020, 2021]].isna().all().all()


def test_reign_family_change_and_age():
    base = _base([2018, 2019, 2020, 2021], ("SDN",))
    reign = _frame([("SDN", 2018, "military", 1989, 1), ("SDN", 2019, "military", 2019, 2),
                    ("SDN", 2020, "military", 2019, 1)],
                   ["iso3", "year", "regime_family", "start_year", "regime_spells"], 2020)
    out = predictor_sets.reign_features(base, reign).set_axis([2018, 2019, 2020, 2021])
    assert out.loc[2019, "reign_military"] == 1 and out.loc[2019, "reign_democracy"] == 0
    assert out.loc[2019, "reign_changed"] == 1 and out.loc[2020, "reign_changed"] == 0
    assert out.loc[2018, "reign_age_log2"] == pytest.approx(np.log2(30))
    assert out.loc[2021].isna().all()


def test_goldsmith_share_counts_onsets_in_each_years_top_five_percent():
    years = np.repeat([2000, 2001], 40)  # 40 countries a year: the top 5% is the top 2
    cuts = metrics.year_cutoffs(years)
    assert set(cuts) == {2}
    y = np.zeros(80, dtype=int)
    rank = np.tile(np.arange(1, 41), 2)
    y[[0, 2, 41]] = 1  # ranks 1 and 3 in 2000, rank 2 in 2001
    assert metrics.top_share_caught(y, rank, cuts) == pytest.approx(2 / 3)
    boot = metrics.bootstrap_top_share(y, {"a": (rank, cuts), "b": (rank[::-1], cuts)}, n=50)
    lo, hi = boot["interval"]["a"]
    assert 0 <= lo <= 2 / 3 <= hi <= 1 and boot["p_better"]["b"] > 0.5


def test_other_labels_mark_new_episodes_only_where_covered():
    tmk = pd.DataFrame({"iso3": "SDN", "year": range(2015, 2021),
                        "tmk": [0, 1, 1, 0, 1, 0]})
    on = labels.tmk_onsets(tmk).set_index("year")["onset"]
    assert on.to_dict() == {2016: 1, 2017: 0, 2018: 0, 2019: 1, 2020: 0}  # 2015: no year before
    ucdp = pd.DataFrame({"iso3": "SDN", "year": [2013, 2014, 2015],
                         "one_sided_deaths": [50.0, 1200.0, 3000.0]})
    assert labels.ucdp_one_sided_onsets(ucdp)["onset"].tolist() == [1, 0]
    scored = pd.DataFrame({"year": [2016, 2021], "ccode": [625, 625], "mk_onset": [0, 0],
                           "risk": [0.1, 0.2], "rank": [5, 3]})
    relabelled = labels.relabel(scored, labels.tmk_onsets(tmk))
    assert relabelled[["year", "mk_onset"]].values.tolist() == [[2016, 1]]  # 2021: not covered


def test_with_label_trains_only_where_the_label_covers_both_next_years():
    panel = pd.DataFrame({"iso3": "SDN", "year": range(2015, 2022), "mk_onset": 0,
                          "onset_1or2": 0.0, "x": range(7)})
    onsets = pd.DataFrame({"iso3": "SDN", "year": range(2016, 2021),
                           "onset": [1, 0, 0, 1, 0]})
    out = labels.with_label(panel, onsets).set_index("year")
    assert out.loc[2015, "onset_1or2"] == 1 and out.loc[2016, "onset_1or2"] == 0
    assert out.loc[2017, "onset_1or2"] == 1 and out.loc[2018, "onset_1or2"] == 1
    assert out.loc[[2019, 2020, 2021], "onset_1or2"].isna().all()  # 2021+ not covered
    assert np.isnan(out.loc[2015, "mk_onset"]) and out.loc[2016, "mk_onset"] == 1
    assert out["x"].tolist() == list(range(7))
