"""Working copies of report attachments (metadata stripped: what reviewers open), in the shared
content-addressed, write-once store (forewarn.store.files), `<root>/<sha[:2]>/<sha>`.
Originals are kept by the evidence register (forewarn.evidence.service.keep_original)."""

from __future__ import annotations

from pathlib import Path

from forewarn.store.files import ContentStore, sha256_bytes

sha256 = sha256_bytes


class FileStore(ContentStore):
    def __init__(self, root: Path):
        super().__init__(root, levels=1)

    def put(self, data: bytes) -> str:  # type: ignore[override]
        """Store DATA once; its sha256."""
        return super().put(data)[0]

    def get(self, digest: str) -> bytes:
        return self.read(digest)

def working_store(data_dir: Path) -> FileStore:
    """Metadata-stripped working copies (what reviewers open)."""
    return FileStore(Path(data_dir) / "reports" / "working")
