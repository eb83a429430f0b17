"""How the text of a cell becomes a typed value: one parser per kind of column.

A parser turns a text column of the uploaded file into one or more typed columns,
all at once in DuckDB SQL, so that a million rows cost no more than a few distinct
values. A cell that does not parse becomes NULL and is reported once, with the
parser's own message; the checks that run afterwards let NULLs pass.

The sorts:

- ``Sql`` parsers are a SQL expression over the cell (``{c}``), such as dates;
- ``Number`` reads a number by the decimal convention of the whole file;
- ``Lookup`` parsers run once per distinct text in Python (periods, theme lists) and are
  joined back;
- ``Code`` matches mission and indicator codes against the catalogue, whatever their
  case, and brings along what the catalogue says about each.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .periods import FORMS, explain, parse_period

DECIMALS = ("comma", "point")
CONVENTION = {"comma": "a decimal comma, as in 12,5 or 1.234,5",
              "point": "a decimal point, as in 12.5 or \"1,234.5\""}


_GAP = r"[ \x{00A0}\x{202F}]"  # a space, no-break space or narrow no-break space


def _cleaned(c: str) -> str:
    """Spaces that group digits by thousands, as many locales write them, are dropped; any
    other space stays, so that '12 5' is refused rather than read as 125."""
    grouped = rf"[+-]?[1-9]\d{{0,2}}({_GAP}\d{{3}})+([.,]\d+)?"
    return f"CASE WHEN regexp_full_match({c}, '{grouped}') THEN regexp_replace({c}, '{_GAP}', '', 'g') ELSE {c} END"


# Each convention: (plain form, grouped form, SQL turning the grouped form into a plain one).
_NUMBER_FORMS = {
    "point": (r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", r"[+-]?[1-9]\d{0,2}(,\d{3})+(\.\d+)?",
              "replace({s}, ',', '')", "{s}"),
    "comma": (r"[+-]?(\d+,?\d*|,\d+)([eE][+-]?\d+)?", r"[+-]?[1-9]\d{0,2}(\.\d{3})+(,\d+)?",
              "replace(replace({s}, '.', ''), ',', '.')", "replace({s}, ',', '.')"),
}


# A cell that both conventions read, as different numbers: 1,234 is 1234 or 1.234, and so is 1.234.
AMBIGUOUS = r"[+-]?[1-9]\d{0,2}[.,]\d{3}"
# What a spreadsheet shows where a formula fails, exported as it stands.
SPREADSHEET_ERROR = r"#(DIV/0!|N/A|NAME\?|NULL!|NUM!|REF!|VALUE!|SPILL!|CALC!|FIELD!|BLOCKED!|GETTING_DATA)"


def number_sql(c: str, decimal: str, finite: bool = True) -> str:
    """SQL for the number a cell holds under one decimal convention; NULL if it holds none.

    With ``finite``, a number too large for a double (1e400, read as infinity) or too close to zero for
    one (1e-400, read as 0) is NULL too: neither is the figure anyone reported."""
    plain, grouped, ungroup, unplain = _NUMBER_FORMS[decimal]
    s = _cleaned(c)
    n = (f"CASE WHEN regexp_full_match({s}, '{plain}') THEN TRY_CAST({unplain.format(s=s)} AS DOUBLE) "
         f"WHEN regexp_full_match({s}, '{grouped}') THEN TRY_CAST({ungroup.format(s=s)} AS DOUBLE) END")
    if not finite:
        return n
    return f"CASE WHEN isfinite({n}) AND NOT ({n} = 0 AND regexp_matches({s}, '[1-9][^eE]*[eE]-')) THEN {n} END"


@dataclass(frozen=True)
class Sql:
    """A parser written as one SQL expression over the cell ``{c}``."""

    expression: str
    message: str
    type: str = "VARCHAR"

    def outputs(self, name: str) -> dict[str, str]:
        return {name: self.type}


@dataclass(frozen=True)
class Number:
    """A number, read with the decimal convention of the file (never guessed cell by cell).

    ``other_convention`` is the message for a cell that would be a number under the other
    convention: it names the convention the file was read with. ``ambiguous`` is for a cell
    both conventions read, differently (1,234), in a file where nothing else shows which it follows."""

    message: str = "'{text}' is not a number. Give a number, or leave the row out if there is no value."
    other_convention: str = ("'{text}' does not fit how this file writes numbers: it was read with "
                             "{convention}, because {why}. Write it that way, or choose the decimal "
                             "{other} for this upload (--decimal {other}).")
    ambiguous: str = ("'{text}' could be read two ways: as {reading} by the decimal {used} this file is read with "
                      "(because {why}), or as {other_reading} with a decimal {other}. No other number in the file shows "
                      "which is meant: choose the decimal {used} or {other} for this upload (--decimal {used} or "
                      "--decimal {other}), or write the number without a thousands separator.")
    too_large: str = ("'{text}' is too large to be stored: numbers can be up to about 1.8e308. "
                      "Check the figure, or leave the row out.")
    too_small: str = ("'{text}' is too close to zero to be stored (the limit is about 1e-308); write 0 "
                      "if it is zero.")
    spreadsheet_error: str = ("'{text}' is what a spreadsheet shows where a formula fails, not a number. "
                              "Correct the formula, or leave the row out if there is no value.")
    type: str = "DOUBLE"

    def outputs(self, name: str) -> dict[str, str]:
        return {name: self.type}


@dataclass(frozen=True)
class Lookup:
    """A parser run once per distinct text; ``table`` maps those texts to the typed columns.

    ``table(texts, catalogue)`` returns a frame with a ``text`` column and one column per
    output; an output's name has ``{name}`` replaced by the column's name. The output named
    ``{name}`` itself is NULL when the text does not parse.
    """

    table: Callable[[pd.Series, dict[str, pd.DataFrame]], pd.DataFrame]
    types: dict[str, str]
    message: str
    explain: Callable[[str], str | None] = lambda _: None  # a message for one text, where it knows better

    def outputs(self, name: str) -> dict[str, str]:
        return {out.format(name=name): kind for out, kind in self.types.items()}


def _null_if_empty(c: str) -> str:
    return f"nullif({c}, '')"


TEXT = Sql(_null_if_empty("{c}"), "")
LOWER = Sql(f"lower({_null_if_empty('{c}')})", "")
TOTAL_IF_EMPTY = Sql("coalesce(nullif({c}, ''), 'total')", "")
NUMBER = Number()
DATE = Sql("TRY_CAST(TRY_STRPTIME(regexp_replace({c}, ' 00:00:00$', ''), '%Y-%m-%d') AS DATE)",
           "'{text}' is not a date. Write dates as YYYY-MM-DD, e.g. 2024-07-15.", "DATE")
TRUE, FALSE = ("true", "yes", "y", "1", "x"), ("false", "no", "n", "0", "")
BOOLEAN = Sql(f"CASE WHEN lower({{c}}) IN {TRUE} THEN true WHEN lower({{c}}) IN {FALSE} THEN false END",
              "'{text}' is not yes or no. Write true or false.", "BOOLEAN")
SEX_ALIASES = {"f": "female", "m": "male", "all": "total", "both": "total", "": "total"}
SEX = Sql("CASE lower({c}) " + " ".join(f"WHEN '{a}' THEN '{s}'" for a, s in SEX_ALIASES.items())
          + " ELSE lower({c}) END", "")


def _periods(texts: pd.Series, _: dict) -> pd.DataFrame:
    found = [parse_period(t) for t in texts]
    return pd.DataFrame({
        "text": texts,
        "{name}": [p.code if p else None for p in found],
        "{name}_type": [p.type if p else None for p in found],
        "{name}_start": pd.to_datetime([p.start if p else None for p in found]),
        "{name}_end": pd.to_datetime([p.end if p else None for p in found]),
    })


PERIOD = Lookup(_periods, {"{name}": "VARCHAR", "{name}_type": "VARCHAR",
                           "{name}_start": "DATE", "{name}_end": "DATE"},
                f"'{{text}}' is not a period. Write it as one of {FORMS}.", explain)


def listed(text: object) -> list[str]:
    """The items of a list typed in one cell, separated by ';' (or ',' or '|')."""
    return [p.strip() for p in re.split(r"[;,|]", str(text)) if p.strip()]


def _theme_list(text: str) -> str | None:
    parts = listed(text)
    if not parts or not all(p.isdigit() and 1 <= int(p) <= 10 for p in parts):
        return None
    numbers = [int(p) for p in parts]
    return ";".join(map(str, numbers)) if len(set(numbers)) == len(numbers) else None


THEMES = Lookup(lambda texts, _: pd.DataFrame({"text": texts, "{name}": texts.map(_theme_list)}),
                {"{name}": "VARCHAR"},
                "'{text}' is not a list of theme numbers. Give numbers from 1 to 10 separated by ';', "
                "the primary theme first, e.g. 7;2.")


@dataclass(frozen=True)
class Code:
    """A code of the catalogue, matched whatever its case. An unknown code is kept as typed,
    with ``{name}_known`` false, so that the model's check reports it with a suggestion."""

    catalogue: str
    message: str = ""

    def outputs(self, name: str) -> dict[str, str]:
        context = {f"{name}_{c}": kind for c, kind in CATALOGUE_CONTEXT[self.catalogue].items()}
        return {name: "VARCHAR", f"{name}_known": "BOOLEAN", **context}

    def table(self, texts: pd.Series, catalogue: dict[str, pd.DataFrame]) -> pd.DataFrame:
        known = catalogue[self.catalogue]
        found = known.set_index(known["code"].str.upper()).reindex(texts.str.upper())
        # A blank code is reported as empty already; it is not also an unknown one.
        known = found["code"].notna().to_numpy() | (texts == "").to_numpy()
        out = pd.DataFrame({"text": texts.to_numpy(), "{name}": found["code"].fillna(texts).to_numpy(),
                            "{name}_known": known})
        for column in CATALOGUE_CONTEXT[self.catalogue]:
            out[f"{{name}}_{column}"] = found[column].to_numpy()
        return out


@dataclass(frozen=True)
class Codes:
    """Codes of the catalogue separated by ';', matched whatever their case. ``{name}`` holds the
    known ones as the catalogue writes them; ``{name}_unknown`` the others, for the model to report."""

    catalogue: str
    message: str = ""

    def outputs(self, name: str) -> dict[str, str]:
        return {name: "VARCHAR", f"{name}_unknown": "VARCHAR"}

    def table(self, texts: pd.Series, catalogue: dict[str, pd.DataFrame]) -> pd.DataFrame:
        known = dict(zip(catalogue[self.catalogue]["code"].str.upper(), catalogue[self.catalogue]["code"]))
        items = [listed(t) for t in texts]
        return pd.DataFrame({
            "text": texts.to_numpy(),
            "{name}": [";".join(dict.fromkeys(known[p.upper()] for p in parts if p.upper() in known)) or None
                       for parts in items],
            "{name}_unknown": [", ".join(p for p in parts if p.upper() not in known) or None for parts in items]})


# What each catalogue tells about a code, for the checks and warnings of the rows using it.
CATALOGUE_CONTEXT = {
    "mission": {"start_date": "DATE", "end_date": "DATE"},
    "indicator": {"measure": "VARCHAR", "period_type": "VARCHAR", "direction": "VARCHAR"},
}
MISSION = Code(catalogue="mission")
INDICATOR = Code(catalogue="indicator")
INDICATOR_LIST = Codes(catalogue="indicator")
# A DOUBLE, as pandas reads a whole-number column with gaps; it is stored as an integer.
THEME = Sql("CASE WHEN regexp_full_match({c}, '[0-9]{{1,2}}') THEN {c}::DOUBLE END",
            "'{text}' is not a theme number. Give a number from 1 to 10 (see the themes page).", "DOUBLE")

Parser = Sql | Number | Lookup | Code | Codes
