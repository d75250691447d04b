"""What every `forewarn` command shares for bad input: checks for country codes, dates and
fixed choices (as Typer callbacks, so a mistake is refused before any work starts), and the
top-level handler that turns any user error into one line on stderr with exit code 1 or 2,
never a traceback. Set FOREWARN_DEBUG=1 to see the traceback of an unexpected error.

    iso3: str = typer.Argument(..., callback=country)
    start: str = typer.Option(..., callback=iso_date)
    status: str = typer.Option("new", callback=one_of("new", "acknowledged", "dismissed"))
"""

from __future__ import annotations

import sys
from datetime import date

import click
import typer

try:  # Typer ≥ 0.2x carries its own copy of Click: its errors are not click's classes
    from typer import _click as typer_click
except ImportError:  # pragma: no cover - older Typer uses click itself
    typer_click = click


def _both(name: str) -> tuple[type, ...]:
    found = {getattr(m.exceptions, name, None) for m in (click, typer_click)}
    return tuple(cls for cls in found if cls is not None)

USAGE, FAILED = 2, 1  # exit codes: the command was given wrong input / it could not be done


class UserError(Exception):
    """Raise from a command for a mistake the user can fix (printed as one line)."""

    def __init__(self, message: str, exit_code: int = FAILED):
        super().__init__(message)
        self.exit_code = exit_code


def country(value: str | None) -> str | None:
    """A country's ISO3 code (any case) from the registry, upper-cased; others refused."""
    if value is None or value == "":
        return value
    from forewarn.data import countries

    code = value.strip().upper()
    if countries.get(code) is None:
        names = {c.name.lower(): c.iso3 for c in countries.all_countries()}
        hint = names.get(value.strip().lower())
        raise typer.BadParameter(
            f"unknown country {value!r}" + (f" (did you mean {hint}?)" if hint else
                                            ": give its ISO3 code, e.g. SDN, ETH, HTI"))
    return code


def countries_list(value: str | None) -> str | None:
    """A comma-separated list of ISO3 codes, each checked."""
    if not value:
        return value
    return ",".join(country(code) for code in value.split(",") if code.strip())


def iso_date(value: str | None) -> str | None:
    """A calendar date written YYYY-MM-DD (returned as given, checked)."""
    if value is None or value == "":
        return value
    try:
        date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: write YYYY-MM-DD, "
                                 "e.g. 2025-01-31") from None
    return value


def one_of(*choices: str):
    """A callback accepting only CHOICES (the error lists them)."""

    def check(value: str | None) -> str | None:
        if value is not None and value != "" and value not in choices:
            raise typer.BadParameter(f"{value!r} is not one of: {', '.join(choices)}")
        return value

    return check


def one_line(text: object, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[:limit - 1] + "…"


def _fail(message: str, code: int) -> None:
    print(f"Error: {one_line(message)}", file=sys.stderr)
    sys.exit(code)


def _database_errors() -> tuple[type, ...]:
    from sqlalchemy.exc import OperationalError, ProgrammingError

    return (OperationalError, ProgrammingError)


def _migration_errors() -> tuple[type, ...]:
    from alembic.util import CommandError

    return (CommandError,)


def _data_errors() -> tuple[type, ...]:
    from forewarn.data.errors import DataError

    return (DataError,)


def run(invoke) -> None:
    """Call INVOKE (the Click command in non-standalone mode) and exit as a CLI should."""
    try:
        rv = invoke()
    except _both("NoArgsIsHelpError") as exc:
        exc.show()
        sys.exit(USAGE)
    except (*_both("Exit"), typer.Exit) as exc:
        sys.exit(exc.exit_code)
    except _both("Abort"):
        _fail("aborted", FAILED)
    except _both("UsageError") as exc:
        path = exc.ctx.command_path if exc.ctx else "forewarn"
        _fail(f"{exc.format_message()} (see `{path} --help`)", USAGE)
    except _both("ClickException") as exc:
        _fail(exc.format_message(), exc.exit_code or FAILED)
    except UserError as exc:
        _fail(str(exc), exc.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    except _database_errors() as exc:
        if "no such table" in str(exc) or "does not exist" in str(exc):
            _fail("the database is not set up: run `forewarn db init` (then `forewarn "
                  "import`)", FAILED)
        _fail(f"database error: {str(exc).splitlines()[0]}", FAILED)
    except _data_errors() as exc:  # a bad input file: names the file, row and column
        _fail(str(exc), USAGE)
    except _migration_errors() as exc:
        _fail(f"database migration: {exc}", FAILED)
    except (LookupError, PermissionError) as exc:  # no such record / not allowed
        _fail(str(exc) or type(exc).__name__, FAILED)
    except (ValueError, OSError) as exc:  # bad input, missing or unreadable file
        _fail(str(exc) or type(exc).__name__, USAGE if isinstance(exc, ValueError) else FAILED)
    except Exception as exc:  # a bug: still one line, the traceback on request
        from forewarn.settings import Settings

        if Settings().debug:
            raise
        _fail(f"unexpected {type(exc).__name__}: {exc} (set FOREWARN_DEBUG=1 for the "
              "traceback)", FAILED)
    sys.exit(rv if isinstance(rv, int) else 0)


class ForewarnTyper(typer.Typer):
    """typer.Typer whose call (the `forewarn` script) goes through `run`."""

    def __call__(self, *args, **kwargs):
        if kwargs.get("standalone_mode") is False:
            return super().__call__(*args, **kwargs)
        run(lambda: super(ForewarnTyper, self).__call__(*args, standalone_mode=False,
                                                         **kwargs))


def _plain_type_label(self, ctx) -> str | None:
    """Help shows a parameter's choices or metavar, not its Python type (<bool>, <str>)."""
    if getattr(self, "metavar", None):
        return self.metavar
    desc = getattr(self, "type_descriptor", None)
    if desc is not None and desc.is_choice and desc.choices:
        return "|".join(str(getattr(c, "value", c)) for c in desc.choices)
    return None


def quiet_help_types() -> None:
    from typer import core

    for cls in (core.TyperOption, core.TyperArgument):
        cls.display_type_rich = _plain_type_label
