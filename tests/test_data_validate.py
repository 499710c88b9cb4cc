"""The curated tables validate, and each validation rule catches its kind of error."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from twinrisk.cli import main
from twinrisk.data.dates import before, check_value, parse
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


# ------------------------------------------------------------------ impossible facts (issue 13)
#: a year that has not happened yet, whatever day the tests run
FUTURE = str(dt.date.today().year + 4)


def _first(df: pd.DataFrame, **match: str) -> object:
    return _rows(df, **match)[0]


def _future_established(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "established_year"] = "2099"
    return df


def _future_mou(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, bri_mou="yes"), "bri_mou_year"] = FUTURE
    return df


def _future_event(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "date"] = f"{FUTURE}-05-01"
    return df


def _future_tie_event(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, event_id="linkoping-guangzhou:2"), "date"] = f"{FUTURE}-11"
    return df


def _default_before_1900(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "start"] = "1850"
    return df


def _reason_on_active(df: pd.DataFrame) -> pd.DataFrame:
    i = _first(df, status="active")
    df.loc[i, "reason_code"] = "war"
    return df


def _contested_before_start(df: pd.DataFrame) -> pd.DataFrame:
    i = df.index[df["status"].eq("active")][0]
    df.loc[i, "established_year"] = "2010"
    df.loc[i, "contested_year"] = "2005"
    return df


def _bri_no_with_year(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, bri_mou="no"), "bri_mou_year"] = "2018"
    return df


def _bri_exit_before_mou(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, iso2="IT"), "bri_exit_year"] = "2015"
    return df


def _rating_without_date(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, imf_dsa_risk="high"), "imf_dsa_date"] = ""
    return df


def _agreement_of_severity_3(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, kind="agreement"), "severity"] = "3"
    return df


def _duplicate_event(df: pd.DataFrame) -> pd.DataFrame:
    row = df.loc[_first(df, event_id="bd_cn_2016_1")].copy()
    row["event_id"] = "bd_cn_2016_copy"
    row["country_a"], row["country_b"] = row["country_b"], row["country_a"]
    return pd.concat([df, row.to_frame().T], ignore_index=True)


def _tie_ended_before_signed(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, event_id="linkoping-guangzhou:2"), "date"] = "1990-11"
    return df


def _tie_events_out_of_order(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, event_id="vara-huangshan:3"), "date"] = "2019"
    return df


def _tie_ids_misnumbered(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, event_id="lulea-xi_an:2"), "event_id"] = "lulea-xi_an:3"
    return df


def _tie_of_unknown_dyad(df: pd.DataFrame) -> pd.DataFrame:
    i = _first(df, event_id="vasteras-jinan:1")
    df.loc[i, "dyad_id"] = "nowhere-nothing"
    df.loc[i, "event_id"] = "nowhere-nothing:1"
    return df


def _tie_event_unknown(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, event_id="lulea-xi_an:1"), "event"] = "twinned"
    return df


def _tie_actor_unknown(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, event_id="lulea-xi_an:2"), "actor"] = "mayor"
    return df


def _tie_actor_on_signing(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, event_id="lulea-xi_an:1"), "actor"] = "local"
    return df


def _tie_ending_without_reason(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, event_id="lulea-xi_an:2"), "reason_code"] = ""
    return df


def _status_not_derived(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, dyad_id="linkoping-guangzhou"), "status"] = "suspended"
    return df


def _unknown_source_in_wars(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "sources"] = "no_such_war_source"
    return df


def _unknown_imposer(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "imposer"] = "GB"
    return df


def _unknown_jurisdiction(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "jurisdiction"] = "XQ-TX"
    return df


def _zero_share(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "share_pct"] = "0"
    return df


def _vdem_out_of_range(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[_first(df, indicator="vdem_row"), "value"] = "5"
    return df


def _partial_date_malformed(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "start"] = "2022-13"
    return df


def _bounds_reversed(df: pd.DataFrame) -> pd.DataFrame:
    df.loc[0, "min_lat"] = "80"
    df.loc[0, "max_lat"] = "10"
    return df


def _end_before_start(start: str, end: str) -> Callable[[pd.DataFrame], pd.DataFrame]:
    def edit(df: pd.DataFrame) -> pd.DataFrame:
        df.loc[0, start] = "2001-05-10"
        df.loc[0, end] = "2001-05"[:4]  # a year is compared at its own precision: not before
        df.loc[1, start] = "2001-05-10"
        df.loc[1, end] = "2000-12-31"
        return df

    edit.__name__ = f"_end_before_start_{start}_{end}"
    return edit


CASES += [
    ("dyads.csv", _future_established, "established_year", "date after today", "2099"),
    ("countries.csv", _future_mou, "bri_mou_year", "date after today", FUTURE),
    ("bilateral_events.csv", _future_event, "date", "date after today", f"{FUTURE}-05-01"),
    ("tie_events.csv", _future_tie_event, "date", "date after today", f"{FUTURE}-11"),
    ("sovereign_defaults.csv", _default_before_1900, "start", "date before 1900", "1850"),
    ("dyads.csv", _reason_on_active, "reason_code", "an active dyad has no reason_code", "war"),
    (
        "dyads.csv",
        _contested_before_start,
        "contested_year",
        "contested before it was established",
        "2005",
    ),
    ("countries.csv", _bri_no_with_year, "bri_mou_year", "BRI status 'no' has no year", "2018"),
    (
        "countries.csv",
        _bri_exit_before_mou,
        "bri_exit_year",
        "bri_exit_year is before bri_mou_year",
        "2015",
    ),
    ("countries.csv", _rating_without_date, "imf_dsa_date", "rating (high) needs its date", None),
    ("bilateral_events.csv", _agreement_of_severity_3, "severity", "must be <= 0", "3"),
    ("bilateral_events.csv", _duplicate_event, "event_id", "duplicate event", "bd_cn_2016_copy"),
    ("tie_events.csv", _tie_ended_before_signed, "date", "ended before it was signed", "1990-11"),
    ("tie_events.csv", _tie_events_out_of_order, "date", "in date order", "2019"),
    ("tie_events.csv", _tie_ids_misnumbered, "event_id", "numbered 1, 2", "lulea-xi_an:3"),
    ("tie_events.csv", _tie_of_unknown_dyad, "dyad_id", "not in dyads.csv", "nowhere-nothing"),
    ("tie_events.csv", _tie_event_unknown, "event", "isin", "twinned"),
    ("tie_events.csv", _tie_actor_unknown, "actor", "isin", "mayor"),
    ("tie_events.csv", _tie_actor_on_signing, "actor", "event has no actor", "local"),
    ("tie_events.csv", _tie_ending_without_reason, "reason_code", "needs a reason code", None),
    ("dyads.csv", _status_not_derived, "status", "derives status 'terminated'", "suspended"),
    ("wars.csv", _unknown_source_in_wars, "sources", "unknown source id", "no_such_war_source"),
    ("sanctions_regimes.csv", _unknown_imposer, "imposer", "isin", "GB"),
    ("legal_regimes.csv", _unknown_jurisdiction, "jurisdiction", "unknown ISO code", "XQ-TX"),
    ("strategic_assets.csv", _zero_share, "share_pct", "in_range", "0"),
    ("country_indicators.csv", _vdem_out_of_range, "value", "vdem_row is an integer 0-3", "5"),
    ("wars.csv", _partial_date_malformed, "start", "YYYY-MM-DD", "2022-13"),
    ("disputed_borders.csv", _bounds_reversed, "min_lat", "min_lat <= max_lat", "80"),
] + [
    (name, _end_before_start(start, end), end, f"{end} is before {start}", "2000-12-31")
    for name, start, end in [
        ("sovereign_defaults.csv", "start", "end"),
        ("imf_programmes.csv", "approved", "ended"),
        ("sanctions_regimes.csv", "start", "end"),
        ("memberships.csv", "joined", "left"),
        ("wars.csv", "start", "end"),
        ("strategic_assets.csv", "start", "end"),
        ("legal_regimes.csv", "adopted", "ended"),
        ("legal_regimes.csv", "in_force", "ended"),
    ]
]


def test_partial_dates_compare_at_the_precision_they_share() -> None:
    assert parse("2022-03") == (2022, 3) and parse("2022-13") is None and parse("22") is None
    assert not before(parse_ok("2022"), parse_ok("2022-03"))
    assert not before(parse_ok("2022-03"), parse_ok("2022"))
    assert before(parse_ok("2021-12-31"), parse_ok("2022"))
    today = dt.date(2026, 11, 28)
    assert check_value("2026", today) is None and check_value("2026-11-28", today) is None
    assert check_value("2026-12", today) == "date after today (2026-11-28)"
    assert check_value("1899-12-31", today) == "date before 1900"


def parse_ok(value: str) -> tuple[int, ...]:
    parts = parse(value)
    assert parts is not None
    return parts


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
