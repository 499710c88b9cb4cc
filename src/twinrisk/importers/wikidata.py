"""Wikidata P190 ("twinned administrative body") query results -> dyads.

Reads the Wikidata Query Service result formats (SPARQL JSON, CSV or TSV) of a
query selecting ``?item ?itemLabel ?twin ?twinLabel`` with optional
``?itemCountry ?twinCountry`` (ISO 3166-1 alpha-2, P297), ``?start`` and ``?end``
(P580/P582 qualifiers) and ``?itemCoord ?twinCoord`` (P625, WKT ``Point(lon lat)``);
also the 2016 crawl (``relations.tsv`` of QID pairs with ``names.tsv`` beside it) and
the 2017 EU sister-city TSV (with ``originlat``/``originlong`` and
``destinationlat``/``destinationlong``). Status is left blank (unknown) unless the
statement has an end time, then ``terminated``. Countries missing from the file are
filled from the gazetteer when the label (with its point, if known) is unambiguous.

The rows have the columns of ``features/dyads.csv`` and then, for scoring the file
with ``twinrisk batch`` (which reads ``local_place`` as ``local``), each side's QID and
the point Wikidata gives: a namesake within a country is told apart by the point
(``local_lat``/``local_lon`` are place hints); the QID is carried along, and does not
disambiguate (no QID-to-GeoNames table ships with twinrisk).
"""

from __future__ import annotations

import csv
import json
import math
import re
from pathlib import Path
from typing import NamedTuple

import pycountry

from twinrisk.importers import ImportFormatError, write_csv, write_sources

DYAD_HEADER = [
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
#: after the table's columns: what tells each place from its namesakes when the file
#: is scored (the points are place hints; the QIDs are carried along)
HINT_HEADER = ["local_qid", "local_lat", "local_lon", "partner_qid", "partner_lat", "partner_lon"]
HEADER = DYAD_HEADER + HINT_HEADER
SOURCE_ID = "wikidata_p190"
QID = re.compile(r"(Q\d+)$")
SPARQL_COLS = ["item", "itemLabel", "twin", "twinLabel"]
EU_COLS = ["origincityLabel", "origincountry", "sistercityLabel", "destination_countryLabel"]
#: a WKT point as the Query Service writes P625 on Earth (another globe's point starts
#: with its IRI and is not matched)
WKT_POINT = re.compile(r"^\s*Point\(\s*(\S+)\s+(\S+)\s*\)\s*$", re.IGNORECASE)
Point = tuple[str, str]  # lat, lon as written (or "", "")
NO_POINT: Point = ("", "")


class Pair(NamedTuple):
    """One P190 statement: each side's QID, label and country, its start and end years,
    and each side's point."""

    qa: str
    la: str
    ca: str
    qb: str
    lb: str
    cb: str
    start: str
    end: str
    pa: Point = NO_POINT
    pb: Point = NO_POINT


def _degrees(lat: str, lon: str, path: Path, line: int, what: str, got: str) -> Point:
    """A point's coordinates as written, checked to be numbers in range."""
    try:
        y, x = float(lat), float(lon)
    except ValueError:
        y = x = float("nan")
    if not (math.isfinite(y) and math.isfinite(x) and abs(y) <= 90 and abs(x) <= 180):
        raise ImportFormatError(path, line, f"{what}, got {got}")
    return lat.strip(), lon.strip()


def _wkt(value: str, path: Path, line: int) -> Point:
    """A P625 value ``Point(lon lat)`` as (lat, lon); blank stays blank, and a point on
    another globe (``<http://www.wikidata.org/entity/Q405> Point(…)``) is no point."""
    if not value.strip() or value.lstrip().startswith("<"):
        return NO_POINT
    m = WKT_POINT.match(value)
    if not m:
        raise ImportFormatError(path, line, f"a WKT point 'Point(lon lat)', got {value!r}")
    return _degrees(
        m.group(2),
        m.group(1),
        path,
        line,
        "a WKT point 'Point(lon lat)' with lat -90..90 and lon -180..180",
        repr(value),
    )


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
        fuzzy = {  # Wikidata labels that are former or common names of ISO 3166 entries
            "Czech Republic": "CZ",
            "Russia": "RU",
            "United Kingdom": "GB",
            "People's Republic of China": "CN",
            "South Korea": "KR",
            "Turkey": "TR",
            "Palestine": "PS",
            "Palestinian National Authority": "PS",
            "Palestinian territories": "PS",
            "Gaza Strip": "PS",
            "Republic of Macedonia": "MK",
            "Cape Verde": "CV",
            "Ivory Coast": "CI",
            "Sao Tomé and Príncipe": "ST",
            "Democratic Republic of the Congo": "CD",
            "East Timor": "TL",
            "Swaziland": "SZ",
            "Falkland Islands": "FK",
            "Kosovo": "XK",  # not in ISO 3166-1; the user-assigned code GeoNames uses
        }
        # former states (Prussia, Austria-Hungary) and unrecognised ones stay unmapped
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
            pairs.append(Pair(a, names.get(a, a), "", b, names.get(b, b), "", "", ""))
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
                at = reader.line_num
                pairs.append(
                    Pair(
                        "",
                        rec["origincityLabel"],
                        ca,
                        "",
                        rec["sistercityLabel"],
                        cb,
                        "",
                        "",
                        _eu_point(rec, "originlat", "originlong", path, at),
                        _eu_point(rec, "destinationlat", "destinationlong", path, at),
                    )
                )
            return pairs
    rows = _sparql_rows(path)
    pairs = []
    for line_no, rec in rows:
        missing = [c for c in SPARQL_COLS if c not in rec]
        if missing:
            raise ImportFormatError(path, line_no, f"SPARQL variables {missing}")
        pairs.append(
            Pair(
                _qid(rec["item"], path, line_no),
                rec["itemLabel"],
                rec.get("itemCountry", "").upper(),
                _qid(rec["twin"], path, line_no),
                rec["twinLabel"],
                rec.get("twinCountry", "").upper(),
                _year(rec.get("start", "")),
                _year(rec.get("end", "")),
                _wkt(rec.get("itemCoord", ""), path, line_no),
                _wkt(rec.get("twinCoord", ""), path, line_no),
            )
        )
    return pairs


def _eu_point(rec: dict[str, str], lat: str, lon: str, path: Path, line: int) -> Point:
    if not (rec.get(lat) or "").strip() and not (rec.get(lon) or "").strip():
        return NO_POINT
    a, b = rec.get(lat) or "", rec.get(lon) or ""
    return _degrees(a, b, path, line, f"{lat} -90..90 and {lon} -180..180", f"{a!r}, {b!r}")


def _slug(text: str) -> str:
    from twinrisk.places.names import normalize

    return re.sub(r"[^a-z0-9]+", "_", normalize(text)).strip("_") or "x"


def read(path: Path) -> list[list[object]]:
    pairs = _pairs(path)
    # undirected: keep one row per unordered pair
    seen: dict[tuple[str, ...], Pair] = {}
    for p in pairs:
        key = tuple(sorted((p.qa or p.la + p.ca, p.qb or p.lb + p.cb)))
        if key not in seen or (p.end and not seen[key].end):
            seen[key] = p
    uniq = list(seen.values())
    filled = _fill_countries(uniq)
    rows: list[list[object]] = []
    ids: set[str] = set()
    for qa, la, ca, qb, lb, cb, start, end, pa, pb in uniq:
        ca = ca or filled.get((la, pa), "")
        cb = cb or filled.get((lb, pb), "")
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
                qa,
                *pa,
                qb,
                *pb,
            ]
        )
    return rows


def _fill_countries(pairs: list[Pair]) -> dict[tuple[str, Point], str]:
    """The country of each (label, point) the file leaves without one, from the
    gazetteer, the point telling namesakes apart."""
    need = list(
        dict.fromkeys(
            (label, point)
            for p in pairs
            for label, cc, point in ((p.la, p.ca, p.pa), (p.lb, p.cb, p.pb))
            if not cc
        )
    )
    if not need:
        return {}
    from twinrisk.core.models import Place
    from twinrisk.places import Hint, resolve_many

    hints = [Hint(lat=float(pt[0]), lon=float(pt[1])) if pt[0] else None for _, pt in need]
    got = resolve_many([label for label, _ in need], [None] * len(need), hints)
    return {
        key: res.country if isinstance(res, Place) else ""
        for key, res in zip(need, got, strict=True)
    }


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
