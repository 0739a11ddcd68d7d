"""Errors a user can act on: they name the file, the line and the field."""

from __future__ import annotations


class BadInputError(ValueError):
    """Input the user can fix (arguments, options, files): the CLI prints the message and exits
    254, never with a traceback. Every such error of the harness derives from this class."""


class HistoryFormatError(BadInputError):
    """A history file (or an op in it) is malformed."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self.describe())

    def describe(self) -> str:
        """``file:line: field 'f': message``, leaving out what is unknown."""
        where = []
        if self.file is not None:
            where.append(self.file)
        if self.line is not None:
            where.append(f"line {self.line}")
        prefix = ", ".join(where)
        fld = f"field '{self.field}': " if self.field is not None else ""
        return f"{prefix}: {fld}{self.message}" if prefix else f"{fld}{self.message}"

    def located(self, file: str) -> HistoryFormatError:
        """The same error, with the file name filled in."""
        return HistoryFormatError(self.message, file=file, line=self.line, field=self.field)


__all__ = ["BadInputError", "HistoryFormatError"]
