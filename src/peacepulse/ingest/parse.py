"""Parse the cells of ``upload_raw`` into the typed table ``upload_typed``, by the kind's spec;
``upload_checked`` adds what the checks need beyond the row itself.

Every column of the spec gets its parsed columns; the text of each column the file has
stays beside them as ``<column>__text``, for messages. A cell that does not parse is
NULL and reported here, once; checks then let NULLs pass.
"""
from __future__ import annotations

import duckdb
import pandas as pd

from ..kinds import Kind, cells
from ..kinds.cells import CATALOGUE_CONTEXT, CONVENTION, DECIMALS, Code, Codes, Lookup, Number, Sql, number_sql
from . import problems
from .read import SEPARATORS, Table, quote_name

CHOSEN = "it was chosen for this upload"


def decimal_for(table: Table, chosen: str | None) -> tuple[str, str]:
    """The file's decimal convention, and why: as chosen, else a comma for semicolon-separated files."""
    if chosen is not None:
        if chosen not in DECIMALS:
            raise ValueError(f"Unknown decimal convention '{chosen}'; use comma or point.")
        return chosen, CHOSEN
    if table.separator is None:
        return "point", "it is a workbook"
    return ("comma" if table.separator == ";" else "point"), f"it is {SEPARATORS[table.separator]}-separated"


def _outputs(con, kind: Kind, table: Table, decimal: str) -> tuple[list[str], list[str], dict[str, str]]:
    """SELECT items, JOIN clauses, and for each column the SQL that is true where a cell is bad."""
    items, joins, bad = [], [], {}
    catalogue: dict[str, pd.DataFrame] = {}
    for column in kind.columns:
        name, parser, present = column.name, column.parse, column.name in table.columns
        text = f"r.{quote_name(name)}" if present else "''"
        if present:
            items.append(f"{text} AS {quote_name(name + '__text')}")
        if isinstance(parser, Sql | Number):
            sql = (number_sql(text, decimal) if isinstance(parser, Number)
                   else parser.expression.format(c=text))
            if name in table.numbers:
                sql = f"coalesce(r.{quote_name(name + '__number')}, {sql})"
                items.append(f"r.{quote_name(name + '__number')} IS NULL AS {quote_name(name + '__typed')}")
            if isinstance(parser, Number):
                sql = f"({sql}) + 0.0"  # -0 is stored as 0
            items.append(f"{sql} AS {quote_name(name)}")
            first = sql
        elif not present:
            items += [f"NULL::{kind_} AS {quote_name(out)}" for out, kind_ in parser.outputs(name).items()]
            continue
        else:
            if isinstance(parser, Code | Codes) and parser.catalogue not in catalogue:
                context = ", ".join(CATALOGUE_CONTEXT[parser.catalogue])
                catalogue[parser.catalogue] = con.execute(f"SELECT code, {context} FROM {parser.catalogue}").fetchdf()
            texts = con.execute(f"SELECT DISTINCT {quote_name(name)} AS text FROM upload_raw").fetchdf()["text"]
            found = parser.table(texts.astype(object), catalogue)
            found.columns = [c.format(name=name) for c in found.columns]
            view = f"lookup_{name}"
            con.register(view, found)
            alias = f"l_{name}"
            joins.append(f"LEFT JOIN {view} {alias} ON {alias}.text = {text}")
            items += [f"{alias}.{quote_name(out)}::{kind_} AS {quote_name(out)}" for out, kind_ in parser.outputs(name).items()]
            first = f"{alias}.{quote_name(name)}"
            if isinstance(parser, Code | Codes):
                continue
        if present and parser.message:
            bad[name] = f"({text} <> '' AND {first} IS NULL)"
    return items, joins, bad


def _repeated_keys(kind: Kind) -> str:
    """``upload_checked``: the parsed rows with ``key_first_line``, the first line holding the
    same key, for rows whose key repeats (else NULL). Grouping keeps it cheap: only repeated
    keys, usually none, are joined back to their rows, when the rows are read."""
    key = ", ".join(quote_name(k) for k in kind.key)
    complete = " AND ".join(f"{quote_name(k)} IS NOT NULL" for k in kind.key)
    return f"""
        CREATE OR REPLACE TEMP TABLE upload_repeats AS
        SELECT {key}, min(line) AS key_first_line FROM upload_typed WHERE {complete}
        GROUP BY ALL HAVING count(*) > 1;
        CREATE OR REPLACE TEMP VIEW upload_checked AS
        SELECT t.*, r.key_first_line FROM upload_typed t LEFT JOIN upload_repeats r USING ({key})"""


def parse(con: duckdb.DuckDBPyConnection, kind: Kind, table: Table, decimal: tuple[str, str]) -> list[dict]:
    """Fill ``upload_typed``; return the problems of cells that are empty or do not parse."""
    items, joins, bad = _outputs(con, kind, table, decimal[0])
    flags = [f"{sql} AS {quote_name(name + '__bad')}" for name, sql in bad.items()]
    derived = ", ".join(f"{sql} AS {quote_name(name)}" for name, sql in kind.derived.items())
    outputs = {out for c in kind.columns for out in c.parse.outputs(c.name)}
    added = [f"NULL AS {quote_name(name)}" for name in kind.derived if name not in outputs]
    parsed = f"SELECT r.line, {', '.join(items + added + flags)} FROM upload_raw r {' '.join(joins)}"
    if derived:
        parsed = f"SELECT * REPLACE ({derived}) FROM ({parsed}) parsed_row"
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE upload_typed AS {parsed}")
        con.execute(_repeated_keys(kind))
    finally:
        for column in kind.columns:
            try:
                con.unregister(f"lookup_{column.name}")
            except duckdb.Error:
                pass
    return _empty_cells(con, kind) + _unparsed(con, kind, bad, decimal) + _ambiguous(con, kind, table, decimal)


def _empty_cells(con, kind: Kind) -> list[dict]:
    found = []
    for name in kind.required:
        lines = con.execute(f"SELECT line FROM upload_typed WHERE {quote_name(name + '__text')} = ''").fetchall()
        found += [problems.problem(line, name, "", f"{name} is empty; every row needs one.") for (line,) in lines]
    return found


def _number_message(parser: Number, text: str, used: str, other: str) -> str:
    """SQL choosing which of the parser's messages fits a cell that does not parse."""
    return f"""CASE WHEN {number_sql(text, other)} IS NOT NULL THEN 'other_convention'
                    WHEN isinf({number_sql(text, used, finite=False)}) THEN 'too_large'
                    WHEN {number_sql(text, used, finite=False)} IS NOT NULL THEN 'too_small'
                    WHEN regexp_full_match({text}, '{cells.SPREADSHEET_ERROR}') THEN 'spreadsheet_error'
                    ELSE 'message' END"""


def _unparsed(con, kind: Kind, bad: dict[str, str], decimal: tuple[str, str]) -> list[dict]:
    (used, why), found = decimal, []
    other = next(d for d in DECIMALS if d != used)
    for name in bad:
        parser, text = next(c.parse for c in kind.columns if c.name == name), quote_name(name + "__text")
        which = _number_message(parser, text, used, other) if isinstance(parser, Number) else "'message'"
        rows = con.execute(f"SELECT line, {text}, {which} FROM upload_typed "
                           f"WHERE {quote_name(name + '__bad')}").fetchall()
        for line, cell, chosen in rows:
            explained = parser.explain(cell) if isinstance(parser, Lookup) else None
            message = explained or getattr(parser, chosen).format(
                text=problems.shown(cell), convention=CONVENTION[used], why=why, other=other)
            found.append(problems.problem(line, name, cell, message))
    numbers = [n for n in bad if any(c.name == n and isinstance(c.parse, Number) for c in kind.columns)]
    return found + _mixed_conventions(con, numbers, decimal)


def _ambiguous(con, kind: Kind, table: Table, decimal: tuple[str, str]) -> list[dict]:
    """Cells that both conventions read, as different numbers (1,234 is 1234 or 1.234), in a file where no
    other number shows which convention it follows: refused, never guessed. Choosing the convention
    for the upload settles it."""
    used, why = decimal
    numbers = [c.name for c in kind.columns if isinstance(c.parse, Number) and c.name in table.columns]
    if why == CHOSEN or not numbers:
        return []
    other = next(d for d in DECIMALS if d != used)

    def text(name: str) -> str:
        return quote_name(name + "__text")

    def typed(name: str) -> str:  # typed as text, not a number cell of a workbook
        return quote_name(name + "__typed") if name in table.numbers else "true"

    either = {n: f"{typed(n)} AND {quote_name(n)} IS NOT NULL AND regexp_full_match({text(n)}, '{cells.AMBIGUOUS}')"
              for n in numbers}
    counts = con.execute(f"SELECT {', '.join(f'count(*) FILTER ({sql})' for sql in either.values())} "
                         "FROM upload_typed").fetchall()[0]
    if not any(counts):
        return []
    shows = " OR ".join(f"({typed(n)} AND {quote_name(n)} IS NOT NULL AND regexp_matches({text(n)}, '[.,]') "
                        f"AND NOT regexp_full_match({text(n)}, '{cells.AMBIGUOUS}'))" for n in numbers)
    if con.execute(f"SELECT coalesce(bool_or({shows}), false) FROM upload_typed").fetchall()[0][0]:
        return []
    found = []
    for name, count in zip(numbers, counts):
        if not count:
            continue
        rows = con.execute(f"SELECT line, {text(name)}, {quote_name(name)}, {number_sql(text(name), other)} "
                           f"FROM upload_typed WHERE {either[name]} ORDER BY line").fetchall()
        parser = next(c.parse for c in kind.columns if c.name == name)
        found += [problems.problem(line, name, cell, parser.ambiguous.format(
            text=cell, reading=f"{reading:g}", other_reading=f"{other_reading:g}", convention=CONVENTION[used],
            why=why, used=used, other=other)) for line, cell, reading, other_reading in rows]
    return found


def _mixed_conventions(con, numbers: list[str], decimal: tuple[str, str]) -> list[dict]:
    """One message for the whole file when some of its numbers follow the other convention."""
    (used, why), found = decimal, []
    other = next(d for d in DECIMALS if d != used)
    for name in numbers:
        text = quote_name(name + "__text")
        count, line, example = con.execute(
            f"SELECT count(*), min(line), arg_min({text}, line) FROM upload_typed "
            f"WHERE {quote_name(name + '__bad')} AND {number_sql(text, other)} IS NOT NULL").fetchall()[0]
        if count:
            found.append(problems.problem(1, name, "", (
                f"This file was read with {CONVENTION[used]}, because {why}, but {count:,} "
                f"{'cell' if count == 1 else 'cells'} of {name} {'uses' if count == 1 else 'use'} {CONVENTION[other]} "
                f"(first on line {line}: "
                f"'{example}'). Write every number the same way, or choose the decimal {other} for this "
                f"upload (--decimal {other}).")))
    return found
