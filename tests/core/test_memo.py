"""FileMemo: one build per file version; a changed or missing file is noticed."""

from __future__ import annotations

import os

import pytest

from forewarn.data.memo import FileMemo


def test_builds_once_then_again_when_a_file_changes(tmp_path):
    (tmp_path / "a.csv").write_text("x\n1\n")
    (tmp_path / "b.csv").write_text("y\n2\n")
    calls = []
    memo = FileMemo(["a.csv", "b.csv"], lambda d: calls.append(d) or len(calls))
    assert memo.get(tmp_path) == 1 and memo.get(tmp_path) == 1
    (tmp_path / "b.csv").write_text("y\n2\n3\n")  # other size
    assert memo.get(tmp_path) == 2
    st = (tmp_path / "a.csv").stat()
    os.utime(tmp_path / "a.csv", ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))  # same size
    assert memo.get(tmp_path) == 3 and calls == [tmp_path] * 3


def test_missing_files_are_named_before_anything_is_built(tmp_path):
    (tmp_path / "a.csv").write_text("x\n")
    memo = FileMemo(["a.csv", "gone.csv"], lambda d: pytest.fail("must not build"))
    with pytest.raises(FileNotFoundError, match="gone.csv"):
        memo.get(tmp_path)
