"""Template helpers: the pages' figures drawn from the same data as their JSON twins.

Registered as Jinja globals and filters on the shared template environment, so views return
plain data and the HTML draws from it (the JSON twin never carries markup).
"""

from __future__ import annotations

from markupsafe import Markup

from forewarn.web.charts import Series, bar_rows, fmt_count, fmt_pct, line_chart, nice_ticks
from forewarn.web.country_page import DISPLACEMENT, VIOLENCE
from forewarn.web.sections import section_template


def pct(v, digits: int = 1) -> str:
    """0.0523 → '5.2%'; below 0.1% keeps two decimals so small risks are not shown as 0."""
    if v is None:
        return "–"
    v = float(v) * 100
    if 0 < abs(v) < 0.1:
        return f"{v:.2f}%"
    return f"{v:.{digits}f}%"


def pp(v) -> str:
    """A change in risk in percentage points, with a direction word-sign (not colour alone)."""
    if v is None:
        return "–"
    v = float(v) * 100
    arrow = "▲" if v > 0 else "▼" if v < 0 else "■"
    return f"{arrow} {'+' if v > 0 else '−' if v < 0 else '±'}{abs(v):.2f} pp"


def num(v) -> str:
    if v is None or not isinstance(v, (int, float)):
        return "–" if v is None or v == "" or not str(v) else str(v)
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer() and abs(v) < 1e6):
        return f"{int(v):,}"
    return f"{v:,.3g}" if abs(v) < 1e6 else f"{v:,.0f}"


def risk_figure(country: dict, history: list[dict], forecast: dict | None,
                onsets: list[int]) -> Markup:
    """Risk by origin year, the latest forecast marked, and the country's onsets (those
    within the years shown; earlier ones are named in the description)."""
    name = country["name"]
    points = [(r["year"], r["risk"]) for r in history if r["risk"] is not None]
    fc = forecast or {}
    highlight = []
    if fc.get("risk") is not None and fc.get("year") is not None:
        highlight = [(fc["year"], fc["risk"], f"{fc['year']} forecast: {pct(fc['risk'])}")]
        points = [p for p in points if p[0] != fc["year"]] + [(fc["year"], fc["risk"])]
    first = min((p[0] for p in points), default=None)
    shown = [y for y in onsets if first is None or y >= first]
    years = [p[0] for p in points] + shown
    span = (min(years), max(years)) if years else None
    earlier = [y for y in onsets if y not in shown]
    desc = (f"Estimated risk of a new mass killing starting within two years, by the year of "
            f"the data it was made from, {span[0]}–{span[1]}. " if span else "") + (
        f"Mass-killing onsets: {', '.join(map(str, onsets))}." if onsets
        else "No mass-killing onset in these years.")
    onsets = shown
    if earlier:
        desc += f" Onsets before {first}: {', '.join(map(str, earlier))}."
    return line_chart([Series("Risk", points, highlight=highlight)],
                      title=f"Risk over time: {name}", desc=desc, y_format=fmt_pct,
                      markers=[(y, "onset") for y in onsets], x_range=span,
                      y_label="Risk of onset within 2 years")


def trend_figure(rows: list[dict], columns: dict[str, str], title: str, since: int = 1989
                 ) -> Markup:
    series = []
    for key, label in columns.items():
        pts = [(r["year"], r[key]) for r in rows if r.get(key) is not None and r["year"] >= since]
        if any(v for _, v in pts):
            series.append(Series(label, pts))
    latest = rows[-1]["year"] if rows else None
    desc = f"{title}, {since}–{latest}." if latest else f"{title}: no data."
    if not series:
        return line_chart([], title=title, desc=desc)
    return line_chart(series, title=title, desc=desc, y_format=fmt_count, height=250,
                      width=560)


def drivers_figure(items: list[dict], title: str, limit: int = 12) -> Markup:
    top = items[:limit]
    desc = "; ".join(f"{d['label']}: {d['contribution']:+.3f}" for d in top)
    return bar_rows([(d["label"], d["contribution"]) for d in top], title=title, desc=desc,
                    value_format=lambda v: f"{v:+.2f}")


def catch_figure(curves: dict[str, list[dict]]) -> Markup:
    series = [Series(name, [(r["k"], r["caught"]) for r in rows])
              for name, rows in curves.items() if rows]
    total = ", ".join(f"{s.name}: {dict(s.points).get(30, '?')} in the top 30"
                      for s in series)
    return line_chart(series, title="Catch plot: onsets caught by the top-k of each year",
                      desc=f"Onsets whose country ranked within the top k of its year, for k "
                      f"from 1 to 60. {total}.", y_format=lambda v: f"{v:.0f}",
                      x_label="k (top-k countries of each year)", y_label="Onsets caught",
                      markers=[(30, "top 30")])


def calibration_figure(tables: dict[str, list[dict]]) -> Markup:
    series = [Series(name, [(r["mean_risk"], r["observed"]) for r in rows
                            if r.get("n") and r.get("mean_risk") is not None])
              for name, rows in tables.items()]
    top = max([max(x, y) for s in series for x, y in s.points] or [0.1])
    top = nice_ticks(0, top, 4)[-1]  # same scale on both axes, so the diagonal is y = x
    return line_chart(series, title="Calibration: predicted risk against observed onset rate",
                      desc="Each point is a risk band: its mean predicted risk (x) and the "
                      "share of its country-years where an onset followed (y). Points on the "
                      "diagonal are perfectly calibrated.", y_format=fmt_pct, x_format=fmt_pct,
                      x_range=(0, top), y_max=top, diagonal=True, width=480, height=380,
                      css_class="square",
                      x_label="Mean predicted risk", y_label="Observed onset rate")


def by_year(rows: list[dict]) -> dict[int, dict]:
    return {r["year"]: r for r in rows}


def install(env) -> None:
    env.globals.update(by_year=by_year, violence_columns=VIOLENCE,
                       displacement_columns=DISPLACEMENT, risk_figure=risk_figure,
                       trend_figure=trend_figure,
                       drivers_figure=drivers_figure, catch_figure=catch_figure,
                       calibration_figure=calibration_figure, section_template=section_template)
    env.filters.update(pct=pct, pp=pp, num=num, short=fmt_count)
