"""Validation of the curated tables: every problem at once, each one locatable.

A curator who breaks a table wants the full list in one run (file, CSV line,
column, value and the rule broken), not the first exception. Column-level rules
come from the pandera schemas; the cross-column and cross-table rules are here.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pandera.errors as pa_errors

from twinrisk.core.errors import ServerDataError
from twinrisk.data.codes import ENDED_STATUSES, SANCTION_BODIES
from twinrisk.data.dates import date_problems
from twinrisk.data.problems import Problem, blank, split_ids
from twinrisk.data.problems import as_int as _int
from twinrisk.data.problems import line as _line
from twinrisk.data.registry import BY_FILE, TABLES
from twinrisk.data.tie_rules import tie_event_problems

__all__ = ["DataValidationError", "Problem", "read_raw", "validate_dir"]

#: columns holding one ISO 3166-1 code that must be in countries.csv (except in the
#: tables named: ``sovereign_defaults.creditor`` is a class of debt, not a country)
ISO_COLUMNS = (
    "country",
    "local_country",
    "partner_country",
    "debtor",
    "creditor",
    "country_a",
    "country_b",
    "flagship_financier",
    "state_a",
    "state_b",
    "holder_state",
)
NOT_ISO = {("sovereign_defaults.csv", "creditor")}


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


def _schema_problems(name: str, raw: pd.DataFrame) -> tuple[pd.DataFrame | None, list[Problem]]:
    schema = BY_FILE[name].schema
    try:
        return schema.validate(raw.copy(), lazy=True), []
    except pa_errors.SchemaErrors as exc:
        problems = []
        for case in exc.failure_cases.itertuples(index=False):
            column = case.column if isinstance(case.column, str) else None
            failure = case.failure_case
            if isinstance(failure, dict) and len(failure) == 1:
                column = next(iter(failure))  # a row rule (``_rows_where``): its cell
            check = str(case.check)
            value = None if isinstance(failure, dict) or pd.isna(failure) else str(failure)
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


def _cross_table_problems(raw: dict[str, pd.DataFrame]) -> list[Problem]:
    problems: list[Problem] = []
    source_ids = set(raw["sources.csv"]["source_id"].dropna()) if "sources.csv" in raw else set()
    countries = raw.get("countries.csv")
    iso2 = set(countries["iso2"].dropna()) if countries is not None else set()
    for name, df in raw.items():
        if name != "sources.csv":
            problems.extend(_reference_problems(name, df, source_ids, iso2))

    dyads = raw.get("dyads.csv")
    places = raw.get("places.csv")
    if dyads is not None:
        problems.extend(_dyad_rules(dyads, places))
    events = raw.get("bilateral_events.csv")
    if events is not None:
        problems.extend(_event_rules(events))
        if dyads is not None:
            problems.extend(_event_coverage(dyads, events))
    if countries is not None:
        problems.extend(_country_rules(countries))
    debt = raw.get("country_debt.csv")
    if debt is not None:
        problems.extend(_debt_rules(debt))
    ties = raw.get("tie_events.csv")
    if ties is not None:
        problems.extend(tie_event_problems(ties, dyads))
    sanctions = raw.get("sanctions_regimes.csv")
    if sanctions is not None:
        problems.extend(_sanction_rules(sanctions, iso2))
    wars = raw.get("wars.csv")
    if wars is not None:
        problems.extend(_war_rules(wars))
    indicators = raw.get("country_indicators.csv")
    if indicators is not None:
        problems.extend(_indicator_rules(indicators))
    legal = raw.get("legal_regimes.csv")
    if legal is not None:
        problems.extend(_legal_rules(legal, iso2))
    return problems


def _reference_problems(
    name: str, df: pd.DataFrame, source_ids: set[str], iso2: set[str]
) -> Iterable[Problem]:
    """Source ids in sources.csv; country codes in countries.csv."""
    if "sources" in df.columns:
        for idx, cell in df["sources"].items():
            for sid in split_ids(cell):  # an empty cell is reported by the schema
                if sid not in source_ids:
                    yield Problem(name, _line(idx), "sources", sid, "unknown source id")
    if name == "countries.csv":
        return
    for column in df.columns:
        if column not in ISO_COLUMNS or (name, column) in NOT_ISO:
            continue
        for idx, value in df[column].items():
            if isinstance(value, str) and value and value not in iso2:
                yield Problem(
                    name, _line(idx), column, value, "unknown ISO code (not in countries.csv)"
                )


def _country_rules(countries: pd.DataFrame) -> Iterable[Problem]:
    name = "countries.csv"
    for idx, row in countries.iterrows():
        at, status = _line(idx), row.get("bri_mou")
        if status == "exited" and blank(row.get("bri_exit_year")):
            yield Problem(name, at, "bri_exit_year", None, "status 'exited' needs the exit year")
        if status == "no":
            for column in ("bri_mou_year", "bri_exit_year"):
                if not blank(row.get(column)):
                    yield Problem(
                        name, at, column, str(row.get(column)), "BRI status 'no' has no year"
                    )
        if status != "exited" and not blank(row.get("bri_exit_year")):
            yield Problem(
                name,
                at,
                "bri_exit_year",
                str(row.get("bri_exit_year")),
                f"an exit year needs status 'exited' (status is {status!r})",
            )
        if not blank(row.get("cpi_score")) and blank(row.get("cpi_year")):
            yield Problem(name, at, "cpi_year", None, "a CPI score needs its edition year")
        if not blank(row.get("imf_dsa_risk")) and blank(row.get("imf_dsa_date")):
            yield Problem(
                name,
                at,
                "imf_dsa_date",
                None,
                f"a debt-distress rating ({row.get('imf_dsa_risk')}) needs its date",
            )


def _debt_rules(debt: pd.DataFrame) -> Iterable[Problem]:
    name = "country_debt.csv"
    shares = debt[debt["metric"] == "ppg_share_pct"]
    for idx, value in shares["value"].items():
        number = pd.to_numeric(value, errors="coerce")
        if pd.notna(number) and not 0 <= float(number) <= 100:
            yield Problem(
                name, _line(idx), "value", str(value), "a share in % must lie in [0, 100]"
            )
    for idx, row in debt.iterrows():
        if row.get("debtor") == row.get("creditor"):
            yield Problem(
                name,
                _line(idx),
                "creditor",
                str(row.get("creditor")),
                "debtor and creditor are the same",
            )


def _sanction_rules(sanctions: pd.DataFrame, iso2: set[str]) -> Iterable[Problem]:
    """An imposer is a body (EU, UN, UK) or a state; a target is a state or the EU."""
    name = "sanctions_regimes.csv"
    for idx, row in sanctions.iterrows():
        imposer, target = row.get("imposer"), row.get("target")
        if isinstance(imposer, str) and imposer not in SANCTION_BODIES and imposer not in iso2:
            yield Problem(name, _line(idx), "imposer", imposer, "unknown imposer")
        if isinstance(target, str) and target != "EU" and target not in iso2:
            yield Problem(
                name, _line(idx), "target", target, "unknown ISO code (not in countries.csv)"
            )
        if isinstance(imposer, str) and imposer == target:
            yield Problem(name, _line(idx), "target", target, "a state does not sanction itself")


def _war_rules(wars: pd.DataFrame) -> Iterable[Problem]:
    for idx, row in wars.iterrows():
        if not blank(row.get("state_a")) and row.get("state_a") == row.get("state_b"):
            yield Problem(
                "wars.csv",
                _line(idx),
                "state_b",
                str(row.get("state_b")),
                "a war needs two different states",
            )


#: indicator -> the values it can take
INDICATOR_RANGES = {
    "vdem_row": ("an integer 0-3", {0.0, 1.0, 2.0, 3.0}),
    "cpi_score": ("in [0, 100]", None),
}


def _indicator_rules(indicators: pd.DataFrame) -> Iterable[Problem]:
    for idx, row in indicators.iterrows():
        indicator, value = row.get("indicator"), row.get("value")
        number = pd.to_numeric(value, errors="coerce")
        if indicator not in INDICATOR_RANGES or pd.isna(number):
            continue  # reported by the schema
        label, allowed = INDICATOR_RANGES[str(indicator)]
        ok = float(number) in allowed if allowed else 0 <= float(number) <= 100
        if not ok:
            yield Problem(
                "country_indicators.csv",
                _line(idx),
                "value",
                str(value),
                f"{indicator} is {label}",
            )


def _legal_rules(legal: pd.DataFrame, iso2: set[str]) -> Iterable[Problem]:
    """A jurisdiction is a country or one of its subdivisions; targets are countries."""
    name = "legal_regimes.csv"
    for idx, row in legal.iterrows():
        jurisdiction = row.get("jurisdiction")
        if isinstance(jurisdiction, str) and jurisdiction[:2] not in iso2:
            yield Problem(
                name,
                _line(idx),
                "jurisdiction",
                jurisdiction,
                "unknown ISO code (not in countries.csv)",
            )
        for target in split_ids(row.get("targets")):
            if target != "any" and target not in iso2:
                yield Problem(
                    name, _line(idx), "targets", target, "unknown ISO code (not in countries.csv)"
                )


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
            if not pd.isna(row.get("reason_code")):
                yield Problem(
                    name,
                    line,
                    "reason_code",
                    str(row.get("reason_code")),
                    "an active dyad has no reason_code",
                )
        if established is not None and ended is not None and ended < established:
            yield Problem(
                name,
                line,
                "ended_year",
                str(ended),
                f"ended before it was established ({established})",
            )
        contested = _int(row.get("contested_year"))
        if established is not None and contested is not None and contested < established:
            yield Problem(
                name,
                line,
                "contested_year",
                str(contested),
                f"contested before it was established ({established})",
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


#: event kinds that improve the climate: their severity is never positive
EASING_KINDS = ("agreement", "thaw")


def _event_rules(events: pd.DataFrame) -> Iterable[Problem]:
    name = "bilateral_events.csv"
    seen: dict[tuple[frozenset[str], str, str], tuple[int | None, str]] = {}
    for idx, row in events.iterrows():
        a, b, kind = row.get("country_a"), row.get("country_b"), row.get("kind")
        if a == b:
            yield Problem(
                name, _line(idx), "country_b", str(b), "an event needs two different countries"
            )
        severity = _int(row.get("severity"))
        if kind in EASING_KINDS and severity is not None and severity > 0:
            yield Problem(
                name,
                _line(idx),
                "severity",
                str(row.get("severity")),
                f"an event of kind '{kind}' improves the climate: severity must be <= 0",
            )
        if blank(row.get("date")) or blank(kind):
            continue
        key = (frozenset((str(a), str(b))), str(row.get("date")), str(kind))
        if key in seen:
            first_line, first_id = seen[key]
            yield Problem(
                name,
                _line(idx),
                "event_id",
                str(row.get("event_id")),
                f"duplicate event: same pair, date and kind as {first_id} (line {first_line})",
            )
        else:
            seen[key] = (_line(idx), str(row.get("event_id")))


def validate_dir(
    data_dir: Path, today: dt.date | None = None
) -> tuple[dict[str, pd.DataFrame], list[Problem]]:
    """Validate every table in ``data_dir``; return the typed tables and all problems.

    ``today`` (default: the clock's date) is the latest date any table may state."""
    today = today or dt.date.today()
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
        problems.extend(_dated_problems(name, raw[name], today))
    problems.extend(_cross_table_problems(raw))
    return typed, problems


def _dated_problems(name: str, raw: pd.DataFrame, today: dt.date) -> Iterable[Problem]:
    """Every date or year between 1900 and today; every end not before its start."""
    spec = BY_FILE[name]
    columns = [c for c, col in spec.schema.columns.items() if (col.metadata or {}).get("date")]
    return date_problems(name, raw, columns, spec.spans, today)
