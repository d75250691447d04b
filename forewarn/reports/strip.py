"""Working copies of uploads without identifying metadata.

The original bytes are kept untouched as evidence; reviewers work on a copy from which what can
reliably be removed is removed. Per format:

- images (JPEG, PNG, GIF, WebP): decoded and re-encoded from pixels only (Pillow) — EXIF
  (camera serial, GPS position, time), XMP, IPTC, ICC profile, text chunks and comments are
  dropped; the EXIF orientation is applied to the pixels first so the picture stays upright.
- PDF: the document information dictionary (author, creator, producer, dates) and the XMP
  metadata stream are removed (pypdf). Not removed: metadata inside embedded images or fonts,
  names in annotations or form fields, and anything in the visible content.
- DOCX/XLSX/PPTX and ODT/ODS: the document properties (author, last editor, company, dates)
  are replaced by empty ones and embedded images are stripped as above. Not removed: names in
  comments and tracked changes.
- MP4/MOV/3GP/M4A: the user-data and metadata boxes (`udta`, `meta`, XMP `uuid`, where phones
  keep GPS, device make and model) are turned into `free` boxes of the same size, so the media
  still plays. Not removed: per-frame metadata inside the encoded streams.
- MP3: ID3v1 and ID3v2 tags. WAV: every chunk but the format and the samples.
- OGG, AMR, WebM and plain text: not changed (no reliable removal for OGG and WebM comment
  headers; AMR and text have no metadata container). The working copy says so.
"""

from __future__ import annotations

import io
import struct
import zipfile
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from forewarn.reports.config import get_report_settings
from forewarn.reports.media import FileType, UploadRejected, check_pixels


@dataclass(frozen=True)
class Stripped:
    data: bytes
    stripped: bool  # True when the format's metadata was removed as documented above
    note: str


def strip_metadata(filename: str, data: bytes, kind: FileType) -> Stripped:
    if kind.kind == "image":
        return Stripped(_image(filename, data, kind), True,
                        "re-encoded from pixels: EXIF, GPS, XMP, IPTC and comments removed")
    handler = _HANDLERS.get(kind.ext)
    if handler is None:
        return Stripped(data, kind.ext == "txt" or kind.ext == "amr",
                        "no metadata container" if kind.ext in ("txt", "amr") else
                        "metadata could not be removed from this format; treat the working copy "
                        "as identifying")
    return handler(filename, data)


def _image(filename: str, data: bytes, kind: FileType) -> bytes:
    try:
        with Image.open(io.BytesIO(data)) as im:
            # Before decoding: also guards images embedded in documents.
            check_pixels(filename, im.size, get_report_settings())
            im.load()
            frames = getattr(im, "n_frames", 1)
            if kind.ext == "gif" and frames > 1:
                return _animated_gif(im)
            upright = ImageOps.exif_transpose(im)
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError) as exc:
        raise UploadRejected(filename, "the image could not be read (%(error)s)",
                             error=type(exc).__name__) from exc
    if kind.ext == "jpg" and upright.mode not in ("RGB", "L", "CMYK"):
        upright = upright.convert("RGB")
    clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
    if upright.mode == "P":
        clean.putpalette(upright.getpalette())
    out = io.BytesIO()
    fmt = {"jpg": "JPEG", "png": "PNG", "gif": "GIF", "webp": "WEBP"}[kind.ext]
    options = {"quality": 92} if fmt in ("JPEG", "WEBP") else {}
    clean.save(out, fmt, **options)
    return out.getvalue()


def _animated_gif(im) -> bytes:
    frames = [f.copy() for f in ImageSequence.Iterator(im)]
    for f in frames:
        f.info = {k: v for k, v in f.info.items() if k in ("duration", "transparency")}
    out = io.BytesIO()
    frames[0].save(out, "GIF", save_all=True, append_images=frames[1:], loop=0)
    return out.getvalue()


def _pdf(filename: str, data: bytes) -> Stripped:
    from pypdf import PdfReader, PdfWriter  # heavy: pypdf, only for PDF attachments
    from pypdf.generic import NameObject  # heavy: as above

    try:
        reader = PdfReader(io.BytesIO(data))
        writer = PdfWriter(clone_from=reader)
    except Exception as exc:  # pypdf raises many types for damaged files
        raise UploadRejected(filename, "the PDF could not be read (%(error)s)",
                             error=type(exc).__name__) from exc
    writer._info = None  # no /Info dictionary in the trailer
    root = writer._root_object
    if NameObject("/Metadata") in root:
        del root[NameObject("/Metadata")]
    out = io.BytesIO()
    writer.write(out)
    return Stripped(out.getvalue(), True, "document information and XMP metadata removed; "
                    "metadata inside embedded images and annotations may remain")


_EMPTY_CORE = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<cp:coreProperties '
               b'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties"'
               b' xmlns:dc="http://purl.org/dc/elements/1.1/"/>')
_EMPTY_APP = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
              b'"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"/>')
_EMPTY_CUSTOM = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns='
                 b'"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"/>')
_EMPTY_ODF_META = (b'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta xmlns:office='
                   b'"urn:oasis:names:tc:opendocument:xmlns:office:1.0" office:version="1.2">'
                   b'<office:meta/></office:document-meta>')
_REPLACE = {"docProps/core.xml": _EMPTY_CORE, "docProps/app.xml": _EMPTY_APP,
            "docProps/custom.xml": _EMPTY_CUSTOM, "meta.xml": _EMPTY_ODF_META}
_IMAGE_EXT = {".jpg": FileType("image", "image/jpeg", "jpg"),
              ".jpeg": FileType("image", "image/jpeg", "jpg"),
              ".png": FileType("image", "image/png", "png")}


def _office(filename: str, data: bytes) -> Stripped:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in _REPLACE:
                body = _REPLACE[info.filename]
            else:
                ext = "." + info.filename.rsplit(".", 1)[-1].lower()
                if ext in _IMAGE_EXT:
                    try:
                        body = _image(info.filename, body, _IMAGE_EXT[ext])
                    except UploadRejected:
                        pass  # an embedded image Pillow cannot read is left as it is
            # ODF requires `mimetype` first and uncompressed; keep each entry's compression.
            clean = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            clean.compress_type = info.compress_type
            dst.writestr(clean, body)
    return Stripped(out.getvalue(), True, "document properties emptied and embedded images "
                    "stripped; names in comments and tracked changes may remain")


_ISO_DROP = {b"udta", b"meta", b"uuid"}
_ISO_CONTAINERS = {b"moov", b"trak", b"mdia", b"minf", b"stbl", b"edts"}


def _iso_boxes(buf: bytearray, start: int, end: int) -> int:
    """Rename metadata boxes between START and END to `free`; return how many."""
    count, pos = 0, start
    while pos + 8 <= end:
        size, kind = struct.unpack(">I4s", buf[pos:pos + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", buf[pos + 8:pos + 16])[0], 16
        elif size == 0:
            size = end - pos
        if size < header or pos + size > end:
            break  # damaged: leave the rest alone
        if kind in _ISO_DROP:
            buf[pos + 4:pos + 8] = b"free"
            buf[pos + header:pos + size] = bytes(size - header)
            count += 1
        elif kind in _ISO_CONTAINERS:
            count += _iso_boxes(buf, pos + header, pos + size)
        pos += size
    return count


def _iso(filename: str, data: bytes) -> Stripped:
    buf = bytearray(data)
    n = _iso_boxes(buf, 0, len(buf))
    return Stripped(bytes(buf), True, f"{n} user-data/metadata boxes blanked (GPS, device, "
                    "dates); stream-level metadata may remain")


def _mp3(filename: str, data: bytes) -> Stripped:
    body = data
    while body[:3] == b"ID3" and len(body) >= 10:
        size = 0
        for b in body[6:10]:
            size = (size << 7) | (b & 0x7F)
        footer = 10 if body[5] & 0x10 else 0
        body = body[10 + size + footer:]
    if body[-128:-125] == b"TAG":
        body = body[:-128]
    return Stripped(body, True, "ID3 tags removed")


def _wav(filename: str, data: bytes) -> Stripped:
    keep, pos = [], 12
    while pos + 8 <= len(data):
        kind, size = struct.unpack("<4sI", data[pos:pos + 8])
        chunk = data[pos:pos + 8 + size + (size & 1)]
        if kind in (b"fmt ", b"data", b"fact"):
            keep.append(chunk)
        pos += 8 + size + (size & 1)
    body = b"WAVE" + b"".join(keep)
    return Stripped(b"RIFF" + struct.pack("<I", len(body)) + body, True,
                    "every chunk but format and samples removed")


_HANDLERS = {"pdf": _pdf, "docx": _office, "xlsx": _office, "pptx": _office, "odt": _office,
             "ods": _office, "mp4": _iso, "mov": _iso, "3gp": _iso, "m4a": _iso, "mp3": _mp3,
             "wav": _wav}
