"""Parsers for every ingestion route, producing RawDocument / RawEvent records.

Each parser raises forewarn.data.errors.DataError naming the file (and row) for bad input;
the callers in forewarn.monitor.store catch it per file so the rest of a batch continues.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import feedparser

from forewarn.data.errors import DataError
from forewarn.monitor.catalog_shapes import cameo_signal_file
from forewarn.security.urls import http_url

FOLDER_KINDS = (".txt", ".html", ".htm", ".pdf", ".csv", ".jsonl")


@dataclass
class RawDocument:
    text: str
    source_kind: str
    source: str
    title: str = ""
    url: str = ""
    published_at: datetime | None = None
    country_iso3: str | None = None
    ref: str = ""  # file and row, for error messages


@dataclass
class RawEvent:
    global_event_id: str
    day: date
    event_code: str
    signal: str
    goldstein: float | None
    num_mentions: int
    country_hint: str  # ActionGeo full name, or an actor's ISO3 code
    source_url: str
    source_file: str
    extra: dict = field(default_factory=dict)


class _TextOf(HTMLParser):
    SKIP = {"script", "style", "noscript", "head"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.title = ""
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skip += 1
        self._in_title = tag == "title"
        if tag in ("p", "br", "div", "li", "h1", "h2", "h3", "tr"):
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP and self._skip:
            self._skip -= 1
        self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.parts.append(data)


def html_text(markup: str) -> tuple[str, str]:
    p = _TextOf()
    p.feed(markup)
    p.close()
    return "".join(p.parts).strip(), p.title.strip()


def _parse_time(value, ref: str) -> datetime | None:
    if value in (None, ""):
        return None
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError as exc:
        raise DataError(ref, f"unreadable time '{value}' (use ISO 8601)") from exc
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def from_record(rec: dict, source_kind: str, source: str, ref: str,
                text_key: str = "text") -> RawDocument:
    """A document from a JSON/CSV record or an API body: text required; title, url,
    published_at (ISO 8601) and country (ISO3) optional."""
    text = rec.get(text_key)
    if not isinstance(text, str) or not text.strip():
        raise DataError(ref, f"'{text_key}' is missing or empty")
    try:  # only http(s): a javascript: link would run when a reader clicks it
        url = http_url(str(rec.get("url") or ""))
    except ValueError as exc:
        raise DataError(ref, str(exc)) from None
    return RawDocument(text=text, source_kind=source_kind, source=rec.get("source") or source,
                       title=str(rec.get("title") or ""), url=url,
                       published_at=_parse_time(rec.get("published_at"), ref),
                       country_iso3=(rec.get("country") or None), ref=ref)


def parse_feed(content: bytes | str, source: str) -> list[RawDocument]:
    """RSS or Atom. A feed that feedparser cannot make sense of (bozo with no entries) is an
    error; entries without text are skipped."""
    parsed = feedparser.parse(content)
    if parsed.bozo and not parsed.entries:
        raise DataError(source, f"not a readable RSS/Atom feed ({parsed.get('bozo_exception')})")
    docs = []
    for n, e in enumerate(parsed.entries, start=1):
        body = e.get("summary", "") or ""
        if e.get("content"):
            body = " ".join(c.get("value", "") for c in e.content)
        text, _ = html_text(body)
        title = e.get("title", "")
        full = f"{title}\n\n{text}".strip()
        if not full:
            continue
        when = e.get("published_parsed") or e.get("updated_parsed")
        docs.append(RawDocument(text=full, source_kind="rss", source=source, title=title,
                                url=e.get("link", ""), ref=f"{source}, entry {n}",
                                published_at=datetime(*when[:6], tzinfo=UTC) if when else None))
    return docs


def parse_file(path: Path) -> list[RawDocument]:
    """One dropped file: .txt/.html/.pdf is one document; .csv/.jsonl is one per row."""
    path = Path(path)
    suffix = path.suffix.lower()
    name = path.name
    if suffix not in FOLDER_KINDS:
        raise DataError(name, f"unsupported file type '{suffix}' ({', '.join(FOLDER_KINDS)})")
    if suffix == ".pdf":
        return [RawDocument(_pdf_text(path), "folder", name, title=path.stem, ref=name)]
    try:
        raw = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(name, f"not UTF-8 text (byte {exc.start})") from exc
    if suffix == ".txt":
        if not raw.strip():
            raise DataError(name, "empty file")
        return [RawDocument(raw, "folder", name, title=path.stem, ref=name)]
    if suffix in (".html", ".htm"):
        text, title = html_text(raw)
        if not text:
            raise DataError(name, "no text in the HTML")
        return [RawDocument(text, "folder", name, title=title or path.stem, ref=name)]
    if suffix == ".jsonl":
        out = []
        for n, line in enumerate(raw.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise DataError(name, f"not JSON ({exc.msg})", row=n) from exc
            if not isinstance(rec, dict):
                raise DataError(name, "each line must be a JSON object", row=n)
            out.append(from_record(rec, "folder", name, f"{name}, row {n}"))
        return out
    reader = csv.DictReader(io.StringIO(raw))
    if "text" not in (reader.fieldnames or []):
        raise DataError(name, "a CSV of posts needs a 'text' column")
    out = []
    try:
        for rec in reader:
            if None in rec or any(v is None for v in rec.values()):
                raise DataError(name, "wrong number of fields", row=reader.line_num)
            out.append(from_record(rec, "folder", name, f"{name}, row {reader.line_num}"))
    except csv.Error as exc:
        raise DataError(name, f"malformed CSV ({exc})", row=reader.line_num) from exc
    return out


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader  # heavy: pypdf
    from pypdf.errors import PdfReadError  # heavy: pypdf

    try:
        reader = PdfReader(path)
        text = "\n\n".join(page.extract_text() or "" for page in reader.pages)
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise DataError(path.name, f"not a readable PDF ({exc})") from exc
    if not text.strip():
        raise DataError(path.name, "the PDF has no extractable text (scanned image?)")
    return text


@lru_cache(maxsize=1)
def cameo_signals() -> dict[str, dict]:
    return cameo_signal_file()["signals"]


def signal_for(code: str) -> str | None:
    best, best_len = None, 0
    for name, spec in cameo_signals().items():
        for prefix in spec["codes"]:
            if code.startswith(prefix) and len(prefix) > best_len:
                best, best_len = name, len(prefix)
    return best


# Column positions: GDELT 1.0 events (58 columns; 57 in the pre-April-2013 back-file, which
# has no SOURCEURL) and 2.0 events (61 columns).
_GDELT_COLUMNS = {
    57: {"id": 0, "date": 1, "a1": 7, "a2": 17, "code": 26, "gold": 30, "ment": 31,
         "geo": 50, "url": None},
    58: {"id": 0, "date": 1, "a1": 7, "a2": 17, "code": 26, "gold": 30, "ment": 31,
         "geo": 50, "url": 57},
    61: {"id": 0, "date": 1, "a1": 7, "a2": 17, "code": 26, "gold": 30, "ment": 31,
         "geo": 52, "url": 60},
}


def parse_gdelt_events(path: Path) -> Iterator[RawEvent]:
    """Tab-separated GDELT event export (no header). Yields only events whose CAMEO code maps
    to a signal; a row with the wrong number of columns or a bad date is a DataError."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as f:
        for n, line in enumerate(f, start=1):
            if not line.strip():
                continue
            cols = line.rstrip("\r\n").split("\t")
            pos = _GDELT_COLUMNS.get(len(cols))
            if pos is None:
                raise DataError(path.name, f"{len(cols)} columns; a GDELT event row has 57 or "
                                "58 (1.0) or 61 (2.0)", row=n)
            code = cols[pos["code"]].strip()
            signal = signal_for(code)
            if signal is None:
                continue
            try:
                day = datetime.strptime(cols[pos["date"]], "%Y%m%d").date()
                gold = float(cols[pos["gold"]]) if cols[pos["gold"]] else None
                mentions = int(cols[pos["ment"]] or 0)
            except ValueError as exc:
                raise DataError(path.name, f"bad value ({exc})", row=n) from exc
            yield RawEvent(cols[pos["id"]], day, code, signal, gold, mentions,
                           cols[pos["geo"]] or cols[pos["a1"]] or cols[pos["a2"]],
                           cols[pos["url"]] if pos["url"] else "", path.name,
                           {"actors": [cols[pos["a1"]], cols[pos["a2"]]]})


def parse_gdelt_mentions(path: Path) -> Iterator[tuple[str, int]]:
    """(globaleventid, row) for each row of a GDELT 2.0 mentions file (CSV with header, as in
    the mirror's sample, or the raw tab-separated export)."""
    path = Path(path)
    with open(path, encoding="utf-8", newline="") as f:
        head = f.readline()
        f.seek(0)
        if head.lower().startswith("globaleventid"):
            reader = csv.DictReader(f)
            for rec in reader:
                gid = (rec.get("globaleventid") or "").strip()
                if not gid.isdigit():
                    raise DataError(path.name, "globaleventid is not a number",
                                    row=reader.line_num, column="globaleventid")
                yield gid, reader.line_num
        else:
            for n, line in enumerate(f, start=1):
                gid = line.split("\t", 1)[0].strip()
                if not gid.isdigit():
                    raise DataError(path.name, "first column is not a GLOBALEVENTID", row=n)
                yield gid, n
