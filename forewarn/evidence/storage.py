"""The register's source bytes under <data dir>/evidence: the shared content-addressed,
write-once store (forewarn.store.files), two folder levels deep (<root>/ab/cd/abcd…).

Originals of witness media are sealed (AES-GCM with the key kept outside the database,
forewarn.security.crypto): the name stays the sha256 of the plain bytes, and reading or
checking a sealed file decrypts it first.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from forewarn.security import crypto
from forewarn.store.files import ContentStore, sha256_bytes

__all__ = ["BlobStore", "sha256_bytes"]


class BlobStore(ContentStore):
    def __init__(self, root: Path):
        super().__init__(root, levels=2)

    @classmethod
    def for_settings(cls, settings) -> BlobStore:
        return cls(Path(settings.data_dir) / "evidence")

    def put(self, data: bytes, seal: bool = False) -> tuple[str, bool]:
        """Store DATA (encrypted at rest when SEAL); return (sha256, newly_written). Existing
        bytes are left untouched."""
        if not seal:
            return super().put(data)
        sha = sha256_bytes(data)
        path = self.path_for(sha)
        if path.exists():
            return sha, False
        return sha, self.write_new(path, crypto.seal_bytes(data, sha.encode()))

    def read(self, sha: str) -> bytes:
        raw = super().read(sha)
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
        if not self.sealed(sha):
            return super().check(sha)
        try:
            actual = sha256_bytes(self.read(sha))
        except ValueError as exc:
            return f"stored bytes changed: {exc}"
        if actual != sha:
            return f"stored bytes changed: sha256 is now {actual}, registered {sha}"
        return None
