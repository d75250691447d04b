"""Armed-conflict features on a hand-made conflict list, checked against hand-worked values."""

from __future__ import annotations

import numpy as np
import pandas as pd

from forewarn.forecast import features

from .synthetic import ewp_like_panel


def _conflicts() -> pd.DataFrame:
    rows = [  # conflict_id, year, iso3, iso3_b, incompatibility, intensity, type, episode start
        (1, 1988, "AAA", None, "territory", 1, "intrastate", 1988),
        (1, 1989, "AAA", None, "territory", 2, "intrastate", 1988),
        (2, 1989, "AAA", None, "government", 1, "II", 1989),
        (3, 1992, "BBB", "CCC", "territory", 1, "interstate", 1992),
        (1, 1995, "AAA", None, "territory", 1, "intrastate", 1995),
    ]
    cols = ["conflict_id", "year", "iso3", "iso3_b", "incompatibility", "intensity_level",
            "type_of_conflict", "episode_start"]
    return pd.DataFrame(rows, columns=cols)


def _panel() -> pd.DataFrame:
    ewp = ewp_like_panel()
    panel = features.build_panel(features.Sources(ewp=ewp, conflicts=_conflicts()))
    return panel.set_index(["iso3", "year"])


def test_conflict_features_by_hand():
    p = _panel()
    assert p.loc[("AAA", 1989), "acd_civil_n"] == 2
    assert p.loc[("AAA", 1989), ["acd_civil_territory", "acd_civil_government",
                                 "acd_civil_foreign", "acd_civil_war",
                                 "acd_civil_new"]].tolist() == [1, 1, 1, 1, 1]
    assert p.loc[("AAA", 1988), ["acd_civil_war", "acd_civil_new"]].tolist() == [0, 1]
    # Civil-conflict history: 1988 and 1989 in the last ten years of 1994, last one 5 years ago.
    assert p.loc[("AAA", 1994), ["acd_civil_n", "acd_civil_years10",
                                 "acd_years_since_civil"]].tolist() == [0, 2, 5]
    # A recurring episode (new start date) counts as new; both sides of an interstate war.
    assert p.loc[("AAA", 1995), ["acd_civil_new", "acd_civil_years10"]].tolist() == [1, 3]
    assert p.loc[("BBB", 1992), "acd_interstate"] == 1
    assert p.loc[("CCC", 1992), "acd_interstate"] == 1
    assert p.loc[("CCC", 1992), "acd_civil_n"] == 0
    assert p.loc[("CCC", 1990), "acd_years_since_civil"] == 60  # none seen: the cap


def test_years_before_the_dataset_are_unknown():
    p = _panel()
    early = p.loc[p.index.get_level_values("year") < 1988]
    acd = [c for c in p.columns if c.startswith(features.CONFLICT_PREFIX)]
    assert early[acd].isna().all().all() and not p.loc[("AAA", 1990), acd].isna().any()


def test_conflict_features_only_when_asked():
    panel = _panel().reset_index()
    plain = features.feature_columns(panel)
    assert not any(c.startswith("acd_") for c in plain)
    assert {"acd_civil_n", "acd_interstate"} <= set(features.feature_columns(panel,
                                                                              conflicts=True))
    assert np.isfinite(panel["acd_civil_n"].iloc[-1])
