"""Treaty status from the real files and profiles built from the real panel."""

from __future__ import annotations

import pytest

from forewarn.respond.planner import plan
from forewarn.respond.profile import profile_for_country
from forewarn.respond.treaties import hr_status, treaty_status

pytestmark = pytest.mark.realdata


def test_hr_status_files_map_to_iso3(raw_dir):
    status = hr_status(raw_dir)
    assert len(status) == 18 and all(len(v) == 193 for v in status.values())
    assert status["cat"]["TLS"]["party"]            # source code TP (old ISO code)
    assert "SSD" in status["op_crc_ic"]             # source code 'S', resolved by name
    assert not status["cat"]["MMR"]["party"]


def test_treaty_status_combines_catalogue_and_files(raw_dir):
    mmr = treaty_status("MMR", raw_dir)
    assert mmr.genocide_party and not mmr.icc_party and not mmr.icc_jurisdiction
    assert mmr.hr_party("icerd") is False and mmr.hr_party("crc") is True
    assert any(o["id"] == "icj-gmb-mmr-2020" for o in mmr.icj_orders)
    bgd = treaty_status("BGD", raw_dir)
    assert bgd.icc_party and bgd.genocide_art_ix_reservation
    assert treaty_status("RUS", raw_dir).outstanding_icc_warrants == ["icc-putin"]


def test_profile_for_myanmar_from_real_data(raw_dir):
    p = profile_for_country(raw_dir, "mmr")
    assert p.iso3 == "MMR" and p.phase == "ongoing_atrocities" and p.state_role == "perpetrator"
    assert "phase" in p.inferred and "state_role" in p.inferred
    assert p.risk is not None and p.risk > 0.05 and p.armed_conflict
    assert p.veto_likely and p.genocide_party
    # Not a party, but the ICC investigates the Bangladesh/Myanmar situation (ICC-01/19,
    # deportation completed on a party's territory): the registry's icc_situation fact.
    assert p.icc_jurisdiction and "ICC-01/19" in p.icc_basis
    assert "ASEAN" in p.memberships
    result = plan(p)
    assert result["council_route"]["status"] == "blocked"
    assert "icj_proceedings" in [o["tool_id"] for o in result["options"]]


def test_analyst_choices_override_inference(raw_dir):
    p = profile_for_country(raw_dir, "GHA", phase="latent_risk", state_role="willing_unable")
    assert p.phase == "latent_risk" and p.inferred == {}
    assert p.veto_likely is False and {"AU", "ECOWAS"} <= set(p.memberships)
    result = plan(p)
    assert result["options"][0]["tool_id"] in ("capacity_building", "preventive_diplomacy")
