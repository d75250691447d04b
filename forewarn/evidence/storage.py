"""Content-addressed, write-once storage of source bytes under <data dir>/evidence.

A file's name is the sha256 of its bytes (<root>/ab/cd/abcd…), so identical bytes are stored
once and any change to a stored file shows up when it is re-hashed. Files are written to a
temporary name, flushed to disk, made read-only (0444) and then linked into place, so a
reader never sees a half-written file and an existing file is never replaced.

Originals of witness media are sealed (AES-GCM with the key kept outside the database,
forewarn.security.crypto): the name stays the sha256 of the plain bytes, and reading or
checking a sealed file decrypts it first.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from forewarn.security import crypto

CHUNK = 1 << 20


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


class BlobStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    @classmethod
    def for_settings(cls, settings) -> BlobStore:
        return cls(Path(settings.data_dir) / "evidence")

    def path_for(self, sha: str) -> Path:
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise ValueError(f"not a sha256 hex digest: {sha!r}")
        return self.root / sha[:2] / sha[2:4] / sha

    def exists(self, sha: str) -> bool:
        return self.path_for(sha).exists()

    def put(self, data: bytes, seal: bool = False) -> tuple[str, bool]:
        """Store DATA (encrypted at rest when SEAL); return (sha256, newly_written). Existing
        bytes are left untouched."""
        sha = sha256_bytes(data)
        if seal:
            data = crypto.seal_bytes(data, sha.encode())
        path = self.path_for(sha)
        if path.exists():
            return sha, False
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
                return sha, False
        finally:
            os.unlink(tmp)
        return sha, True

    def read(self, sha: str) -> bytes:
        path = self.path_for(sha)
        if not path.exists():
            raise FileNotFoundError(f"stored bytes for {sha} are missing from {self.root}")
        raw = path.read_bytes()
        return crypto.open_sealed(raw, sha.encode()) if crypto.is_sealed(raw) else raw

    def sealed(self, sha: str) -> bool:
        """True if the stored file is encrypted at rest."""
        path = self.path_for(sha)
        if not path.exists():
            return False
        with open(path, "rb") as f:
            return crypto.is_sealed(f.read(len(crypto.SEALED)))

    def seal_existing(self, sha: str) -> bool:
        """Encrypt a plain stored file in place (originals kept before sealing existed); the
        bytes are re-hashed first, and the file is replaced atomically. True if sealed now."""
        path = self.path_for(sha)
        if not path.exists() or self.sealed(sha):
            return False
        data = path.read_bytes()
        if sha256_bytes(data) != sha:
            raise ValueError(f"stored bytes for {sha} no longer match: not sealed")
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".sealing-")
        with os.fdopen(fd, "wb") as f:
            f.write(crypto.seal_bytes(data, sha.encode()))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o444)
        os.replace(tmp, path)
        return True

    def check(self, sha: str) -> str | None:
        """None if the stored file exists and still hashes to SHA, else what is wrong."""
        path = self.path_for(sha)
        if not path.exists():
            return f"stored file missing ({path})"
        if self.sealed(sha):
            try:
                actual = sha256_bytes(self.read(sha))
            except ValueError as exc:
                return f"stored bytes changed: {exc}"
        else:
            actual = sha256_file(path)
        if actual != sha:
            return f"stored bytes changed: sha256 is now {actual}, registered {sha}"
        return None

    def writable(self, sha: str) -> bool:
        """True if the stored file has lost its read-only mode (worth a warning)."""
        path = self.path_for(sha)
        return path.exists() and bool(path.stat().st_mode & 0o222)
