"""Validation of the curated tables: every problem at once, each one locatable.

A curator who breaks a table wants the full list in one run (file, CSV line,
column, value and the rule broken), not the first exception. Column-level rules
come from the pandera schemas; the cross-column and cross-table rules are here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pandera.errors as pa_errors

from twinrisk.core.errors import ServerDataError
from twinrisk.data.codes import ENDED_STATUSES
from twinrisk.data.registry import BY_FILE, TABLES


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # line number in the CSV file (header is line 1); None = whole file
    column: str | None
    value: str | None
    rule: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", line {self.row}"
        if self.column:
            where += f", column {self.column!r}"
        value = f": value {self.value!r}" if self.value is not None else ""
        return f"{where}{value}: {self.rule}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


class DataValidationError(ServerDataError):
    """Raised by the loaders when the tables break a rule; carries every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems[:50])
        more = f"\n  … and {len(problems) - 50} more" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problem(s) in the curated data:\n{lines}{more}")


def read_raw(path: Path) -> pd.DataFrame:
    """Read a table as text, so that validation sees exactly what was typed."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")


def _line(index: object) -> int | None:
    try:
        return int(str(index)) + 2
    except (TypeError, ValueError):
        return None


def _schema_problems(name: str, raw: pd.DataFrame) -> tuple[pd.DataFrame | None, list[Problem]]:
    schema = BY_FILE[name].schema
    try:
        return schema.validate(raw.copy(), lazy=True), []
    except pa_errors.SchemaErrors as exc:
        problems = []
        for case in exc.failure_cases.itertuples(index=False):
            column = case.column if isinstance(case.column, str) else None
            check = str(case.check)
            value = None if pd.isna(case.failure_case) else str(case.failure_case)
            if check == "column_in_dataframe":
                problems.append(Problem(name, None, value, None, "required column is missing"))
                continue
            if check == "column_in_schema":
                problems.append(Problem(name, None, value, None, "unexpected column"))
                continue
            if check.startswith("field_uniqueness") or check.startswith("multiple_fields"):
                rule = f"duplicate key ({', '.join(schema.unique or [])})"
            elif check == "not_nullable":
                rule = "required value is empty"
            else:
                rule = f"breaks rule {check}"
            if column in raw.columns and case.index in raw.index:
                cell = raw.at[case.index, column]  # report what was typed, not the coerced value
                value = None if pd.isna(cell) else str(cell)
            problems.append(Problem(name, _line(case.index), column, value, rule))
        return None, problems


def _split_ids(cell: object) -> list[str]:
    if not isinstance(cell, str) or not cell:
        return []
    return [part.strip() for part in cell.split(";") if part.strip()]


def _cross_table_problems(raw: dict[str, pd.DataFrame]) -> list[Problem]:
    problems: list[Problem] = []
    source_ids = set(raw["sources.csv"]["source_id"].dropna()) if "sources.csv" in raw else set()
    countries = raw.get("countries.csv")
    iso2 = set(countries["iso2"].dropna()) if countries is not None else set()

    def refs(name: str, df: pd.DataFrame) -> Iterable[Problem]:
        if "sources" in df.columns:
            for idx, cell in df["sources"].items():
                ids = _split_ids(cell)
                if not ids:
                    continue  # an empty cell is reported by the schema
                for sid in ids:
                    if sid not in source_ids:
                        yield Problem(name, _line(idx), "sources", sid, "unknown source id")
        for column in df.columns:
            if (
                column
                in (
                    "country",
                    "local_country",
                    "partner_country",
                    "debtor",
                    "creditor",
                    "country_a",
                    "country_b",
                    "flagship_financier",
                )
                and name != "countries.csv"
                # a category of creditors there (bonds, paris_club, …), not a state
                and (name, column) != ("sovereign_defaults.csv", "creditor")
            ):
                for idx, value in df[column].items():
                    if isinstance(value, str) and value and value not in iso2:
                        yield Problem(
                            name,
                            _line(idx),
                            column,
                            value,
                            "unknown ISO code (not in countries.csv)",
                        )

    for name, df in raw.items():
        if name != "sources.csv":
            problems.extend(refs(name, df))

    dyads = raw.get("dyads.csv")
    places = raw.get("places.csv")
    if dyads is not None:
        problems.extend(_dyad_rules(dyads, places))
    events = raw.get("bilateral_events.csv")
    if events is not None and dyads is not None:
        problems.extend(_event_coverage(dyads, events))
    if countries is not None:
        for idx, row in countries.iterrows():
            if row.get("bri_mou") == "exited" and pd.isna(row.get("bri_exit_year")):
                problems.append(
                    Problem(
                        "countries.csv",
                        _line(idx),
                        "bri_exit_year",
                        None,
                        "status 'exited' needs the exit year",
                    )
                )
            if not pd.isna(row.get("cpi_score")) and pd.isna(row.get("cpi_year")):
                problems.append(
                    Problem(
                        "countries.csv",
                        _line(idx),
                        "cpi_year",
                        None,
                        "a CPI score needs its edition year",
                    )
                )
    debt = raw.get("country_debt.csv")
    if debt is not None:
        shares = debt[debt["metric"] == "ppg_share_pct"]
        for idx, value in shares["value"].items():
            number = pd.to_numeric(value, errors="coerce")
            if pd.notna(number) and not 0 <= float(number) <= 100:
                problems.append(
                    Problem(
                        "country_debt.csv",
                        _line(idx),
                        "value",
                        str(value),
                        "a share in % must lie in [0, 100]",
                    )
                )
        for idx, row in debt.iterrows():
            if row.get("debtor") == row.get("creditor"):
                problems.append(
                    Problem(
                        "country_debt.csv",
                        _line(idx),
                        "creditor",
                        str(row.get("creditor")),
                        "debtor and creditor are the same",
                    )
                )
    return problems


def _int(value: object) -> int | None:
    number = pd.to_numeric(value, errors="coerce")
    return None if pd.isna(number) else int(number)


def _dyad_rules(dyads: pd.DataFrame, places: pd.DataFrame | None) -> Iterable[Problem]:
    name = "dyads.csv"
    known = set()
    if places is not None:
        known = set(zip(places["name"], places["country"], strict=True))
    seen: dict[frozenset[tuple[str, str]], int] = {}
    for idx, row in dyads.iterrows():
        line = _line(idx)
        status = row.get("status")
        established, ended = _int(row.get("established_year")), _int(row.get("ended_year"))
        for side in ("local", "partner"):
            key = (row.get(f"{side}_place"), row.get(f"{side}_country"))
            if places is not None and key not in known:
                yield Problem(
                    name, line, f"{side}_place", f"{key[0]} ({key[1]})", "place not in places.csv"
                )
        if status in ENDED_STATUSES:
            if ended is None:
                yield Problem(name, line, "ended_year", None, f"status '{status}' needs ended_year")
            if pd.isna(row.get("ended_by")):
                yield Problem(name, line, "ended_by", None, f"status '{status}' needs ended_by")
            if pd.isna(row.get("reason_code")):
                yield Problem(
                    name, line, "reason_code", None, f"status '{status}' needs reason_code"
                )
        elif status == "active":
            if ended is not None:
                yield Problem(
                    name, line, "ended_year", str(ended), "an active dyad has no ended_year"
                )
            if not pd.isna(row.get("ended_by")):
                yield Problem(
                    name,
                    line,
                    "ended_by",
                    str(row.get("ended_by")),
                    "an active dyad has no ended_by",
                )
        if established is not None and ended is not None and ended < established:
            yield Problem(
                name,
                line,
                "ended_year",
                str(ended),
                f"ended before it was established ({established})",
            )
        if (row.get("local_place"), row.get("local_country")) == (
            row.get("partner_place"),
            row.get("partner_country"),
        ):
            yield Problem(
                name,
                line,
                "partner_place",
                str(row.get("partner_place")),
                "a place cannot partner itself",
            )
        pair = frozenset(
            {
                (row.get("local_place"), row.get("local_country")),
                (row.get("partner_place"), row.get("partner_country")),
            }
        )
        if pair in seen:
            yield Problem(
                name,
                line,
                "partner_place",
                str(row.get("partner_place")),
                f"duplicate dyad (same pair as line {seen[pair]})",
            )
        else:
            seen[pair] = line or 0


def _event_coverage(dyads: pd.DataFrame, events: pd.DataFrame) -> Iterable[Problem]:
    covered = {frozenset(p) for p in zip(events["country_a"], events["country_b"], strict=True)}
    for idx, row in dyads.iterrows():
        pair = frozenset((row.get("local_country"), row.get("partner_country")))
        if len(pair) == 2 and pair not in covered:
            yield Problem(
                "dyads.csv",
                _line(idx),
                "partner_country",
                f"{row.get('local_country')}-{row.get('partner_country')}",
                "no bilateral event for this pair of countries in bilateral_events.csv",
            )
            covered.add(pair)  # report each uncovered pair once
    for idx, row in events.iterrows():
        if row.get("country_a") == row.get("country_b"):
            yield Problem(
                "bilateral_events.csv",
                _line(idx),
                "country_b",
                str(row.get("country_b")),
                "an event needs two different countries",
            )


def validate_dir(data_dir: Path) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Validate every table in ``data_dir``; return the typed tables and all problems."""
    raw: dict[str, pd.DataFrame] = {}
    typed: dict[str, pd.DataFrame] = {}
    problems: list[Problem] = []
    for spec in TABLES:
        name = spec.file
        path = data_dir / name
        if not path.exists():
            if spec.required:
                problems.append(Problem(name, None, None, None, "required table is missing"))
            continue
        try:
            raw[name] = read_raw(path)
        except (pd.errors.ParserError, UnicodeDecodeError, csv.Error) as exc:
            problems.append(Problem(name, None, None, None, f"cannot be read as CSV: {exc}"))
            continue
        frame, found = _schema_problems(name, raw[name])
        problems.extend(found)
        if frame is not None:
            typed[name] = frame
    problems.extend(_cross_table_problems(raw))
    return typed, problems
