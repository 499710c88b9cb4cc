"""Compiled sanctions / NATO / war rows (``compiled/sanctions_wars.csv``) -> features tables.

The compiled table (kind, imposer, target, start_date, end_date, scope, evidence, url,
publisher, confidence) names for every row the page(s) it was read from. This module
turns it into rows of

- ``features/sanctions_regimes.csv`` (kind ``sanctions``): one row per regime or
  package; imposer ``GB`` is written ``UK`` (the table's imposer vocabulary);
- ``features/memberships.csv`` (kind ``nato_accession``): body ``NATO``;
- ``features/wars.csv`` (kinds ``war``/``clash``): the Crimea row becomes
  ``occupation``; ``clash`` becomes ``armed_clash``;

and one ``sources.csv`` row per distinct cited page set (``source_for``), whose
publisher is the compiled table's publisher text for that row. Dates are kept at the
precision given (YYYY-MM or YYYY where the compiled row has only that).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

REQUIRED = [
    "kind",
    "imposer",
    "target",
    "start_date",
    "end_date",
    "scope",
    "url",
    "publisher",
    "confidence",
]
SANCTIONS_COLUMNS = ["regime_id", "imposer", "target", "start", "end", "scope", "sources", "note"]
MEMBERSHIP_COLUMNS = ["country", "body", "joined", "left", "sources", "note"]
WAR_COLUMNS = ["war_id", "state_a", "state_b", "start", "end", "kind", "sources", "note"]
IMPOSER = {"GB": "UK"}


def read_sanctions_wars(path: Path | str) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: not the compiled sanctions_wars table, missing {missing}")
    return raw


def _slug(*parts: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", "_".join(parts).lower()).strip("_")


def _precision(*dates: str) -> str:
    short = [d for d in dates if d and len(d) < 10]
    return f"date precision: {', '.join(short)} known only to month/year" if short else ""


def source_for(row: pd.Series | dict[str, str]) -> dict[str, str]:
    """A sources.csv row for the page(s) a compiled row cites."""
    urls = [u.strip() for u in re.split(r"\s\|\s|\s;\s", row["url"]) if u.strip()]
    kind = row["kind"]
    sid = _slug("sw", kind[:4], row["imposer"], row["target"], row["start_date"])
    if kind == "nato_accession" and row["start_date"] == "1949-08-24":
        sid = "sw_nato_founders_1949"
    title = (
        f"{row['imposer']} -> {row['target']} {kind} from {row['start_date']}: {row['scope'][:120]}"
    )
    if kind == "nato_accession":
        title = f"NATO accession of {row['imposer']} ({row['start_date']})"
        if sid == "sw_nato_founders_1949":
            title = "North Atlantic Treaty: founding members, entry into force 1949-08-24"
    note = (
        "page(s) cited by the compiled sanctions/wars table,"
        " not re-opened unless the table row's note says verified"
    )
    if len(urls) > 1:
        note += "; also: " + " ; ".join(urls[1:])
    return {
        "source_id": sid,
        "title": title.replace("\n", " "),
        "publisher": row["publisher"],
        "year": row["start_date"][:4],
        "url": urls[0],
        "licence": "copyright (fact cited)",
        "note": note,
    }


def to_tables(compiled: pd.DataFrame) -> dict[str, pd.DataFrame]:
    sanc, memb, wars, srcs = [], [], [], []
    seen_ids: dict[str, int] = {}
    for _, r in compiled.iterrows():
        src = source_for(r)
        srcs.append(src)
        sid = src["source_id"]
        prec = _precision(r["start_date"], r["end_date"])
        conf = f"confidence {r['confidence']} (compiled)"
        if r["kind"] == "sanctions":
            imp = IMPOSER.get(r["imposer"], r["imposer"])
            rid = _slug(imp, r["target"], r["start_date"][:4])
            seen_ids[rid] = seen_ids.get(rid, 0) + 1
            if seen_ids[rid] > 1:
                rid += f"_{seen_ids[rid]}"
            sanc.append(
                {
                    "regime_id": rid,
                    "imposer": imp,
                    "target": r["target"],
                    "start": r["start_date"],
                    "end": r["end_date"],
                    "scope": r["scope"],
                    "sources": sid,
                    "note": "; ".join(x for x in (conf, prec) if x),
                }
            )
        elif r["kind"] == "nato_accession":
            memb.append(
                {
                    "country": r["imposer"],
                    "body": "NATO",
                    "joined": r["start_date"],
                    "left": r["end_date"],
                    "sources": sid,
                    "note": "; ".join(x for x in (r["scope"], conf) if x),
                }
            )
        elif r["kind"] in ("war", "clash"):
            kind = "armed_clash" if r["kind"] == "clash" else "war"
            if "occupation" in r["scope"].lower() and "crimea" in r["scope"].lower():
                kind = "occupation"
            wid = _slug(r["imposer"], r["target"], r["start_date"])
            wars.append(
                {
                    "war_id": wid,
                    "state_a": r["imposer"],
                    "state_b": r["target"],
                    "start": r["start_date"],
                    "end": r["end_date"],
                    "kind": kind,
                    "sources": sid,
                    "note": "; ".join(x for x in (r["scope"], conf, prec) if x),
                }
            )
        else:
            raise ValueError(f"unknown kind {r['kind']!r}")
    sources = pd.DataFrame(srcs).drop_duplicates(subset=["source_id"], keep="first")
    return {
        "sanctions": pd.DataFrame(sanc, columns=SANCTIONS_COLUMNS),
        "memberships": pd.DataFrame(memb, columns=MEMBERSHIP_COLUMNS),
        "wars": pd.DataFrame(wars, columns=WAR_COLUMNS),
        "sources": sources,
    }
