from forewarn.data import countries


def test_kosovo_has_user_assigned_code_and_starts_2008():
    k = countries.get("XKX")
    assert k.name == "Kosovo" and k.iso_numeric is None
    assert countries.from_cow(347) == k
    assert not k.exists_in(2007) and k.exists_in(2008)


def test_south_sudan_and_sudan_around_2011():
    assert countries.from_cow(626).iso3 == "SSD"
    assert countries.get("SSD").first_year == 2011
    # Sudan keeps its code before and after the secession.
    assert countries.from_cow(625, 2005).iso3 == "SDN"
    assert countries.from_cow(625, 2015).iso3 == "SDN"


def test_yugoslavia_serbia_continuity_and_alias():
    assert countries.from_cow(345, 1980).iso3 == "SRB"
    assert countries.from_gw(345, 2020).iso3 == "SRB"
    assert countries.from_cow(340, 1998).iso3 == "SRB"  # EWP's code for the 1998 Kosovo episode


def test_myanmar_burma_one_code():
    assert countries.from_cow(775, 1970).iso3 == "MMR"
    assert countries.from_gw(775, 2021).iso3 == "MMR"
    assert countries.get("MMR").ewp_name == "Burma/Myanmar"


def test_czechoslovakia_dissolution():
    assert countries.from_cow(315, 1990).iso3 == "CSK"
    assert countries.get("CSK").last_year == 1992
    assert {countries.from_cow(316).iso3, countries.from_cow(317).iso3} == {"CZE", "SVK"}


def test_reused_gleditsch_ward_code_resolved_by_year():
    assert countries.from_gw(678, 1989).iso3 == "YAR"
    assert countries.from_gw(678, 1990).iso3 == "YEM"
    assert countries.from_gw(678) is None  # ambiguous without a year


def test_germany_cow_and_gw_differ():
    assert countries.from_cow(255).iso3 == "DEU" and countries.from_gw(260).iso3 == "DEU"


def test_unknown_code_is_none():
    assert countries.from_cow(9999) is None
    assert countries.get("ZZZ") is None


def test_registry_codes_are_unique():
    iso = [c.iso3 for c in countries.all_countries()]
    assert len(iso) == len(set(iso))
    nums = [c.iso_numeric for c in countries.all_countries() if c.iso_numeric is not None]
    assert len(nums) == len(set(nums))


def test_country_id_survives_a_concurrent_insert_of_the_same_country(engine):
    """Two writers add the same country at once (e.g. two backfill partitions): the one that
    looked before the other committed finds its insert refused by the unique iso3 and uses the
    other's row, keeping everything else it did in its transaction."""
    from sqlalchemy.orm import Session

    from forewarn.store.countries import country_id

    with Session(engine) as first:
        made = country_id(first, "SDN")
        first.commit()

    class LookedTooEarly(Session):
        """Its first look finds nothing, as it would have before the first writer committed."""
        looks = 0

        def scalar(self, *args, **kwargs):
            self.looks += 1
            return None if self.looks == 1 else super().scalar(*args, **kwargs)

    with LookedTooEarly(engine) as second:
        assert country_id(second, "sdn") == made
        second.commit()
