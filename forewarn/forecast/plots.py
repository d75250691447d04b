"""Backtest figures, each written as PNG and SVG: the catch plot, the calibration curve, and
risk over time for a country (Forewarn's backtest and forecast beside the EWP's FOOS risks)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

FORMATS = ("png", "svg")
OURS, THEIRS = "#1f5fa8", "#b5651d"


def _save(fig, path_stem: Path) -> dict[str, str]:
    path_stem.parent.mkdir(parents=True, exist_ok=True)
    out = {}
    for ext in FORMATS:
        target = path_stem.with_suffix(f".{ext}")
        fig.savefig(target, dpi=110, bbox_inches="tight",
                    metadata={"Date": None} if ext == "svg" else None)
        out[ext] = str(target)
    plt.close(fig)
    return out


def catch_plot(summary: dict, out_dir: Path) -> dict[str, str]:
    """Onsets whose country was ranked within the top k of its year, for k = 1..60."""
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    for curve, label, color in ((summary["catch_curve"], summary["model"], OURS),
                                (summary["ewp"]["catch_curve"], summary["ewp"]["model"],
                                 THEIRS)):
        ax.step([c["k"] for c in curve], [c["caught"] for c in curve], where="post",
                label=label, color=color)
    ax.axvline(30, color="grey", lw=0.8, ls=":")
    ax.axhline(summary["onsets"], color="grey", lw=0.8)
    ax.set_xlabel("top k of the year's ranking")
    ax.set_ylabel(f"onsets caught (of {summary['onsets']})")
    ax.set_title("Catch: onsets in countries ranked within the top k")
    ax.legend(loc="lower right")
    return _save(fig, out_dir / "catch")


def calibration_plot(summary: dict, out_dir: Path) -> dict[str, str]:
    """Observed onset rate against mean predicted risk per risk band."""
    fig, ax = plt.subplots(figsize=(5.2, 5.0))
    top = 0.0
    for rows, label, color in ((summary["calibration"], summary["model"], OURS),
                               (summary["ewp"]["calibration"], summary["ewp"]["model"],
                                THEIRS)):
        rows = [r for r in rows if r["n"]]
        ax.plot([r["mean_risk"] for r in rows], [r["observed"] for r in rows], "o-",
                color=color, label=label)
        top = max(top, *(r["mean_risk"] for r in rows), *(r["observed"] for r in rows))
    ax.plot([0, top], [0, top], color="grey", lw=0.8, ls=":")
    ax.set_xlabel("mean predicted risk (score of the outcome year)")
    ax.set_ylabel("observed onset rate")
    ax.set_title("Calibration by risk band")
    ax.legend(loc="upper left")
    return _save(fig, out_dir / "calibration")


def country_plot(iso3: str, name: str, history: pd.DataFrame, onsets: list[int],
                 out_dir: Path, ewp: pd.DataFrame | None = None) -> dict[str, str]:
    """Risk by origin year: `history` has year, risk, source ("backtest"/"forecast");
    `ewp` (optional) has year (origin) and risk; onsets are outcome years."""
    fig, ax = plt.subplots(figsize=(6.4, 3.4))
    back = history[history["source"] == "backtest"].sort_values("year")
    ax.plot(back["year"], back["risk"], color=OURS, label="Forewarn (backtest)")
    fc = history[history["source"] == "forecast"]
    if len(fc):
        ax.plot(fc["year"], fc["risk"], "D", color=OURS, label="Forewarn (forecast)")
    if ewp is not None and len(ewp):
        e = ewp.sort_values("year")
        ax.plot(e["year"], e["risk"], color=THEIRS, ls="--", label="EWP (FOOS)")
    for y in onsets:
        ax.axvline(y, color="crimson", lw=0.8, alpha=0.6)
    ax.set_ylabel("risk of onset in T+1 or T+2")
    ax.set_xlabel("origin year T (red lines: onset years)")
    ax.set_title(f"{name} ({iso3})")
    ax.legend(loc="upper left", fontsize=8)
    return _save(fig, out_dir / "countries" / iso3)
