"""One value built from source files, kept in this process until one of the files changes.

Reading and joining the raw panels takes seconds: too slow to repeat for every request or
command, while a stale copy after `forewarn data fetch` would be wrong."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")


class FileMemo(Generic[T]):
    """`memo.get(raw_dir)` → BUILD(raw_dir), rebuilt when any of FILES under raw_dir changes
    (size or modification time) or another folder is asked for. Missing files raise
    FileNotFoundError naming them, before anything is read."""

    def __init__(self, files: Sequence[str], build: Callable[[Path], T]):
        self.files, self.build = tuple(files), build
        self._key: tuple | None = None
        self._value: T | None = None

    def get(self, raw_dir: Path) -> T:
        raw_dir = Path(raw_dir)
        missing = [f for f in self.files if not (raw_dir / f).exists()]
        if missing:
            raise FileNotFoundError(f"source files missing under {raw_dir}: "
                                    f"{', '.join(missing)} (run `forewarn data fetch` first)")
        stats = [(raw_dir / f).stat() for f in self.files]
        key = (str(raw_dir), *((s.st_mtime_ns, s.st_size) for s in stats))
        if key != self._key:
            self._value, self._key = self.build(raw_dir), key
        return self._value
