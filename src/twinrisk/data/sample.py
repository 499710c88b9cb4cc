"""A repeatable spot-check of the curated tables: random rows as plain statements,
each with the title, publisher, year and URL of its sources.

Accuracy is judged by a person reading a fact next to its source, so the draw
must be small, spread over every table (a uniform draw over rows would be all
ports and indicators) and the same for the same seed, so that two people can
check the same 25 facts and compare.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from twinrisk.data.problems import blank, line, split_ids
from twinrisk.data.registry import TABLES
from twinrisk.data.validate import read_raw

Row = dict[str, str]


@dataclass(frozen=True)
class Fact:
    file: str
    line: int
    statement: str
    sources: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "statement": self.statement,
            "sources": self.sources,
        }


def draw(data_dir: Path, n: int, seed: int) -> list[Fact]:
    """``n`` facts: each draw picks a table at random, then one of its rows not yet drawn."""
    tables = _read(data_dir)
    names = _Names(tables)
    sources = _sources(tables.get("sources.csv"))
    pool = {name: list(df.index) for name, df in tables.items() if name != "sources.csv"}
    rng = random.Random(seed)  # noqa: S311 - a reproducible draw, not a secret
    facts: list[Fact] = []
    while len(facts) < n:
        open_tables = [name for name, rows in pool.items() if rows]  # registry order
        if not open_tables:
            break
        name = rng.choice(open_tables)
        idx = pool[name].pop(rng.randrange(len(pool[name])))
        row = {k: ("" if blank(v) else str(v)) for k, v in tables[name].loc[idx].items()}
        render = RENDERERS.get(name, _generic)
        facts.append(
            Fact(
                name,
                line(idx) or 0,
                render(row, names),
                [sources.get(sid, {"id": sid}) for sid in split_ids(row.get("sources"))],
            )
        )
    return facts


def format_text(facts: list[Fact], seed: int, data_dir: Path) -> str:
    out = [f"{len(facts)} facts drawn with --seed {seed} from {data_dir}:", ""]
    for i, fact in enumerate(facts, start=1):
        out.append(f"{i}. {fact.statement} ({fact.file} line {fact.line})")
        for s in fact.sources:
            if "url" not in s:
                out.append(f"   - {s['id']}: not in sources.csv")
                continue
            out.append(f"   - {s['title']} — {s['publisher']}, {s['year']}. {s['url']}")
    return "\n".join(out)


def _read(data_dir: Path) -> dict[str, pd.DataFrame]:
    return {
        spec.file: read_raw(data_dir / spec.file)
        for spec in TABLES
        if (data_dir / spec.file).exists()
    }


def _sources(df: pd.DataFrame | None) -> dict[str, dict[str, str]]:
    if df is None:
        return {}
    keep = ["source_id", "title", "publisher", "year", "url"]
    return {
        str(r["source_id"]): {
            "id" if k == "source_id" else k: ("" if blank(r[k]) else str(r[k])) for k in keep
        }
        for r in df[keep].to_dict("records")
    }


class _Names:
    """Country names for ISO codes and place pairs for dyad ids."""

    def __init__(self, tables: dict[str, pd.DataFrame]):
        countries = tables.get("countries.csv")
        self.countries: dict[str, str] = (
            dict(zip(countries["iso2"], countries["name"], strict=True))
            if countries is not None
            else {}
        )
        dyads = tables.get("dyads.csv")
        self.dyads: dict[str, str] = {}
        if dyads is not None:
            for r in dyads.to_dict("records"):
                self.dyads[str(r["dyad_id"])] = (
                    f"{r['local_place']} ({self.country(r['local_country'])}) – "
                    f"{r['partner_place']} ({self.country(r['partner_country'])})"
                )

    def country(self, code: object) -> str:
        return self.countries.get(str(code), str(code))


def _span(start: str, end: str, open_end: str = "no end recorded") -> str:
    if not start:
        return f"start not recorded, to {end}" if end else "dates not recorded"
    if start == end:
        return f"in {start}"
    return f"from {start} to {end}" if end else f"from {start} ({open_end})"


def _parts(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


def _country_row(r: Row, n: _Names) -> str:
    bri = "BRI status not recorded"
    if r["bri_mou"]:
        years = _parts(
            f"MoU {r['bri_mou_year']}" if r["bri_mou_year"] else "",
            f"exit {r['bri_exit_year']}" if r["bri_exit_year"] else "",
        )
        bri = f"BRI status {r['bri_mou']}" + (f" ({years})" if years else "")
    return _parts(
        f"{r['name']} ({r['iso2']}): {bri}",
        f"CPI {r['cpi_year']}: {r['cpi_score']}" if r["cpi_score"] else "",
        f"IMF debt-distress risk {r['imf_dsa_risk']} ({r['imf_dsa_date']})"
        if r["imf_dsa_risk"]
        else "",
    )


def _debt(r: Row, n: _Names) -> str:
    debtor, creditor, year, value = (
        n.country(r["debtor"]),
        n.country(r["creditor"]),
        r["year"],
        r["value"],
    )
    if r["metric"] == "ppg_share_pct":
        return f"{debtor}: {value}% of long-term public external debt owed to {creditor} ({year})"
    if r["metric"] == "ppg_stock_usd_bn":
        return (
            f"{debtor}: US${value}bn of long-term public external debt owed to {creditor} ({year})"
        )
    return (
        f"{creditor}: US${value}bn of official finance committed to {debtor} (cumulative to {year})"
    )


def _place(r: Row, n: _Names) -> str:
    flags = [k.replace("_", " ") for k in ("seaport", "naval_base", "tech_hub") if r[k] == "true"]
    if r["capital"] and r["capital"] != "none":
        flags.append(f"{r['capital']} capital")
    where = f"{r['name']} ({_parts(r['admin1'], n.country(r['country']))})"
    project = (
        f"flagship project {r['flagship_project']} financed by "
        f"{n.country(r['flagship_financier'])} ({r['flagship_year'] or 'year not recorded'})"
        if r["flagship_project"]
        else ""
    )
    return _parts(
        f"{where}: {', '.join(flags) or 'no seaport, naval base, capital or tech hub recorded'}",
        project,
    )


def _dyad(r: Row, n: _Names) -> str:
    tie = n.dyads.get(r["dyad_id"], r["dyad_id"])
    since = (
        f"established {r['established_year']}"
        if r["established_year"]
        else "established year not recorded"
    )
    status = r["status"]
    if r["ended_year"]:
        status += f" {r['ended_year']} by {r['ended_by']} ({r['reason_code']})"
    contested = f"contested {r['contested_year']}" if r["contested_year"] else ""
    return _parts(f"{tie}: {r['kind'].replace('_', '-')} tie, {since}, {status}", contested)


def _event(r: Row, n: _Names) -> str:
    return (
        f"{r['date']} {n.country(r['country_a'])} – {n.country(r['country_b'])}: "
        f"{r['kind'].replace('_', ' ')} (severity {r['severity']}): {r['title']}"
    )


def _tie_event(r: Row, n: _Names) -> str:
    who = f" by {r['actor']}" if r["actor"] else ""
    why = f" ({r['reason_code']})" if r["reason_code"] else ""
    unconfirmed = (
        " [unconfirmed: inferred from a general statement]" if r["confirmed"] == "false" else ""
    )
    tie = n.dyads.get(r["dyad_id"], r["dyad_id"])
    return f"{tie}: {r['event']} {r['date']}{who}{why}{unconfirmed}"


#: sovereign_defaults.creditor as words
CREDITORS = {
    "all": "all debt",
    "bonds": "bonds",
    "bank_loans": "bank loans",
    "official_bilateral": "official bilateral debt",
    "paris_club": "Paris Club debt",
    "china": "debt owed to China",
    "other_official": "other official debt",
    "other_private": "other private debt",
    "imf": "IMF credit",
    "ibrd": "IBRD loans",
    "ida": "IDA credits",
    "iadb": "IDB loans",
    "local_currency_debt": "local-currency debt",
    "domestic_arrears": "domestic payments (arrears)",
}


def _default(r: Row, n: _Names) -> str:
    creditor = CREDITORS.get(r["creditor"], r["creditor"].replace("_", " "))
    span = _span(r["start"], r["end"], "ongoing as far as the source knows")
    return f"{n.country(r['country'])}: {r['kind']} on {creditor} {span}"


def _imf(r: Row, n: _Names) -> str:
    amount = f", SDR {r['amount_sdr_m']}m" if r["amount_sdr_m"] else ""
    ended = f", ended {r['ended']}" if r["ended"] else ", end not recorded"
    return f"{n.country(r['country'])}: IMF {r['facility']} approved {r['approved']}{amount}{ended}"


def _sanction(r: Row, n: _Names) -> str:
    imposer = r["imposer"] if r["imposer"] in ("EU", "UN", "UK") else n.country(r["imposer"])
    target = "the EU" if r["target"] == "EU" else n.country(r["target"])
    return (
        f"{imposer} sanctions on {target} {_span(r['start'], r['end'], 'in force')}: {r['scope']}"
    )


def _membership(r: Row, n: _Names) -> str:
    span = _span(r["joined"], r["left"], "still a member")
    return f"{n.country(r['country'])}: member of {r['body']} {span}"


def _war(r: Row, n: _Names) -> str:
    return (
        f"{n.country(r['state_a'])} – {n.country(r['state_b'])}: {r['kind'].replace('_', ' ')} "
        f"{_span(r['start'], r['end'], 'not ended')}"
    )


VDEM = {
    "0": "closed autocracy",
    "1": "electoral autocracy",
    "2": "electoral democracy",
    "3": "liberal democracy",
}


def _indicator(r: Row, n: _Names) -> str:
    if r["indicator"] == "vdem_row":
        label = VDEM.get(r["value"].split(".")[0], r["value"])
        return f"{n.country(r['country'])}: V-Dem regime type {r['value']} ({label}) in {r['year']}"
    return (
        f"{n.country(r['country'])}: {r['indicator'].replace('_', ' ')} {r['value']} in {r['year']}"
    )


def _asset(r: Row, n: _Names) -> str:
    share = f" holds {r['share_pct']}% of" if r["share_pct"] else " holds (share not recorded)"
    span = _span(r["start"], r["end"], "still held as far as the sources know")
    return (
        f"{r['place']} ({n.country(r['country'])}): {r['holder']} ({n.country(r['holder_state'])})"
        f"{share} {r['asset']} [{r['kind'].replace('_', ' ')}], {span}"
    )


def _legal(r: Row, n: _Names) -> str:
    targets = r["targets"] or "targets not enumerated"
    dates = _parts(
        f"adopted {r['adopted']}" if r["adopted"] else "",
        f"in force {r['in_force']}" if r["in_force"] else "",
        f"ended {r['ended']}" if r["ended"] else "",
    )
    dates = dates or "dates not recorded"
    return f"{r['jurisdiction']}: {r['instrument']} ({r['kind']}; {targets}; {dates})"


def _claim(r: Row, n: _Names) -> str:
    span = _span(r["start"], r["end"], "still held as far as the sources know")
    return f"{n.country(r['claimant'])} claims {n.country(r['territory'])}, {span}"


def _border(r: Row, n: _Names) -> str:
    between = (
        f" between {n.country(r['country_a'])} and {n.country(r['country_b'])}"
        if r["country_a"]
        else ""
    )
    return f"{r['name']}: disputed {r['kind']}{between}"


def _alias(r: Row, n: _Names) -> str:
    return f"'{r['alias']}' is a name of {r['name']} ({n.country(r['country'])})"


def _port(r: Row, n: _Names) -> str:
    size = _parts(r["harbor_size"], r["harbor_type"]) or "size and type not recorded"
    return f"{r['name']} ({r['country_name']}): port, {size} (WPI {r['wpi_number']})"


def _generic(r: Row, n: _Names) -> str:
    return "; ".join(f"{k}={v}" for k, v in r.items() if v and k not in ("sources", "note"))


RENDERERS: dict[str, Callable[[Row, _Names], str]] = {
    "countries.csv": _country_row,
    "country_debt.csv": _debt,
    "places.csv": _place,
    "dyads.csv": _dyad,
    "bilateral_events.csv": _event,
    "disputed_borders.csv": _border,
    "place_aliases.csv": _alias,
    "ports.csv": _port,
    "tie_events.csv": _tie_event,
    "sovereign_defaults.csv": _default,
    "imf_programmes.csv": _imf,
    "sanctions_regimes.csv": _sanction,
    "memberships.csv": _membership,
    "wars.csv": _war,
    "country_indicators.csv": _indicator,
    "strategic_assets.csv": _asset,
    "legal_regimes.csv": _legal,
    "sovereignty_claims.csv": _claim,
}
