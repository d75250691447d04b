"""Fixtures for the reports tests: a key per test, photos with EXIF/GPS, users, an app."""

from __future__ import annotations

import io

import pytest
from sqlalchemy.orm import Session

from forewarn.security import SYSTEM, set_principal
from forewarn.settings import Settings
from tests import accounts
from tests.accounts import PASSWORD, fresh_rate_limits, make_users  # noqa: F401
from tests.live import private_key


@pytest.fixture(autouse=True)
def test_key(tmp_path):
    with private_key(tmp_path / "data") as settings:
        yield settings


def gps_jpeg(size=(64, 48)) -> bytes:
    """A JPEG whose EXIF names a camera and a GPS position (Khartoum)."""
    from PIL import Image

    im = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0xA431] = "SERIAL-12345"  # BodySerialNumber
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (15.0, 30.0, 0.0), 3: "E", 4: (32.0, 32.0, 0.0)})
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif)
    return out.getvalue()


@pytest.fixture
def system(engine):
    with Session(engine) as s:
        set_principal(s, SYSTEM)
        yield s


@pytest.fixture
def settings(engine, tmp_path):
    return Settings(data_dir=tmp_path / "app",
                    database_url=engine.url.render_as_string(hide_password=False))


def own_routers():
    """Only the routers these tests need (sign-in and reports), so another capability's
    work in progress cannot break them."""
    import importlib

    for name in ("security", "reports"):
        yield importlib.import_module(f"forewarn.{name}.web").router


def build_app(settings):
    from unittest import mock

    from forewarn.web import app as web_app

    with mock.patch.object(web_app, "capability_routers", own_routers):
        return web_app.create_app(settings)


@pytest.fixture
def client(settings):
    from fastapi.testclient import TestClient

    with TestClient(build_app(settings), base_url="https://testserver") as c:
        yield c


def csrf(client) -> str:
    return accounts.csrf(client, page="/report")


def login(client, username: str, password: str = PASSWORD):
    r = accounts.login(client, username, password)
    assert r.status_code in (302, 303), r.text[:300]
    return r
