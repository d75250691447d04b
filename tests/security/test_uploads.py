"""Decompression bombs sent anonymously through /report are refused from their headers
before anything is decoded (pixels, decompressed bytes, zip ratio)."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

import pytest

from forewarn.reports.config import ReportSettings
from forewarn.reports.media import UploadRejected, check_upload
from tests.reports.conftest import client, gps_jpeg, settings, system  # noqa: F401
from tests.reports.test_web import _form


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(
        ">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def png_bomb(width=10000, height=14000) -> bytes:
    """A few hundred bytes declaring a 140-megapixel greyscale image (zeros compress well)."""
    rows = zlib.compress(b"\x00" * (width + 1) * 16, 9)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8,
                                                               0, 0, 0, 0))
            + _chunk(b"IDAT", rows) + _chunk(b"IEND", b""))


def docx_bomb(megabytes=20) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", b"\x00" * megabytes * 1024 * 1024)
    return out.getvalue()


def test_bombs_are_refused_from_their_headers():
    limits = ReportSettings()
    with pytest.raises(UploadRejected, match="10000 × 14000 pixels"):
        check_upload("bomb.png", png_bomb(), limits)
    bomb = docx_bomb()
    assert len(bomb) < 100_000
    with pytest.raises(UploadRejected, match="expands to 20 MB"):
        check_upload("bomb.docx", bomb, limits)
    tight = ReportSettings(max_decoded_bytes=1024 * 1024, max_zip_ratio=10_000)
    with pytest.raises(UploadRejected, match="expands to"):
        check_upload("bomb.docx", bomb, tight)
    assert check_upload("ok.jpg", gps_jpeg(), limits).mime == "image/jpeg"


def test_anonymous_bombs_through_the_report_form(client):  # noqa: F811
    for name, data, mime in (("b.png", png_bomb(), "image/png"),
                             ("b.docx", docx_bomb(), "application/octet-stream")):
        r = client.post("/report", data=_form(client),
                        files={"attachments": (name, data, mime)})
        assert r.status_code in (400, 413), (name, r.status_code)
        assert "limit" in r.text
