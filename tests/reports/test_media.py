"""Upload types, limits and metadata stripping (no database)."""

import io
import struct
import zipfile

import pytest
from PIL import Image

from forewarn.reports.config import ReportSettings
from forewarn.reports.media import UploadRejected, check_batch, check_upload, sniff
from forewarn.reports.storage import sha256
from forewarn.reports.strip import strip_metadata

from .conftest import gps_jpeg

LIMITS = ReportSettings(max_file_bytes=200_000, max_total_bytes=300_000, max_files=3)


def _exif(data: bytes):
    with Image.open(io.BytesIO(data)) as im:
        return im.getexif()


def test_jpeg_working_copy_has_no_exif_or_gps_and_original_is_untouched():
    original = gps_jpeg()
    digest = sha256(original)
    exif = _exif(original)
    assert exif[0x010F] == "PhoneMaker" and exif.get_ifd(0x8825)[1] == "N"
    kind = check_upload("photo.jpg", original, LIMITS)
    work = strip_metadata("photo.jpg", original, kind)
    assert work.stripped and not _exif(work.data)
    assert b"PhoneMaker" not in work.data and b"SERIAL-12345" not in work.data
    assert sha256(original) == digest  # the original bytes are not modified
    with Image.open(io.BytesIO(work.data)) as im:
        assert im.size == (64, 48)


def test_exif_orientation_is_applied_before_it_is_dropped():
    im = Image.new("RGB", (60, 20))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    work = strip_metadata("x.jpg", out.getvalue(), sniff(out.getvalue()))
    with Image.open(io.BytesIO(work.data)) as clean:
        assert clean.size == (20, 60) and not clean.getexif()


def test_png_text_chunks_removed():
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Author", "Jane Witness")
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "PNG", pnginfo=info)
    work = strip_metadata("a.png", out.getvalue(), sniff(out.getvalue()))
    assert b"Jane Witness" in out.getvalue() and b"Jane Witness" not in work.data


def test_mp4_user_data_boxes_blanked_same_size():
    def box(kind, body):
        return struct.pack(">I4s", 8 + len(body), kind) + body

    gps = box(b"\xa9xyz", b"+15.5000+032.5333/")
    movie = box(b"ftyp", b"isom\x00\x00\x02\x00") + box(b"moov", box(b"mvhd", bytes(20)) +
                                                        box(b"udta", gps)) + box(b"mdat", b"x")
    kind = sniff(movie)
    assert kind.ext == "mp4"
    work = strip_metadata("v.mp4", movie, kind)
    assert len(work.data) == len(movie) and b"+15.5000" not in work.data
    assert b"free" in work.data and b"mvhd" in work.data


def test_mp3_id3_and_wav_info_removed():
    id3 = b"ID3\x03\x00\x00\x00\x00\x00\x0a" + b"TPE1Jane.."
    mp3 = id3 + b"\xff\xfb\x90\x00" + bytes(100)
    work = strip_metadata("a.mp3", mp3, sniff(mp3))
    assert work.data.startswith(b"\xff\xfb") and b"Jane" not in work.data
    info = b"LIST" + struct.pack("<I", 12) + b"INFOIART" + b"Jane"
    fmt = b"fmt " + struct.pack("<I", 16) + bytes(16)
    data = b"data" + struct.pack("<I", 4) + b"\x00\x01\x00\x01"
    body = b"WAVE" + fmt + info + data
    wav = b"RIFF" + struct.pack("<I", len(body)) + body
    work = strip_metadata("a.wav", wav, sniff(wav))
    assert b"Jane" not in work.data and b"data" in work.data


def test_docx_properties_emptied_and_embedded_photo_stripped():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("docProps/core.xml", "<cp:coreProperties><dc:creator>Jane Witness"
                   "</dc:creator></cp:coreProperties>")
        z.writestr("word/media/image1.jpg", gps_jpeg())
    kind = sniff(out.getvalue())
    assert kind.ext == "docx"
    work = strip_metadata("r.docx", out.getvalue(), kind)
    with zipfile.ZipFile(io.BytesIO(work.data)) as z:
        assert b"Jane" not in z.read("docProps/core.xml")
        assert not _exif(z.read("word/media/image1.jpg"))


def test_pdf_information_removed():
    from pypdf import PdfReader, PdfWriter

    w = PdfWriter()
    w.add_blank_page(100, 100)
    w.add_metadata({"/Author": "Jane Witness", "/Producer": "PhoneScanner"})
    out = io.BytesIO()
    w.write(out)
    work = strip_metadata("d.pdf", out.getvalue(), sniff(out.getvalue()))
    assert b"Jane Witness" not in work.data
    assert len(PdfReader(io.BytesIO(work.data)).pages) == 1


def test_formats_that_cannot_be_stripped_say_so():
    ogg = b"OggS" + bytes(60)
    work = strip_metadata("a.ogg", ogg, sniff(ogg))
    assert not work.stripped and "could not be removed" in work.note


@pytest.mark.parametrize("name,data,message", [
    ("big.jpg", b"\xff\xd8\xff" + bytes(200_001), "the limit is 195 KB per file"),
    ("empty.jpg", b"", "the file is empty"),
    ("tool.exe", b"MZ\x90\x00\x03" + bytes(100), "this type of file is not accepted"),
    ("photo.jpg", b"MZ\x90\x00" + bytes(10), "this type of file is not accepted"),
])
def test_upload_limits_and_types(name, data, message):
    with pytest.raises(UploadRejected) as info:
        check_upload(name, data, LIMITS)
    assert message in str(info.value) and name in str(info.value)


def test_batch_limits():
    with pytest.raises(UploadRejected, match="4 files attached; at most 3"):
        check_batch([1, 1, 1, 1], LIMITS)
    with pytest.raises(UploadRejected, match="the limit is 293 KB per report"):
        check_batch([150_000, 150_001], LIMITS)


def test_rejection_messages_are_translated():
    from forewarn.reports.i18n import language

    with pytest.raises(UploadRejected) as info:
        check_upload("vide.jpg", b"", LIMITS)
    assert info.value.translated(language("fr").gettext) == "vide.jpg: le fichier est vide"
