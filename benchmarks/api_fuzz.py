"""The deeper schemathesis pass of tests/security/test_api_fuzz.py: every operation of
/openapi.json with many more examples, an admin's API token and anonymously, on a fresh database
(SQLite, or a new PostgreSQL database created and dropped for the run) seeded with realistic
records (tests/security/fuzzing.py). Prints operations, cases, status counts, the operations
that answered the admin 2xx and every 5xx; exit status 1 if any 5xx.

Run it in chunks on a busy machine (--only is a regex on `METHOD /path`):

    python benchmarks/api_fuzz.py --examples 50 [--only '^(GET|POST) /api/evidence']
                                  [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

SECRET = "forewarn-fuzz-benchmark-secret"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--examples", type=int, default=50, help="max examples per operation+mode")
    ap.add_argument("--only", default=None, help="regex on 'METHOD /path'")
    ap.add_argument("--postgres", default=None, metavar="ADMIN_URL",
                    help="run on a new database of this PostgreSQL server (else SQLite)")
    args = ap.parse_args()

    from argon2 import PasswordHasher  # cheap hashing: the run checks logic, not cost

    from forewarn.security import accounts, crypto
    from forewarn.settings import Settings
    from forewarn.store.db import make_engine, upgrade
    from tests.security.fuzzing import build_world, fuzz

    accounts.use_hasher(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
    folder = Path(tempfile.mkdtemp(prefix="forewarn-fuzz-"))
    drop = None
    if args.postgres:
        import psycopg

        admin = psycopg.connect(args.postgres, autocommit=True)
        name = f"forewarn_fuzz_{uuid.uuid4().hex[:10]}"
        admin.execute(f'CREATE DATABASE "{name}"')
        url, drop = args.postgres.rpartition("/")[0] + "/" + name, (admin, name)
    else:
        url = f"sqlite:///{folder / 'forewarn.db'}"
    engine = make_engine(url)
    try:
        upgrade(engine)
        settings = Settings(data_dir=folder, database_url=url, secret_key=SECRET)
        crypto.configure(settings)
        out = fuzz(build_world(engine, settings), args.examples, args.only)
    finally:
        engine.dispose()
        if drop:
            drop[0].execute(f'DROP DATABASE IF EXISTS "{drop[1]}" WITH (FORCE)')
    backend = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{backend}: {out.operations} operations, {out.cases} cases "
          f"(≤{args.examples} examples × positive/negative × anonymous/admin) "
          f"in {out.seconds:.0f} s")
    print("statuses:", dict(sorted(out.statuses.items())))
    print(f"{len(out.reached)} operations answered the admin 2xx")
    if out.limited:
        print("admin cases rate-limited (429):", dict(out.limited))
    print(f"{len(out.problems)} server errors")
    for p in out.problems:
        print("  ", p)
    return 1 if out.problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
