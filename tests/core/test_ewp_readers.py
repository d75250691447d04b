"""One reader per EWP published file (forewarn.data.readers): year-bearing columns are found by
pattern, so the next release reads without a code change, and a changed layout is a DataError
naming the file instead of a silent wrong figure."""

from __future__ import annotations

import pandas as pd
import pytest

from forewarn.data import readers
from forewarn.data.errors import DataError

pytestmark = pytest.mark.realdata


def test_final_forecasts_found_by_pattern(raw_dir):
    frame = readers.read_ewp_final(raw_dir / readers.EWP_FINAL)
    year = frame.attrs["origin_year"]
    assert year == int(frame["year"].max())
    assert frame.attrs["risk_column"] == f"risk.{year + 1}and{year + 2}.from{year}"
    assert frame["risk"].between(0, 1).all() and frame["rank"].min() == 1
    assert frame["previous_risk"].notna().mean() > 0.9


def test_next_release_reads_without_code_change(raw_dir, tmp_path):
    """A release one year on: every year in the column names and the year column moves."""
    frame = pd.read_csv(raw_dir / readers.EWP_FINAL)

    def shift(name: str) -> str:
        for pattern in (readers.TWO_YEAR_RISK, readers.TWO_YEAR_RANK):
            m = pattern.match(name)
            if m:
                head = name.split(".")[0]
                return f"{head}.{int(m[1]) + 1}and{int(m[2]) + 1}.from{int(m[3]) + 1}"
        return name

    moved = frame.rename(columns=shift).assign(year=frame["year"] + 1)
    path = tmp_path / "ewp_final_forecasts_next.csv"
    moved.to_csv(path, index=False)
    now = readers.read_ewp_final(raw_dir / readers.EWP_FINAL)
    nxt = readers.read_ewp_final(path)
    assert nxt.attrs["origin_year"] == now.attrs["origin_year"] + 1
    assert nxt["risk"].tolist() == now["risk"].tolist()
    assert nxt["previous_risk"].fillna(-1).tolist() == now["previous_risk"].fillna(-1).tolist()


def test_final_without_the_latest_risk_column_names_the_file(raw_dir, tmp_path):
    frame = pd.read_csv(raw_dir / readers.EWP_FINAL)
    year = int(frame["year"].max())
    path = tmp_path / "ewp_final_renamed.csv"
    frame.drop(columns=[f"risk.{year + 1}and{year + 2}.from{year}"]).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        readers.read_ewp_final(path)
    assert "ewp_final_renamed.csv" in str(err.value)
    assert f"risk.{year + 1}and{year + 2}.from{year}" in str(err.value)


def test_foos_and_coefficients(raw_dir, tmp_path):
    foos = readers.read_ewp_foos(raw_dir / readers.EWP_FOOS)
    scored = foos[foos["maxrisk2"].notna()]
    assert (len(scored), int(scored["mk_onset"].sum())) == (5032, 39)  # as the EWP scores it
    coef = readers.read_ewp_coefficients(raw_dir / readers.EWP_COEFFICIENTS)
    predictors = readers.ewp_predictor_names(raw_dir / readers.EWP_PREDICTORS)
    assert "(Intercept)" in set(coef["variable"])
    assert set(coef["variable"]) - {"(Intercept)"} <= set(predictors) | {"year"}
    path = tmp_path / "ewp_foos_changed.csv"
    foos.drop(columns=["maxrisk2"]).to_csv(path, index=False)
    with pytest.raises(DataError) as err:
        readers.read_ewp_foos(path)
    assert "ewp_foos_changed.csv" in str(err.value) and "maxrisk2" in str(err.value)
