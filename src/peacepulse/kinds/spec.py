"""The shape of a file-kind spec: everything PeacePulse knows about one kind of upload.

Reading, parsing, checking, writing and problem reporting all loop over a `Kind`;
none of them branches on the kind's name. Adding a kind means one spec module and
one migration.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Literal

import pandera.pandas as pa

from .cells import TEXT, Parser


@dataclass(frozen=True)
class Column:
    """A column of the file: its name, whether every file needs it, and how its cells parse."""

    name: str
    parse: Parser = TEXT
    required: bool = False
    example: str = ""  # a cell of the kind's template file


class Rule(str):
    """The plain-language message of one check, and the column it points at.

    It is given to pandera as the check's ``error``, so the message travels with the
    check itself. ``{name}`` in the text is replaced by the cell of that column as the
    file wrote it, or, for a column the file does not have, by its parsed value.
    """

    column: str

    def __new__(cls, column: str, text: str) -> Rule:
        rule = super().__new__(cls, text)
        rule.column = column
        return rule


def row_check(column: str, message: str):
    """A pandera dataframe check on each row, whose failures point at ``column``."""
    return pa.dataframe_check(error=Rule(column, message))


@dataclass(frozen=True)
class Kind:
    """One kind of upload file.

    ``stored`` maps each column of ``table`` to the parsed column it is written from.
    ``current`` is what a staged row is compared with, on ``key``; a difference in any of
    ``compared`` makes the row a revision. ``write`` says whether a revised row is added
    as a new revision (the old one kept) or replaces the stored one. ``after_write`` are
    SQL statements run after each write, over the temporary table ``staged``.
    ``derived`` replaces parsed columns, or adds columns, by SQL over the parsed row (named
    ``parsed_row``, which may also read the store), for values that depend on other columns.
    ``recorded`` are stored columns kept as they stood when the row was written, but never compared:
    a change in them alone does not revise a row. ``warnings`` are the rules (kinds.warnings)
    whose findings never block an upload. ``history`` names the table that keeps a copy of every
    version a replacing write wrote (with ``revision``, ``batch_id`` and ``recorded_at``), so that the
    store can be read as it stood at any moment.
    """

    name: str
    columns: tuple[Column, ...]
    model: type[pa.DataFrameModel]
    key: tuple[str, ...]
    table: str
    stored: dict[str, str]
    write: Literal["revision", "replace"]
    current: str = ""
    after_write: tuple[str, ...] = ()
    derived: dict[str, str] = field(default_factory=dict)
    recorded: tuple[str, ...] = ()
    warnings: tuple[object, ...] = ()
    history: str = ""

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    def template(self) -> str:
        """A CSV file of this kind with every column, the required ones first, and one example row."""
        columns = sorted(self.columns, key=lambda c: not c.required)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerows([[c.name for c in columns], [c.example for c in columns]])
        return out.getvalue()

    @property
    def series(self) -> tuple[str, ...]:
        """What a user thinks of as one series: the key without its period and breakdowns."""
        return self.key[:2]

    @property
    def compared(self) -> tuple[str, ...]:
        return tuple(c for c in self.stored if c not in self.key and c not in self.recorded)

    @property
    def compared_with(self) -> str:
        return self.current or self.table
