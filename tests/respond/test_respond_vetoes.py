"""Veto record per permanent member, veto likelihood and the GA debate deadline."""

from __future__ import annotations

from datetime import date

import pytest

from forewarn.data.errors import DataError
from forewarn.respond.vetoes import (
    VETO_FILE,
    Veto,
    add_working_days,
    ga_debate_deadline,
    read_vetoes,
    veto_record,
    vetoes_from,
)


def test_deadline_counts_ten_working_days():
    assert ga_debate_deadline(date(2022, 9, 30)) == date(2022, 10, 14)   # Friday -> Friday
    assert ga_debate_deadline(date(2024, 4, 18)) == date(2024, 5, 2)     # Thursday
    assert ga_debate_deadline(date(2023, 12, 9)) == date(2023, 12, 22)   # vote on a Saturday


def test_deadline_skips_holidays():
    plain = ga_debate_deadline(date(2023, 12, 20))
    assert plain == date(2024, 1, 3)
    with_holidays = ga_debate_deadline(date(2023, 12, 20),
                                       frozenset({date(2023, 12, 25), date(2024, 1, 1)}))
    assert with_holidays == date(2024, 1, 5)
    assert add_working_days(date(2024, 1, 5), 0) == date(2024, 1, 5)


def test_record_counts_recorded_vetoes():
    recorded = [Veto(date(2024, 11, 18), "S/2024/826", "", "recorded", ("RUS",))]
    rec = veto_record("SDN", [], since_year=1990, recorded=recorded)
    assert rec.likely and rec.by_member["RUS"] == 1 and rec.latest["RUS"] == "2024-11-18"
    assert not veto_record("SDN", []).likely


@pytest.mark.realdata
def test_permanent_members_record_on_syria_from_real_file(raw_dir):
    vetoes = vetoes_from(raw_dir)
    assert len(vetoes) == 214
    rec = veto_record("SYR", vetoes)
    assert rec.by_member["RUS"] >= 16 and rec.by_member["CHN"] >= 10
    assert rec.by_member["USA"] == 0 and rec.likely
    assert any("RUS" in r for r in rec.reasons)
    # Vetoes whose 0/1 member columns are blank still count (named columns are complete).
    assert veto_record("AFG", vetoes).by_member["RUS"] == 1
    assert not veto_record("NGA", vetoes).likely


@pytest.mark.realdata
def test_bad_veto_file_names_row_and_column(raw_dir, tmp_path):
    text = (raw_dir / VETO_FILE).read_text(encoding="utf-8")
    lines = text.split("\n")
    lines[2] = lines[2].replace("6/18/1946", "18.6.1946")
    bad = tmp_path / "vetoes.csv"
    bad.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(DataError, match=r"vetoes.csv, row 3, column 'date'"):
        read_vetoes(bad)
