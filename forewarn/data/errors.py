"""One error type for bad input: it always names the file, and the row and column when known."""

from __future__ import annotations


class DataError(Exception):
    def __init__(self, file: str, message: str, row: int | None = None, column: str | None = None):
        self.file, self.row, self.column, self.reason = str(file), row, column, message
        where = self.file
        if row is not None:
            where += f", row {row}"
        if column is not None:
            where += f", column '{column}'"
        super().__init__(f"{where}: {message}")


class CatalogError(DataError, ValueError):
    """A catalogue file (YAML in forewarn/catalog/, a sub-package's, or an administrator's
    override) is invalid: it names the file, the entry (e.g. "tool 'no_fly_zone'") and field
    when known, and `problems` lists every reason found, so one run reports them all."""

    def __init__(self, file: str, problems: str | list[str], *, entry: str | None = None,
                 field: str | None = None):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.entry, self.field = entry, field
        where = ", ".join(p for p in (entry, f"field '{field}'" if field else None) if p)
        message = "; ".join(self.problems)
        super().__init__(file, f"{where}: {message}" if where else message)

    @property
    def source(self) -> str:
        """The file, as the Framework catalogue's callers name it."""
        return self.file


class FetchError(ValueError):
    """Fetching from the network failed or was refused (a source download, an archival
    capture of a web page); the message says which URL or file and why."""
