"""The project's own list of data sources, and fetching / verifying them.

`fetch` downloads each source from its origin, or copies it from a local mirror, into the data
directory and checks its sha256 before it is put in place, so a corrupt download never replaces
a good file.
"""

from __future__ import annotations

import io
import shutil
import tarfile
import tempfile
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml
from pydantic import Field, StrictInt, model_validator

from forewarn.catalog.validation import Shape, Text, fail, validate
from forewarn.data.errors import FetchError
from forewarn.store.files import sha256_file


@dataclass(frozen=True)
class Source:
    file: str
    origin_url: str | None
    sha256: str
    size: int
    licence: str
    citation: str
    description: str
    archive_member: str | None = None
    derived_from: str | None = None

    @property
    def group(self) -> str:
        return self.file.split("/", 1)[0]


class SourceIn(Shape):
    """One entry of sources.yaml: downloaded from origin_url, or derived from another file."""

    file: Text
    origin_url: Text | None
    sha256: str = Field(strict=True, pattern=r"^[0-9a-f]{64}$")
    size: StrictInt = Field(ge=0)
    licence: Text
    citation: Text
    description: Text
    archive_member: Text | None = None
    derived_from: Text | None = None

    @model_validator(mode="after")
    def _has_an_origin(self):
        if not self.origin_url and not self.derived_from:
            raise ValueError("origin_url: a source without one names the file it is derived "
                             "from (derived_from)")
        return self


class SourcesIn(Shape):
    sources: list[SourceIn] = Field(min_length=1)


def load_sources() -> list[Source]:
    text = resources.files("forewarn.data").joinpath("sources.yaml").read_text(encoding="utf-8")
    shape = validate(SourcesIn, yaml.safe_load(text), "sources.yaml", labels={"sources": "source"})
    seen: set[str] = set()
    for s in shape.sources:
        if s.file in seen:
            fail("sources.yaml", f"source '{s.file}'", "file", "listed twice")
        seen.add(s.file)
    return [Source(**s.model_dump()) for s in shape.sources]


def source(file: str) -> Source:
    for s in load_sources():
        if s.file == file:
            return s
    raise KeyError(f"no source '{file}' in sources.yaml")


sha256_of = sha256_file  # the one file hash (forewarn.store.files)


@dataclass
class Status:
    source: Source
    state: str  # verified (sha256 matches) | missing | corrupt
    path: Path


def status(raw_dir: Path, sources: Iterable[Source] | None = None) -> list[Status]:
    out = []
    for s in sources or load_sources():
        path = raw_dir / s.file
        if not path.exists():
            state = "missing"
        elif sha256_of(path) != s.sha256:
            state = "corrupt"
        else:
            state = "verified"
        out.append(Status(s, state, path))
    return out


def _download(s: Source) -> bytes:
    if not s.origin_url:
        raise FetchError(
            f"{s.file}: derived file ({s.derived_from}); it can only be imported from a mirror"
        )
    with urllib.request.urlopen(s.origin_url.replace(" ", "%20"), timeout=60) as resp:
        data = resp.read()
    if s.archive_member:
        with tarfile.open(fileobj=io.BytesIO(data)) as tar:
            member = tar.extractfile(s.archive_member)
            if member is None:
                raise FetchError(f"{s.file}: {s.archive_member} not found in {s.origin_url}")
            data = member.read()
    return data


def fetch_one(s: Source, raw_dir: Path, mirror: Path | None = None) -> str:
    """Bring one source into raw_dir; return 'kept', 'copied' or 'downloaded'."""
    target = raw_dir / s.file
    if target.exists() and sha256_of(target) == s.sha256:
        return "kept"
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=target.parent, delete=False, suffix=".part") as tmp:
        tmp_path = Path(tmp.name)
    try:
        if mirror is not None and (mirror / s.file).exists():
            shutil.copyfile(mirror / s.file, tmp_path)
            how = "copied"
        else:
            tmp_path.write_bytes(_download(s))
            how = "downloaded"
        got = sha256_of(tmp_path)
        if got != s.sha256:
            raise FetchError(f"{s.file}: sha256 mismatch "
                             f"(expected {s.sha256[:12]}…, got {got[:12]}…)")
        tmp_path.replace(target)
        return how
    finally:
        tmp_path.unlink(missing_ok=True)


def fetch(
    raw_dir: Path,
    mirror: Path | None = None,
    progress: Callable[[Source, str], None] | None = None,
) -> dict[str, str]:
    """Fetch every source; failures are collected, not fatal, so one bad source blocks no other."""
    results: dict[str, str] = {}
    for s in load_sources():
        try:
            results[s.file] = fetch_one(s, raw_dir, mirror)
        except (FetchError, OSError) as exc:
            results[s.file] = f"failed: {exc}"
        if progress:
            progress(s, results[s.file])
    return results
