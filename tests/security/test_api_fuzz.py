"""Schemathesis over every operation of /openapi.json (the `not_a_server_error` check), with an
admin's API token and anonymously, on a database holding realistic records (see fuzzing.py):
no operation answers 5xx. Examples are bounded and derandomised so the run is short and
repeatable; FOREWARN_FUZZ_EXAMPLES=50 (or benchmarks/api_fuzz.py) runs a deeper pass."""

from __future__ import annotations

import os

import pytest

from .conftest import TEST_SECRET
from .fuzzing import build_world, fuzz

EXAMPLES = int(os.environ.get("FOREWARN_FUZZ_EXAMPLES", "5"))


@pytest.fixture(scope="module")
def fuzz_world(tmp_path_factory):
    from forewarn.security import crypto
    from forewarn.settings import Settings
    from forewarn.store.db import make_engine, upgrade

    folder = tmp_path_factory.mktemp("fuzz")
    url = f"sqlite:///{folder / 'forewarn.db'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(data_dir=folder, database_url=url, secret_key=TEST_SECRET)
    crypto.configure(settings)
    yield build_world(engine, settings)
    engine.dispose()


def test_no_server_errors(fuzz_world):
    """Every operation, positive and negative examples (the schemathesis pytest plugin does not
    run under pytest 9, so hypothesis drives its strategies here)."""
    out = fuzz(fuzz_world, EXAMPLES)
    print(f"\nschemathesis: {out.operations} operations, {out.cases} cases "
          f"(≤{EXAMPLES} examples × positive/negative × anonymous/admin) in {out.seconds:.0f} s; "
          f"statuses {dict(sorted(out.statuses.items()))}; {len(out.reached)} operations "
          f"answered the admin 2xx; {len(out.problems)} server errors")
    assert out.operations >= 120
    # The cases reach the handlers with real records: most operations succeed for the admin.
    assert len(out.reached) >= out.operations * 0.6, sorted(out.reached)
    assert not out.problems, "\n".join(out.problems[:40])
