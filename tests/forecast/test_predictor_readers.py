"""The readers of issue 25's sources on small fixtures: what they return, and a named error
(file, row, column) for each kind of bad input."""

from __future__ import annotations

import pandas as pd
import pyreadr
import pytest

from forewarn.data import readers
from forewarn.data.errors import DataError

PTS_HEAD = ("Country,Country_OLD,Year,COW_Code_A,COW_Code_N,WordBank_Code_A,UN_Code_N,Region,"
            "PTS_A,PTS_H,PTS_S,NA_Status_A,NA_Status_H,NA_Status_S\n")


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_pts_maps_codes_merges_successor_entries_and_drops_unscored_rows(tmp_path):
    path = _write(tmp_path, "pts.csv", PTS_HEAD + (
        "Sudan,Sudan,2020,SDN,625,SDN,729,ssa,5,NA,4,0,88,0\n"
        "Sudan,Sudan,2021,SDN,625,SDN,729,ssa,4,NA,5,0,88,0\n"
        '"Yugoslavia, SFR",Yugoslavia,1991,YUG,345,YUG,NA,eca,4,NA,5,0,88,0\n'
        '"Yugoslavia, FR",Yugoslavia,1991,YUG,345,YUG,NA,eca,3,NA,5,0,99,0\n'
        '"Yugoslavia, FR",Yugoslavia,1976,YUG,345,YUG,NA,eca,NA,NA,NA,77,77,77\n'
        "Crimea,Crimea,2020,NA,NA,NA,NA,eca,4,NA,NA,0,88,88\n"
        "Tonga,Tonga,2020,TON,955,TON,776,eap,1,NA,1,0,88,0\n"))
    frame = readers.read_pts(path)
    assert frame.attrs["last_year"] == 2021
    assert list(zip(frame["iso3"], frame["year"], strict=True)) == [
        ("SDN", 2020), ("SDN", 2021), ("SRB", 1991)]
    assert frame.loc[frame["iso3"] == "SRB", "pts_a"].item() == 4  # the worse of the two


@pytest.mark.parametrize("row, column, message", [
    ("Sudan,Sudan,2020,SDN,625,SDN,729,ssa,6,NA,4,0,88,0\n", "pts_a", "outside"),
    ("Sudan,Sudan,2020,SDN,99999,SDN,729,ssa,3,NA,4,0,88,0\n", "COW_Code_N", "unknown"),
    ("Sudan,Sudan,twenty,SDN,625,SDN,729,ssa,3,NA,4,0,88,0\n", "Year", "bad value"),
])
def test_pts_bad_values_are_named(tmp_path, row, column, message):
    path = _write(tmp_path, "pts.csv", PTS_HEAD + row)
    with pytest.raises(DataError) as err:
        readers.read_pts(path)
    assert err.value.row == 2 and err.value.column == column and message in str(err.value)
    assert err.value.file == "pts.csv"


def test_pts_same_entry_twice_is_an_error(tmp_path):
    row = "Sudan,Sudan,2020,SDN,625,SDN,729,ssa,5,NA,4,0,88,0\n"
    with pytest.raises(DataError, match="duplicated") as err:
        readers.read_pts(_write(tmp_path, "pts.csv", PTS_HEAD + row + row))
    assert err.value.row == 3


def test_cirights_reads_bom_and_checks_ranges(tmp_path):
    head = ("\ufeffcountry,year,cow,physint_sum,kill,disap,tort,polpris,bbatrocity,"
            "bbatrocity_intensity\n")
    frame = readers.read_cirights(_write(tmp_path, "cir.csv",
                                         head + "Sudan,2020,625,3,1,1,0,1,1,1\n"))
    assert frame.iloc[0][["iso3", "year", "physint_sum"]].tolist() == ["SDN", 2020, 3]
    with pytest.raises(DataError, match="outside") as err:
        readers.read_cirights(_write(tmp_path, "cir.csv", head + "Sudan,2020,625,9,1,1,0,1,1,1\n"))
    assert err.value.column == "physint_sum"


def test_tmk_and_lhrs(tmp_path):
    tmk = readers.read_tmk(_write(tmp_path, "tmk.csv",
                                  '"ccode","year","tmk"\n625,2019,1\n625,2020,0\n'))
    assert tmk.attrs["last_year"] == 2020 and tmk["tmk"].tolist() == [1, 0]
    with pytest.raises(DataError) as err:
        readers.read_tmk(_write(tmp_path, "tmk.csv", '"ccode","year","tmk"\n625,2019,2\n'))
    assert (err.value.row, err.value.column) == (2, "tmk")
    lhrs = readers.read_lhrs(_write(tmp_path, "lhrs.csv",
                                    '"YEAR","COW","theta_mean","theta_sd"\n2021,625,-1.8,0.2\n'))
    assert lhrs.iloc[0]["iso3"] == "SDN" and lhrs.attrs["last_year"] == 2021
    with pytest.raises(DataError, match="missing value") as err:
        readers.read_lhrs(_write(tmp_path, "lhrs.csv",
                                 '"YEAR","COW","theta_mean","theta_sd"\n2021,625,NA,0.2\n'))
    assert err.value.column == "theta_mean"


COUP_HEAD = ("ccode\tabbrev\tcountry\tyear\tccode_gw\tccode_polity\tcoup1\tcoup2\tcoup3\tcoup4\t"
             "date1\tdate2\tdate3\tdate4\tversion\n")


def _coup(ccode, year, c1, c2=0, version="V2024.01.29"):
    return f'{ccode}\t"X"\t"X"\t{year}\t\t\t{c1}\t{c2}\t0\t0\t\t\t\t\t"{version}"\r\n'


def test_coups_last_complete_year_and_merged_codes(tmp_path):
    path = _write(tmp_path, "coups.txt", COUP_HEAD + _coup(625, 2023, 1) + _coup(625, 2024, 0)
                  + _coup(345, 2006, 2) + _coup(340, 2006, 1, 1))
    frame = readers.read_coups(path)
    assert frame.attrs["last_year"] == 2023  # a version of 29 January 2024 covers 2023 only
    srb = frame[frame["iso3"] == "SRB"].iloc[0]
    assert (srb["coups_failed"], srb["coups_successful"]) == (2, 1)
    with pytest.raises(DataError, match="versions"):
        readers.read_coups(_write(tmp_path, "coups.txt", COUP_HEAD + _coup(625, 2023, 1)
                                  + _coup(625, 2022, 0, version="V2023.09.08")))
    with pytest.raises(DataError, match="fields") as err:
        readers.read_coups(_write(tmp_path, "coups.txt", COUP_HEAD + "625\t\"X\"\n"))
    assert err.value.row == 2


NAVCO_HEAD = ("NAVCOID\tCAMPAIGN\tLOCATION\tBYEAR\tEYEAR\tTARGET\tSUCCESS\tLIMITED\tFAILURE\t"
              "ONGOING\tVIOL\tNONVIOL\tFSELFDET\tREGCHANGE\tSECESSION\tOTHER\n")


def _campaign(i, name, loc, b, e, viol=1):
    return (f'{i}.0\t"{name}"\t"{loc}"\t{b}.0\t{e}.0\t"t"\t0.0\t0.0\t1.0\t0.0\t{viol}.0\t'
            f'{1 - viol}.0\t0.0\t1.0\t0.0\t0.0\n')


def test_navco_locations_by_name_and_alias(tmp_path):
    path = _write(tmp_path, "navco.tab", NAVCO_HEAD + _campaign(1, "A", "Sudan", 2018, 2019)
                  + _campaign(1, "B", "Burma", 1948, 1994) + _campaign(2, "C", "Aruba", 1977, 1977)
                  + _campaign(3, "D", "Prussia", 1848, 1849))
    frame = readers.read_navco(path)
    assert frame.attrs["last_year"] == 2019
    assert sorted(frame["iso3"]) == ["MMR", "SDN"]  # Aruba: outside the registry; Prussia: old
    with pytest.raises(DataError, match="unknown location 'Atlantis'") as err:
        readers.read_navco(_write(tmp_path, "navco.tab", NAVCO_HEAD
                                  + _campaign(1, "A", "Atlantis", 2000, 2001)))
    assert (err.value.row, err.value.column) == (2, "LOCATION")
    with pytest.raises(DataError, match="ends before"):
        readers.read_navco(_write(tmp_path, "navco.tab", NAVCO_HEAD
                                  + _campaign(1, "A", "Sudan", 2001, 2000)))


def _reign(rows):
    return pd.DataFrame(rows, columns=["cown", "year", "gwf_regimetype", "Start"])


def test_reign_keeps_the_regime_at_year_end_and_counts_changes(tmp_path):
    path = tmp_path / "reign.rda"
    rows = [(625, y, "military", "1989-06-30") for y in range(1989, 2020)]
    rows += [(625, 2019, "provisional military", "2019-04-11"),
             (625, 2020, "provisional military", "2019-04-11"),
             (625, 2021, "provisional military", "2019-04-11")]
    rows += [(700, y, "personal", "1996-09-27") for y in range(1996, 2021)]
    pyreadr.write_rdata(str(path), _reign(rows), df_name="REIGN")
    frame = readers.read_reign(path)
    sdn = frame[frame["iso3"] == "SDN"].set_index("year")
    assert sdn.loc[2019, "gwf_regimetype"] == "provisional military"
    assert sdn.loc[2019, "regime_spells"] == 2 and sdn.loc[2018, "regime_spells"] == 1
    assert frame.attrs["last_year"] == 2020  # 2021 lists only one of the two countries
    pyreadr.write_rdata(str(path), _reign([(625, 2000, "theocracy", "1989-06-30")]),
                        df_name="REIGN")
    with pytest.raises(DataError, match="unknown regime type") as err:
        readers.read_reign(path)
    assert (err.value.row, err.value.column) == (1, "gwf_regimetype")
    pyreadr.write_rdata(str(path), _reign([(625, 2000, "military", "1989-06-30")]),
                        df_name="OTHER")
    with pytest.raises(DataError, match="no object 'REIGN'"):
        readers.read_reign(path)
