"""One-off: derive a first tie_events.csv from the columns of features/dyads.csv.

Run once from the repo root (python3 features/tools/build_tie_events.py); the result was
then corrected by hand (research in issue 13), so do NOT re-run it over the curated file.
Rules (see features/README.md, section tie_events.csv):
- established_year -> `signed` (year precision)
- a Wikidata/article list among the sources -> `listed` with the list's year
  (wd_p190_crawl_2016 -> 2016, eu_sister_cities_wikidata_2017 -> 2017,
  newsmobile_redalert_2020 -> 2020); a wd_q<id> source alone counts as the 2016 crawl
  only if the pair is in shared/reference/wikidata_p190_2016/relations.tsv
- contested_year -> `contested` (actor local)
- status suspended/terminated/lapsed/blocked -> that event at ended_year with
  ended_by / reason_code; confirmed=true
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT.parent.parent / "shared" / "reference"
if not REF.exists():
    REF = Path("/work/shared/reference")
LISTS = {
    "wd_p190_crawl_2016": "2016",
    "eu_sister_cities_wikidata_2017": "2017",
    "newsmobile_redalert_2020": "2020",
}
LIST_NOTE = {
    "2016": "listed under P190 on the local Wikidata item in the Sept 2016 crawl (year precision)",
    "2017": "listed under P190 in the May 2017 Wikidata SPARQL snapshot of EU sister cities (year precision)",  # noqa: E501
    "2020": "listed in the 2020 newsmobile article table (citing Wikipedia) (year precision)",
}
HEADER = [
    "event_id",
    "dyad_id",
    "date",
    "event",
    "actor",
    "reason_code",
    "confirmed",
    "sources",
    "note",
]


def crawl_pairs() -> set[tuple[str, str]]:
    names: dict[str, str] = {}
    with open(REF / "wikidata_p190_2016" / "names.tsv", encoding="utf-8") as f:
        for line in f:
            q, _, n = line.rstrip("\n").partition("\t")
            names[q] = n
    pairs = set()
    with open(REF / "wikidata_p190_2016" / "relations.tsv", encoding="utf-8") as f:
        for line in f:
            a, _, b = line.rstrip("\n").partition("\t")
            pairs.add((a, names.get(b, "")))
    return pairs


def main() -> int:
    pairs = crawl_pairs()
    with open(ROOT / "features" / "dyads.csv", encoding="utf-8") as f:
        dyads = list(csv.DictReader(f))
    out = []
    for d in dyads:
        srcs = [s for s in d["sources"].split(";") if s]
        ev = []
        if d["established_year"]:
            ev.append(
                [
                    d["established_year"],
                    "signed",
                    "",
                    "",
                    "true",
                    d["sources"],
                    "established_year of dyads.csv (year precision)",
                ]
            )
        wdq = [s for s in srcs if s.startswith("wd_q")]
        for sid, year in LISTS.items():
            if sid in srcs:
                ev.append(
                    [
                        year,
                        "listed",
                        "",
                        "",
                        "true",
                        ";".join([*wdq, sid] if year == "2016" else [sid]),
                        LIST_NOTE[year],
                    ]
                )
        if wdq and "wd_p190_crawl_2016" not in srcs:
            q = wdq[0][3:].upper()
            if (q, d["partner_place"]) in pairs:
                ev.append(
                    [
                        "2016",
                        "listed",
                        "",
                        "",
                        "true",
                        wdq[0],
                        LIST_NOTE["2016"] + "; pair checked in the crawl's relations.tsv",
                    ]
                )
        if d["contested_year"]:
            ev.append(
                [
                    d["contested_year"],
                    "contested",
                    "local",
                    "",
                    "true",
                    d["sources"],
                    "contested_year of dyads.csv: termination proposed, not carried (year precision)",  # noqa: E501
                ]
            )
        if d["status"] != "active":
            ev.append(
                [
                    d["ended_year"],
                    d["status"],
                    d["ended_by"],
                    d["reason_code"],
                    "true",
                    d["sources"],
                    d["reason"] + " (year precision)",
                ]
            )
        ev.sort(key=lambda e: e[0])
        for i, e in enumerate(ev, 1):
            out.append([f"{d['dyad_id']}:{i}", d["dyad_id"], *e[:1], *e[1:]])
    with open(ROOT / "features" / "tie_events.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        w.writerows(out)
    print(len(out), "events for", len(dyads), "dyads")
    return 0


if __name__ == "__main__":
    sys.exit(main())
