"""The curated tables validate, and each validation rule catches its kind of error."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from twinrisk.cli import main
from twinrisk.data.loaders import data_version, load_tables
from twinrisk.data.validate import DataValidationError, validate_dir


def _edit(path: Path, change: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    change(df).to_csv(path, index=False)


def test_shipped_data_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    typed, problems = validate_dir(Path("features"))
    assert problems == []
    assert main(["data", "validate"]) == 0
    assert "ok:" in capsys.readouterr().out


def test_shipped_counts_meet_the_brief() -> None:
    t = load_tables()
    assert len(t.countries) >= 60
    shares = t.country_debt[
        (t.country_debt["metric"] == "ppg_share_pct") & (t.country_debt["creditor"] == "CN")
    ]
    assert shares["debtor"].nunique() >= 40
    for iso in ("LK", "PK", "NP", "BD", "LA", "MV", "DJ", "KE", "ZM", "AO"):
        assert iso in set(t.country_debt["debtor"]), iso
    assert len(t.dyads) >= 150
    ended = t.dyads[t.dyads["status"] != "active"]
    assert len(ended) >= 40
    assert ended["local_country"].nunique() >= 8
    places = set(zip(t.places["name"], t.places["country"], strict=True))
    for side in ("local", "partner"):
        assert set(zip(t.dyads[f"{side}_place"], t.dyads[f"{side}_country"], strict=True)) <= places


def _rows(df: pd.DataFrame, **match: str) -> pd.Index:
    mask = pd.Series(True, index=df.index)
    for k, v in match.items():
        mask &= df[k] == v
    assert mask.any(), match
    return df.index[mask]


# Each case: (file, edit, expected (file, column, rule fragment, value or None))
def _unknown_source(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "sources"] = df.loc[0, "sources"] + ";no_such_source"
    return df


def _empty_sources(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[1, "sources"] = ""
    return df


def _unknown_iso(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[2, "partner_country"] = "XQ"
    return df


def _duplicate_pair(df: pd.DataFrame) -> pd.DataFrame:
    row = df.loc[3].copy()
    row["dyad_id"] = "reversed-copy"
    row["local_place"], row["partner_place"] = row["partner_place"], row["local_place"]
    row["local_country"], row["partner_country"] = row["partner_country"], row["local_country"]
    return pd.concat([df, row.to_frame().T], ignore_index=True)


def _ended_before_established(df: pd.DataFrame) -> pd.DataFrame:
    i = df.index[df["status"].eq("terminated")][0]
    df.loc[i, "established_year"] = "2021"
    df.loc[i, "ended_year"] = "2019"
    return df


def _ended_without_year(df: pd.DataFrame) -> pd.DataFrame:
    i = df.index[df["status"].eq("terminated")][1]
    df.loc[i, "ended_year"] = ""
    return df


def _share_out_of_range(df: pd.DataFrame) -> pd.DataFrame:
    i = df.index[df["metric"].eq("ppg_share_pct")][0]
    df.loc[i, "value"] = "150"
    return df


def _cpi_out_of_range(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "cpi_score"] = "140"
    df.loc[0, "cpi_year"] = "2024"
    return df


def _duplicate_dyad_id(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[5, "dyad_id"] = df.loc[4, "dyad_id"]
    return df


def _bad_status(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[6, "status"] = "considering"
    return df


def _bad_url(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "url"] = "not a url"
    return df


def _missing_column(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(columns=["severity"])


def _active_with_end(df: pd.DataFrame) -> pd.DataFrame:
    i = df.index[df["status"].eq("active")][0]
    df.loc[i, "ended_year"] = "2020"
    return df


def _events_of_a_pair_removed(df: pd.DataFrame) -> pd.DataFrame:
    pair = {"SE", "CN"}
    return df[~df.apply(lambda r: {r["country_a"], r["country_b"]} == pair, axis=1)]


def _place_missing(df: pd.DataFrame) -> pd.DataFrame:
    return df.drop(index=_rows(df, name="Hambantota", country="LK"))


CASES = [
    ("dyads.csv", _unknown_source, "sources", "unknown source id", "no_such_source"),
    ("dyads.csv", _empty_sources, "sources", "required value is empty", None),
    ("dyads.csv", _unknown_iso, "partner_country", "unknown ISO code", "XQ"),
    ("dyads.csv", _duplicate_pair, "partner_place", "duplicate dyad", None),
    (
        "dyads.csv",
        _ended_before_established,
        "ended_year",
        "ended before it was established",
        "2019",
    ),
    ("dyads.csv", _ended_without_year, "ended_year", "needs ended_year", None),
    ("country_debt.csv", _share_out_of_range, "value", "[0, 100]", "150"),
    ("countries.csv", _cpi_out_of_range, "cpi_score", "in_range", "140"),
    ("dyads.csv", _duplicate_dyad_id, "dyad_id", "duplicate key", None),
    ("dyads.csv", _bad_status, "status", "isin", "considering"),
    ("sources.csv", _bad_url, "url", "str_matches", "not a url"),
    ("bilateral_events.csv", _missing_column, "severity", "required column is missing", None),
    ("dyads.csv", _active_with_end, "ended_year", "an active dyad has no ended_year", "2020"),
    (
        "bilateral_events.csv",
        _events_of_a_pair_removed,
        "partner_country",
        "no bilateral event for this pair",
        None,
    ),
    ("places.csv", _place_missing, "local_place", "place not in places.csv", "Hambantota (LK)"),
]


@pytest.mark.parametrize(
    ("name", "edit", "column", "rule", "value"),
    CASES,
    ids=[c[1].__name__.strip("_") for c in CASES],
)
def test_each_rule_catches_its_error(
    data_copy: Path,
    name: str,
    edit: Callable[..., pd.DataFrame],
    column: str | None,
    rule: str,
    value: str | None,
) -> None:
    _edit(data_copy / name, edit)
    _, problems = validate_dir(data_copy)
    hits = [
        p
        for p in problems
        if rule in p.rule
        and (column is None or p.column == column)
        and (value is None or p.value == value)
    ]
    assert hits, f"expected a problem '{rule}' in {name}; got {[str(p) for p in problems]}"
    assert all(p.file for p in hits)
    if rule != "required column is missing":  # located to a CSV line
        assert all(p.row is not None and p.row >= 2 for p in hits)


def test_every_problem_is_listed_at_once(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, edit, *_ in CASES[:8]:
        _edit(data_copy / name, edit)
    rc = main(["data", "validate", "--data-dir", str(data_copy), "--json"])
    assert rc == 1
    problems = json.loads(capsys.readouterr().out)["problems"]
    for _, _, column, rule, _ in CASES[:8]:
        assert any(rule in p["rule"] and p["column"] == column for p in problems), rule
    for p in problems:
        assert set(p) == {"file", "row", "column", "value", "rule"}


def test_loader_refuses_broken_data(data_copy: Path) -> None:
    _edit(data_copy / "dyads.csv", _unknown_source)
    with pytest.raises(DataValidationError) as err:
        load_tables(data_copy)
    assert "no_such_source" in str(err.value)


def test_data_version_is_a_hash_of_contents(data_copy: Path) -> None:
    assert data_version(data_copy) == data_version(Path("features"))
    with (data_copy / "sources.csv").open("a", encoding="utf-8") as fh:
        fh.write("")
    assert data_version(data_copy) == data_version(Path("features"))
    _edit(data_copy / "dyads.csv", lambda df: df.iloc[:-1])
    assert data_version(data_copy) != data_version(Path("features"))
