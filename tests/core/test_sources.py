import shutil

import pytest

from forewarn.data import sources


@pytest.fixture
def mini_mirror(tmp_path, monkeypatch):
    """Two small sources in a local mirror, with the project's list pointed at them."""
    mirror = tmp_path / "mirror"
    (mirror / "a").mkdir(parents=True)
    (mirror / "a" / "one.csv").write_text("x,y\n1,2\n")
    (mirror / "a" / "two.csv").write_text("x,y\n3,4\n")
    listed = [
        sources.Source(file=f"a/{n}.csv", origin_url=None, derived_from="test",
                       sha256=sources.sha256_of(mirror / "a" / f"{n}.csv"),
                       size=8, licence="CC0", citation="test", description="test")
        for n in ("one", "two")
    ]
    monkeypatch.setattr(sources, "load_sources", lambda: listed)
    return mirror, listed


def test_fetch_from_mirror_verifies_and_status_reports(mini_mirror, tmp_path):
    mirror, listed = mini_mirror
    raw = tmp_path / "raw"
    assert set(sources.fetch(raw, mirror).values()) == {"copied"}
    assert [s.state for s in sources.status(raw)] == ["verified", "verified"]
    assert set(sources.fetch(raw, mirror).values()) == {"kept"}


def test_corrupt_and_missing_are_reported_and_repaired(mini_mirror, tmp_path):
    mirror, _ = mini_mirror
    raw = tmp_path / "raw"
    sources.fetch(raw, mirror)
    (raw / "a" / "one.csv").write_text("x,y\n1,999\n")
    (raw / "a" / "two.csv").unlink()
    assert [s.state for s in sources.status(raw)] == ["corrupt", "missing"]
    sources.fetch(raw, mirror)
    assert [s.state for s in sources.status(raw)] == ["verified", "verified"]


def test_bad_mirror_copy_never_replaces_a_good_file(mini_mirror, tmp_path):
    mirror, _ = mini_mirror
    raw = tmp_path / "raw"
    sources.fetch(raw, mirror)
    (raw / "a" / "one.csv").write_text("stale but here\n")  # present, wrong hash
    (mirror / "a" / "one.csv").write_text("tampered\n")
    result = sources.fetch(raw, mirror)
    assert result["a/one.csv"].startswith("failed: a/one.csv: sha256 mismatch")
    assert (raw / "a" / "one.csv").read_text() == "stale but here\n"
    assert not list((raw / "a").glob("*.part"))


def test_derived_source_without_mirror_says_why(mini_mirror, tmp_path):
    _, listed = mini_mirror
    with pytest.raises(sources.FetchError, match="derived file"):
        sources.fetch_one(listed[0], tmp_path / "raw", mirror=None)


def test_project_list_covers_the_manifest_with_licence_and_citation():
    listed = sources.load_sources()
    assert len(listed) >= 50
    for s in listed:
        assert len(s.sha256) == 64 and s.licence and s.citation
        assert s.origin_url or s.derived_from


@pytest.mark.realdata
def test_real_sources_all_verified(raw_dir):
    states = {s.source.file: s.state for s in sources.status(raw_dir)}
    assert set(states.values()) == {"verified"}, states


def test_status_detects_one_changed_byte(raw_dir, tmp_path):
    target = tmp_path / "raw"
    src = sources.load_sources()[0]
    (target / src.file).parent.mkdir(parents=True)
    shutil.copyfile(raw_dir / src.file, target / src.file)
    data = bytearray((target / src.file).read_bytes())
    data[len(data) // 2] ^= 0x01
    (target / src.file).write_bytes(bytes(data))
    assert sources.status(target, [src])[0].state == "corrupt"
