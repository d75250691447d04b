"""Content-addressed, write-once files: the one store behind the evidence register's originals
(forewarn.evidence.storage) and the field reports' working copies (forewarn.reports.storage).

A file's name is the sha256 of its bytes (under `levels` folders of two hex characters each),
so identical bytes are stored once and any change to a stored file shows up when it is
re-hashed. Files are written to a temporary name, flushed to disk, made read-only (0444) and
then linked into place, so a reader never sees a half-written file and an existing file is
never replaced.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

CHUNK = 1 << 20
HEX = frozenset("0123456789abcdef")


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class ContentStore:
    """Files under ROOT named by their sha256, LEVELS folders deep (`ab/cd/abcd…` for 2)."""

    def __init__(self, root: Path, levels: int = 2):
        self.root, self.levels = Path(root), levels

    def path_for(self, sha: str) -> Path:
        if len(sha) != 64 or not set(sha) <= HEX:
            raise ValueError(f"not a sha256 hex digest: {sha!r}")
        return self.root.joinpath(*(sha[2 * i:2 * i + 2] for i in range(self.levels)), sha)

    def exists(self, sha: str) -> bool:
        return self.path_for(sha).exists()

    def put(self, data: bytes) -> tuple[str, bool]:
        """Store DATA; return (sha256, newly_written). Existing bytes are left untouched."""
        sha = sha256_bytes(data)
        return sha, self.write_new(self.path_for(sha), data)

    @staticmethod
    def write_new(path: Path, data: bytes) -> bool:
        """Write DATA at PATH read-only, atomically, unless a file is there already (then keep
        it); True if written now."""
        if path.exists():
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.chmod(tmp, 0o444)
            try:
                os.link(tmp, path)      # fails if another writer got there first: keep theirs
            except FileExistsError:
                return False
        finally:
            os.unlink(tmp)
        return True

    def read(self, sha: str) -> bytes:
        path = self.path_for(sha)
        if not path.exists():
            raise FileNotFoundError(f"stored bytes for {sha} are missing from {self.root}")
        return path.read_bytes()

    def check(self, sha: str) -> str | None:
        """None if the stored file exists and still hashes to SHA, else what is wrong."""
        path = self.path_for(sha)
        if not path.exists():
            return f"stored file missing ({path})"
        actual = sha256_file(path)
        if actual != sha:
            return f"stored bytes changed: sha256 is now {actual}, registered {sha}"
        return None

    def writable(self, sha: str) -> bool:
        """True if the stored file has lost its read-only mode (worth a warning)."""
        path = self.path_for(sha)
        return path.exists() and bool(path.stat().st_mode & 0o222)
