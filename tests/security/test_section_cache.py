"""Country sections that declare `class_cache` are built once per permission set: readers of
the same class share the result, other classes never see it, and a write drops it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from forewarn.security import for_role, set_principal
from forewarn.web import sections


def test_class_cache_is_per_permission_set_and_dropped_on_write(engine):
    calls = []

    def build(session, country):
        who = session.info["principal"]
        calls.append(who.role)
        return {"levels": [lvl.value for lvl in who.levels]}

    sections.COUNTRY_SECTIONS["_probe"] = sections.CountrySection(
        "_probe", "Probe", "sections/reserved.html", build, 999, class_cache=True)
    try:
        def run(role, user_id):
            with Session(engine) as s:
                set_principal(s, for_role(role, f"{role}{user_id}", user_id))
                got = [x for x in sections.build_sections(s, {"iso3": "ZZZ"})
                       if x["key"] == "_probe"]
                return got[0]["data"]

        first = run("analyst", 1)
        assert run("analyst", 2) == first and calls == ["analyst"]  # shared within the class
        viewer = run("viewer", 3)
        assert viewer == {"levels": ["public", "internal"]} and calls[-1] == "viewer"
        assert "restricted" in first["levels"]
        with Session(engine) as s:  # any write in this process drops the cached results
            from forewarn.security.audit import record

            record(s, "test", "edit", "probe", 1)
            s.commit()
        run("analyst", 1)
        assert calls.count("analyst") == 2
    finally:
        del sections.COUNTRY_SECTIONS["_probe"]
        sections._by_class.clear()
