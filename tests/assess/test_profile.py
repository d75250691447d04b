"""The documented profile rule, checked by hand on small examples."""

from forewarn.assess.catalog import base_framework
from forewarn.assess.profile import compute_profile
from forewarn.assess.ratings import Content, completeness_problems, diff, normalise

FW = base_framework()


def r(indicator, rating, trend=None, confidence="high"):
    return {"indicator": indicator, "rating": rating, "trend": trend, "confidence": confidence}


def factors(ratings):
    return {f["id"]: f for f in compute_profile(FW, ratings)["factors"]}


def test_factor_level_score_trend_and_confidence():
    f = factors([r("RF1.1", "serious", "worsening"), r("RF1.2", "absent", "improving"),
                 r("RF1.3", "present", "worsening", "low"), r("RF1.4", "not_assessed")])["RF1"]
    assert f["level"] == "serious"               # highest rating
    assert f["score"] == round(100 * 3 / 6, 1)   # (2 + 0 + 1) / (2 × 3 assessed)
    assert (f["assessed"], f["indicators"], f["coverage"]) == (3, 11, round(3 / 11, 3))
    assert f["trend"] == "worsening"             # two worsen, one improves
    assert f["confidence"] == "low"              # the lowest
    assert factors([])["RF1"]["level"] == "not_assessed"


def _shown(view):
    """The level the rule gives from what is assessed (before the coverage minimum)."""
    return view["provisional_level"] or view["level"]


def test_views_follow_the_rule():
    # A crime-specific factor serious → that crime's view is serious.
    views = compute_profile(FW, [r("RF10.2", "serious"), r("RF1.1", "absent")])["views"]
    assert _shown(views["genocide"]) == "serious"
    assert _shown(views["war_crimes"]) == "absent"  # RF10 is not in the war-crimes view
    assert views["crimes_against_humanity"]["score"] == 0.0
    # Common factors: half of the assessed factors serious → serious; else present.
    half = compute_profile(FW, [r("RF1.1", "serious"), r("RF2.1", "present")])["views"]
    assert _shown(half["all"]) == "serious"
    third = compute_profile(FW, [r("RF1.1", "serious"), r("RF2.1", "present"),
                                 r("RF3.1", "absent")])["views"]
    assert _shown(third["all"]) == "present" and third["all"]["score"] == 50.0
    assert compute_profile(FW, [])["views"]["all"]["level"] == "not_assessed"


def test_no_crime_label_below_minimum_coverage():
    # The Ethiopia: one serious RF9 indicator, RF10 absent, three factors in all.
    few = [r("RF9.1", "serious"), r("RF10.1", "absent"), r("RF1.1", "present")]
    views = compute_profile(FW, few)["views"]
    for key in ("all", "genocide", "war_crimes", "crimes_against_humanity"):
        assert views[key]["level"] == "insufficient", key
    assert views["genocide"]["provisional_level"] == "serious"
    assert views["genocide"]["assessed_ids"] == ["RF1", "RF9", "RF10"]  # only those assessed
    assert "3 of 10 factors assessed, 5 needed" in views["genocide"]["reason"]
    assert "RF13, RF14 not assessed" in views["war_crimes"]["reason"]
    # Enough common factors and both genocide-specific ones: the label is given.
    enough = few + [r(f"RF{n}.1", "absent") for n in (2, 3, 4)]
    views = compute_profile(FW, enough)["views"]
    assert views["genocide"]["level"] == "serious"
    assert views["genocide"]["coverage"] == 0.6
    assert views["war_crimes"]["level"] == "insufficient"  # RF13/RF14 still unknown
    assert views["all"]["level"] == "insufficient"  # 6 of 14 < 7


def test_the_coverage_rule_is_data_and_is_shown():
    from forewarn.assess.profile import RULE_TEXT, minimum_coverage

    rule = minimum_coverage()
    assert rule["war_crimes"]["required"] == ["RF13", "RF14"]
    assert any("War crimes: 5 of 10 factors assessed, including RF13 and RF14" in line
               for line in RULE_TEXT)


def test_normalise_sorts_and_completeness_lists_gaps():
    c = normalise(Content(ratings=[r("RF9.1", "present"), r("RF1.10", "absent"),
                                   r("RF1.2", "serious"), {"indicator": "RF3.1"}]), FW)
    assert [x.indicator for x in c.ratings] == ["RF1.2", "RF1.10", "RF9.1"]
    problems = completeness_problems(c)
    assert "RF1.2: give a rationale" in problems and "RF1.10: give a rationale" not in problems
    assert completeness_problems(Content()) == ["rate at least one indicator"]


def test_diff_names_every_changed_field():
    a = {"status": "draft", "summary": "s",
         "ratings": [r("RF1.1", "present"), r("RF2.1", "absent")]}
    b = {"status": "in_review", "summary": "s", "ratings": [r("RF1.1", "serious", "worsening")]}
    d = diff(a, b)
    assert d["fields"] == {"status": {"from": "draft", "to": "in_review"}}
    changed = {c["indicator"]: c for c in d["ratings"]}
    assert set(changed["RF1.1"]["fields"]) == {"rating", "trend"}
    assert changed["RF2.1"]["change"] == "removed"
    assert not diff(a, a)["changed"]
