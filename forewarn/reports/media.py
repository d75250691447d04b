"""What an upload is, whether it is allowed, and the limits, with messages a reporter understands.

The type is decided from the file's own bytes (its signature), never from the name or the
Content-Type the client sent: a renamed executable is refused whatever it claims to be.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass

from PIL import Image

from forewarn.reports.config import MB, ReportSettings


@dataclass(frozen=True)
class FileType:
    kind: str  # image | audio | video | document
    mime: str
    ext: str


class UploadRejected(ValueError):
    """An upload that breaks a rule. `reason` is a gettext message id with `%(name)s` fields,
    so the form can show it in the reporter's language (`translated`)."""

    def __init__(self, filename: str, reason: str, **params):
        self.filename, self.reason_id, self.params = filename, reason, params
        self.reason = reason % params
        super().__init__(f"{filename}: {self.reason}")

    def translated(self, gettext) -> str:
        return f"{self.filename}: {gettext(self.reason_id) % self.params}"


ALLOWED_HELP = ("photos (JPEG, PNG, GIF, WebP), audio (MP3, M4A, WAV, OGG, AMR), video (MP4, MOV, "
                "3GP, WebM) and documents (PDF, DOCX, XLSX, ODT, plain text)")

_OOXML = {"word/": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "docx"),
          "xl/": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
          "ppt/": ("application/vnd.openxmlformats-officedocument.presentationml.presentation",
                   "pptx")}
_ODF = {b"application/vnd.oasis.opendocument.text": "odt",
        b"application/vnd.oasis.opendocument.spreadsheet": "ods"}


def _zip_type(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            if "mimetype" in names:
                mime = z.read("mimetype").strip()
                if mime in _ODF:
                    return FileType("document", mime.decode(), _ODF[mime])
            if "[Content_Types].xml" in names:
                for prefix, (mime, ext) in _OOXML.items():
                    if any(n.startswith(prefix) for n in names):
                        return FileType("document", mime, ext)
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


def _iso_media(data: bytes) -> FileType | None:
    brand = data[8:12]
    if brand in (b"M4A ", b"M4B "):
        return FileType("audio", "audio/mp4", "m4a")
    if brand == b"qt  ":
        return FileType("video", "video/quicktime", "mov")
    if brand.startswith(b"3g"):
        return FileType("video", "video/3gpp", "3gp")
    if brand in (b"heic", b"heix", b"mif1", b"msf1", b"avif"):
        return None  # HEIC/AVIF: no reliable metadata removal here; asked to send JPEG instead
    return FileType("video", "video/mp4", "mp4")


def _looks_like_text(data: bytes) -> bool:
    if b"\x00" in data[:8192]:
        return False
    try:
        data[:65536].decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > 65536 - 4  # a multi-byte character cut at the sample's end
    return True


def sniff(data: bytes) -> FileType | None:
    """The type of DATA from its signature, or None when it is not one Forewarn accepts."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return FileType("image", "image/jpeg", "jpg")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileType("image", "image/png", "png")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return FileType("image", "image/gif", "gif")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return FileType("image", "image/webp", "webp")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return FileType("audio", "audio/wav", "wav")
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
                                   and head[1] & 0x06):
        return FileType("audio", "audio/mpeg", "mp3")
    if head.startswith(b"OggS"):
        return FileType("audio", "audio/ogg", "ogg")
    if head.startswith(b"#!AMR"):
        return FileType("audio", "audio/amr", "amr")
    if head[4:8] == b"ftyp":
        return _iso_media(data)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return FileType("video", "video/webm", "webm")
    if head.startswith(b"%PDF-"):
        return FileType("document", "application/pdf", "pdf")
    if head.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if data and _looks_like_text(data):
        return FileType("document", "text/plain", "txt")
    return None


def _mb(n: int) -> str:
    return f"{n / MB:.0f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def check_pixels(filename: str, size: tuple[int, int], limits: ReportSettings) -> None:
    """Refuse an image whose header declares more pixels than allowed (read before decoding:
    a small file can decode to gigabytes)."""
    width, height = size
    if width * height > limits.max_pixels:
        raise UploadRejected(filename, "the image is %(w)s × %(h)s pixels; the limit is "
                             "%(limit)s megapixels", w=width, h=height,
                             limit=limits.max_pixels // 1_000_000)


def _image_header(filename: str, data: bytes, limits: ReportSettings) -> None:
    try:
        with warnings.catch_warnings():  # Pillow's bomb warning: our own limit decides
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im = Image.open(io.BytesIO(data))  # parses the header only
        with im:
            check_pixels(filename, im.size, limits)
    except UploadRejected:
        raise
    except Exception:  # unreadable images are refused when the working copy is made
        return


def check_zip(filename: str, data: bytes, limits: ReportSettings) -> None:
    """Refuse a zip-based document (DOCX, XLSX, ODT…) whose members would decompress to more
    than allowed, in total or relative to the file's size, from its directory alone."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            total = sum(max(info.file_size, 0) for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a readable zip: sniff() refuses it
    if total > limits.max_decoded_bytes or total > limits.max_zip_ratio * max(len(data), 1):
        raise UploadRejected(filename, "the document expands to %(size)s when opened; the "
                             "limit is %(limit)s", size=_mb(total),
                             limit=_mb(min(limits.max_decoded_bytes,
                                           limits.max_zip_ratio * len(data))))


def check_upload(filename: str, data: bytes, limits: ReportSettings) -> FileType:
    """The file's type, or UploadRejected with the reason (size, empty, unsupported type,
    too large once decoded)."""
    if len(data) > limits.max_file_bytes:
        raise UploadRejected(filename, "the file is %(size)s; the limit is %(limit)s per file",
                             size=_mb(len(data)), limit=_mb(limits.max_file_bytes))
    if not data:
        raise UploadRejected(filename, "the file is empty")
    if data.startswith(b"PK\x03\x04"):
        check_zip(filename, data, limits)  # before sniff() opens any member
    kind = sniff(data)
    if kind is None:
        raise UploadRejected(filename, "this type of file is not accepted; send %(allowed)s",
                             allowed=ALLOWED_HELP)
    if kind.kind == "image":
        _image_header(filename, data, limits)
    return kind


def check_batch(sizes: list[int], limits: ReportSettings) -> None:
    """Limits on all of a report's files together."""
    if len(sizes) > limits.max_files:
        raise UploadRejected("attachments", "%(count)s files attached; at most %(limit)s per "
                             "report", count=len(sizes), limit=limits.max_files)
    total = sum(sizes)
    if total > limits.max_total_bytes:
        raise UploadRejected("attachments", "the files total %(size)s; the limit is %(limit)s "
                             "per report", size=_mb(total), limit=_mb(limits.max_total_bytes))
