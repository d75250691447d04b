"""Content-addressed files: `<root>/<sha[:2]>/<sha>` written once, never modified."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class FileStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise ValueError(f"not a sha256 digest: {digest!r}")
        return self.root / digest[:2] / digest

    def put(self, data: bytes) -> str:
        digest = sha256(data)
        target = self.path(digest)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, target)  # atomic: readers never see half a file
        return digest

    def get(self, digest: str) -> bytes:
        return self.path(digest).read_bytes()

    def exists(self, digest: str) -> bool:
        return self.path(digest).exists()


def working_store(data_dir: Path) -> FileStore:
    """Metadata-stripped working copies (what reviewers open)."""
    return FileStore(Path(data_dir) / "reports" / "working")
