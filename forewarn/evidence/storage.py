"""The register's source bytes under <data dir>/evidence: the shared content-addressed,
write-once store (forewarn.store.files), two folder levels deep (<root>/ab/cd/abcd…)."""

from __future__ import annotations

from pathlib import Path

from forewarn.store.files import ContentStore, sha256_bytes

__all__ = ["BlobStore", "sha256_bytes"]


class BlobStore(ContentStore):
    def __init__(self, root: Path):
        super().__init__(root, levels=2)

    @classmethod
    def for_settings(cls, settings) -> BlobStore:
        return cls(Path(settings.data_dir) / "evidence")
