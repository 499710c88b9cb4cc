"""Wikidata P190 ("twinned administrative body") query results -> dyads.

Reads the Wikidata Query Service result formats (SPARQL JSON, CSV or TSV) of a
query selecting ``?item ?itemLabel ?twin ?twinLabel`` with optional
``?itemCountry ?twinCountry`` (ISO 3166-1 alpha-2, P297), ``?start`` and ``?end``
(P580/P582 qualifiers); also the 2016 crawl (``relations.tsv`` of QID pairs with
``names.tsv`` beside it) and the 2017 EU sister-city TSV. Status is left blank
(unknown) unless the statement has an end time, then ``terminated``. Countries
missing from the file are filled from the gazetteer when the label is unambiguous.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pycountry

from twinrisk.importers import ImportFormatError, write_csv, write_sources

HEADER = [
    "dyad_id",
    "local_place",
    "local_country",
    "partner_place",
    "partner_country",
    "kind",
    "established_year",
    "status",
    "ended_year",
    "ended_by",
    "reason_code",
    "reason",
    "contested_year",
    "sources",
    "note",
]
SOURCE_ID = "wikidata_p190"
QID = re.compile(r"(Q\d+)$")
SPARQL_COLS = ["item", "itemLabel", "twin", "twinLabel"]
EU_COLS = ["origincityLabel", "origincountry", "sistercityLabel", "destination_countryLabel"]
Pair = tuple[str, str, str, str, str, str, str, str]  # qid/label/country x2, start, end


def _qid(value: str, path: Path, line: int) -> str:
    m = QID.search(value.strip())
    if not m:
        raise ImportFormatError(path, line, f"a Wikidata entity (Q-id or URI), got {value!r}")
    return m.group(1)


def _year(value: str) -> str:
    m = re.match(r"^\+?(\d{4})", value.strip())
    return m.group(1) if m else ""


def _sparql_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    text = path.read_text(encoding="utf-8-sig")
    if text.lstrip().startswith("{"):
        try:
            doc = json.loads(text)
            bindings = doc["results"]["bindings"]
        except (ValueError, KeyError, TypeError):
            raise ImportFormatError(
                path, 1, "SPARQL JSON results (head/results/bindings)"
            ) from None
        return [
            (i + 1, {k: v.get("value", "") for k, v in b.items()}) for i, b in enumerate(bindings)
        ]
    delim = "\t" if "\t" in text.split("\n", 1)[0] else ","
    reader = csv.DictReader(text.splitlines(), delimiter=delim)
    header = [h.lstrip("?") for h in reader.fieldnames or []]
    reader.fieldnames = header
    out = []
    for rec in reader:
        if None in rec or any(v is None for v in rec.values()):
            raise ImportFormatError(path, reader.line_num, f"{len(header)} fields")
        out.append((reader.line_num, rec))
    return out


def _country_name(name: str) -> str:
    try:
        return str(pycountry.countries.lookup(name.strip()).alpha_2)
    except LookupError:
        fuzzy = {
            "Czech Republic": "CZ",
            "Russia": "RU",
            "United Kingdom": "GB",
            "People's Republic of China": "CN",
            "South Korea": "KR",
            "Turkey": "TR",
        }
        return fuzzy.get(name.strip(), "")


def _pairs(path: Path) -> list[Pair]:
    first = path.read_text(encoding="utf-8-sig").split("\n", 1)[0]
    if re.match(r"^Q\d+\tQ\d+$", first.strip()):
        names_path = path.with_name("names.tsv")
        if not names_path.exists():
            raise ImportFormatError(path, 1, "names.tsv beside relations.tsv")
        names = dict(
            line.rstrip("\n").split("\t", 1)
            for line in names_path.open(encoding="utf-8")
            if "\t" in line
        )
        pairs = []
        for i, line in enumerate(path.open(encoding="utf-8"), 1):
            f = line.rstrip("\n").split("\t")
            if len(f) != 2:
                raise ImportFormatError(path, i, "two tab-separated Q-ids")
            a, b = _qid(f[0], path, i), _qid(f[1], path, i)
            pairs.append((a, names.get(a, a), "", b, names.get(b, b), "", "", ""))
        return pairs
    if all(c in first for c in EU_COLS):
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh, delimiter="\t")
            pairs = []
            for rec in reader:
                if None in rec:
                    raise ImportFormatError(path, reader.line_num, "tab-separated EU TSV fields")
                ca = _country_name(rec.get("origincountry_corrected") or rec["origincountry"])
                cb = _country_name(rec["destination_countryLabel"])
                pairs.append(
                    ("", rec["origincityLabel"], ca, "", rec["sistercityLabel"], cb, "", "")
                )
            return pairs
    rows = _sparql_rows(path)
    pairs = []
    for line_no, rec in rows:
        missing = [c for c in SPARQL_COLS if c not in rec]
        if missing:
            raise ImportFormatError(path, line_no, f"SPARQL variables {missing}")
        pairs.append(
            (
                _qid(rec["item"], path, line_no),
                rec["itemLabel"],
                rec.get("itemCountry", "").upper(),
                _qid(rec["twin"], path, line_no),
                rec["twinLabel"],
                rec.get("twinCountry", "").upper(),
                _year(rec.get("start", "")),
                _year(rec.get("end", "")),
            )
        )
    return pairs


def _slug(text: str) -> str:
    from twinrisk.places.names import normalize

    return re.sub(r"[^a-z0-9]+", "_", normalize(text)).strip("_") or "x"


def read(path: Path) -> list[list[object]]:
    pairs = _pairs(path)
    # undirected: keep one row per unordered pair
    seen: dict[tuple[str, str], Pair] = {}
    for p in pairs:
        key = tuple(sorted((p[0] or p[1] + p[2], p[3] or p[4] + p[5])))
        if key not in seen or (p[7] and not seen[key][7]):
            seen[key] = p  # type: ignore[index]
    uniq = list(seen.values())
    need = [(lab, cc) for p in uniq for lab, cc in ((p[1], p[2]), (p[4], p[5])) if not cc]
    filled: dict[str, str] = {}
    if need:
        from twinrisk.core.models import Place
        from twinrisk.places import resolve_many

        labels = list(dict.fromkeys(lab for lab, _ in need))
        for lab, res in zip(labels, resolve_many(labels, [None] * len(labels)), strict=True):
            filled[lab] = res.country if isinstance(res, Place) else ""
    rows: list[list[object]] = []
    ids: set[str] = set()
    for qa, la, ca, qb, lb, cb, start, end in uniq:
        ca = ca or filled.get(la, "")
        cb = cb or filled.get(lb, "")
        dyad = f"{_slug(la)}-{_slug(lb)}"
        base, k = dyad, 2
        while dyad in ids:
            dyad, k = f"{base}-{k}", k + 1
        ids.add(dyad)
        note = " ".join(
            x
            for x in (
                f"local {qa}" if qa else "",
                f"partner {qb}" if qb else "",
                "" if (ca and cb) else "country not resolved",
            )
            if x
        )
        rows.append(
            [
                dyad,
                la,
                ca,
                lb,
                cb,
                "sister_city",
                start,
                "terminated" if end else "",
                end,
                "unknown" if end else "",
                "",
                "",
                "",
                SOURCE_ID,
                note,
            ]
        )
    return rows


def run(path: Path, out: Path) -> str:
    rows = read(path)
    n = write_csv(out, HEADER, rows)
    ended = sum(1 for r in rows if r[7] == "terminated")
    write_sources(
        out,
        [
            [
                SOURCE_ID,
                "Wikidata: twinned administrative body (P190)",
                "Wikimedia",
                2024,
                "https://www.wikidata.org/wiki/Property:P190",
                "CC0",
                f"imported from {path.name}",
            ]
        ],
    )
    return f"wrote {n} dyads ({ended} ended) to {out}"
