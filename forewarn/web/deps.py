"""Typed dependencies shared by every router."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from forewarn.security.deps import resolve_request
from forewarn.settings import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


_REQUEST_SESSION = "db_session"


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.sessions() as session:
        # Every query on this session is filtered to what the caller may read.
        session.info["principal"] = resolve_request(request)
        # Code that gets only the session (country-page sections) reads this app's settings.
        session.info["settings"] = request.app.state.settings
        setattr(request.state, _REQUEST_SESSION, session)
        try:
            yield session
        finally:
            setattr(request.state, _REQUEST_SESSION, None)


@contextmanager
def request_session(request: Request) -> Iterator[Session]:
    """The request's own session (SessionDep) if it has one, else a new one for its principal.
    Code that runs while a page renders (the menu badges) reads through this: a second
    connection taken while the request's first is still held deadlocks the pool once as many
    requests run at once as it has connections."""
    current = getattr(request.state, _REQUEST_SESSION, None)
    if current is not None:
        yield current
        return
    with request.app.state.sessions() as session:
        session.info["principal"] = resolve_request(request)
        session.info["settings"] = request.app.state.settings
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
EngineDep = Annotated[Engine, Depends(get_engine)]
SessionDep = Annotated[Session, Depends(get_session)]
