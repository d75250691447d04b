"""Each country's treaty obligations: the human-rights treaty status files (real data,
treaties/hr_status_*.csv, keyed by ISO2) and the catalogue lists of Genocide Convention, Rome
Statute and Geneva Conventions parties."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pycountry

from forewarn.data.errors import DataError
from forewarn.data.tabular import read_table
from forewarn.respond.catalog import load_court_orders, load_treaty_parties

HR_DIR = "treaties"
HR_PATTERN = re.compile(r"^hr_status_([a-z0-9_]+)\.csv$")
HR_SCHEMA = {"iso2": "str", "member": "str", "state party": "int",
             "year ratification or accession": "int?", "signatory": "int?", "status": "str"}
HR_NAMES = {
    "cat": "Convention against Torture", "cedaw": "CEDAW",
    "cped": "Convention on Enforced Disappearance",
    "crc": "Convention on the Rights of the Child", "crpd": "CRPD", "iccpr": "ICCPR",
    "iccpr_op1": "ICCPR Optional Protocol 1 (individual complaints)",
    "iccpr_op2": "ICCPR Second Optional Protocol (death penalty)",
    "icerd": "ICERD (racial discrimination)",
    "icescr": "ICESCR", "icescr_op": "ICESCR Optional Protocol",
    "icmw": "Migrant Workers Convention",
    "op_cedaw": "CEDAW Optional Protocol",
    "op_crc_ac": "CRC Protocol on children in armed conflict",
    "op_crc_ic": "CRC Protocol on communications", "op_crc_sc": "CRC Protocol on sale of children",
    "op_crpd": "CRPD Optional Protocol", "opcat": "Optional Protocol to CAT",
}
HR_SOURCE = ("World Politics Data Lab, humanrights-treaties-ratification-status (from the UN "
             "Treaty Collection), as of about August 2022")


def _iso3(iso2: str, member: str, fixes: dict[str, str], file: str, row: int) -> str:
    if iso2 in fixes:
        return fixes[iso2]
    c = pycountry.countries.get(alpha_2=iso2)
    if c is None:  # a mistyped code in the source: fall back to the member's name
        try:
            c = pycountry.countries.lookup(member)
        except LookupError:
            raise DataError(file, f"unknown ISO2 code '{iso2}' for '{member}'", row=row,
                            column="iso2") from None
    return c.alpha_3


def _flag(v) -> bool:
    return bool(v) if v is not None and v == v else False  # v == v is False for NaN


def read_hr_status(path: Path) -> dict[str, dict]:
    """One hr_status file → {iso3: {party, year, status}}."""
    path = Path(path)
    frame = read_table(path, HR_SCHEMA)
    fixes = load_treaty_parties()["_code_fixes"]
    out: dict[str, dict] = {}
    for r in frame.to_dict("records"):
        iso3 = _iso3(r["iso2"].strip(), r["member"], fixes, path.name, int(r["_row"]))
        if iso3 in out:
            raise DataError(path.name, f"duplicate country {iso3}", row=int(r["_row"]),
                            column="iso2")
        year = r["year ratification or accession"]
        out[iso3] = {"party": bool(r["state party"]), "signatory": _flag(r["signatory"]),
                     "year": None if year is None or year != year else int(year),
                     "status": r["status"]}
    return out


@lru_cache
def hr_status(raw_dir: Path) -> dict[str, dict[str, dict]]:
    """Every hr_status file under raw_dir/treaties → {treaty: {iso3: status}}."""
    folder = Path(raw_dir) / HR_DIR
    files = sorted(p for p in folder.glob("hr_status_*.csv") if HR_PATTERN.match(p.name))
    return {HR_PATTERN.match(p.name).group(1): read_hr_status(p) for p in files}


@dataclass
class TreatyStatus:
    iso3: str
    genocide_party: bool
    genocide_art_ix_reservation: bool
    icc_party: bool
    icc_withdrawn: str | None
    icc_pending_withdrawal: str | None
    icc_art12_3: str | None
    geneva_party: bool
    hr: dict[str, dict] = field(default_factory=dict)
    outstanding_icc_warrants: list[str] = field(default_factory=list)
    icj_orders: list[dict] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def icc_jurisdiction(self) -> bool:
        """Territorial/nationality jurisdiction without the Council: a party, or an Art. 12(3)
        declaration. (A former party remains under jurisdiction for its party years.)"""
        return self.icc_party or self.icc_art12_3 is not None

    def hr_party(self, treaty: str) -> bool | None:
        entry = self.hr.get(treaty)
        return None if entry is None else entry["party"]

    def as_dict(self) -> dict:
        return {"iso3": self.iso3, "genocide_party": self.genocide_party,
                "genocide_art_ix_reservation": self.genocide_art_ix_reservation,
                "icc_party": self.icc_party, "icc_jurisdiction": self.icc_jurisdiction,
                "icc_withdrawn": self.icc_withdrawn,
                "icc_pending_withdrawal": self.icc_pending_withdrawal,
                "icc_art12_3": self.icc_art12_3, "geneva_party": self.geneva_party,
                "human_rights_treaties": {k: {**v, "name": HR_NAMES.get(k, k)}
                                          for k, v in self.hr.items()},
                "outstanding_icc_warrants": self.outstanding_icc_warrants,
                "icj_orders": self.icj_orders, "sources": self.sources}


def treaty_status(iso3: str, raw_dir: Path | None = None) -> TreatyStatus:
    """What binds ISO3: the catalogue party lists, plus the real hr_status files in raw_dir."""
    t = load_treaty_parties()
    geno, rome, gc = t["genocide"], t["rome_statute"], t["geneva_conventions"]
    hr: dict[str, dict] = {}
    sources = [geno["source"], rome["source"], gc["source"]]
    if raw_dir is not None and (Path(raw_dir) / HR_DIR).is_dir():
        hr = {k: v[iso3] for k, v in hr_status(Path(raw_dir)).items() if iso3 in v}
        if hr:
            sources.append(HR_SOURCE)
    orders = [o for o in load_court_orders() if o["respondent"] == iso3]
    return TreatyStatus(
        iso3=iso3, genocide_party=iso3 in geno["parties"],
        genocide_art_ix_reservation=iso3 in geno.get("art_ix_reservations", []),
        icc_party=iso3 in rome["parties"],
        icc_withdrawn=(rome.get("withdrawn") or {}).get(iso3),
        icc_pending_withdrawal=(rome.get("pending_withdrawal") or {}).get(iso3),
        icc_art12_3=(rome.get("article_12_3") or {}).get(iso3),
        geneva_party=iso3 in gc["parties"], hr=hr,
        outstanding_icc_warrants=[o["id"] for o in orders
                                  if o["court"] == "ICC" and o["compliance"] == "outstanding"],
        icj_orders=[{"id": o["id"], "date": o["date"], "compliance": o["compliance"]}
                    for o in orders if o["court"] == "ICJ"],
        sources=sources)
