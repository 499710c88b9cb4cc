"""NGA World Port Index (Pub. 150, ``UpdatedPub150.csv``) -> ``features/ports.csv``.

The location facts flag a place as a seaport when a WPI port lies within
``geo.PORT_RADIUS_KM``; this keeps only what that needs, with the WPI number
as the key so a row can be traced back.
"""

from __future__ import annotations

import csv
from pathlib import Path

from twinrisk.config import features_dir
from twinrisk.importers import ImportFormatError, write_csv, write_sources

REQUIRED = [
    "World Port Index Number",
    "Main Port Name",
    "UN/LOCODE",
    "Country Code",
    "Harbor Size",
    "Harbor Type",
    "Latitude",
    "Longitude",
]
HEADER = [
    "wpi_number",
    "name",
    "unlocode",
    "country_name",
    "harbor_size",
    "harbor_type",
    "lat",
    "lon",
    "sources",
]
SOURCE_ID = "nga_wpi_2024"


def read(path: Path) -> list[list[object]]:
    rows: list[list[object]] = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if header is None or any(c not in header for c in REQUIRED):
            missing = [c for c in REQUIRED if c not in (header or [])]
            raise ImportFormatError(path, 1, f"a WPI header with columns {missing}")
        col = {c: header.index(c) for c in REQUIRED}
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(row) != len(header):
                raise ImportFormatError(path, line, f"{len(header)} fields, got {len(row)}")
            try:
                lat = float(row[col["Latitude"]])
                lon = float(row[col["Longitude"]])
                number = int(float(row[col["World Port Index Number"]]))
            except ValueError:
                raise ImportFormatError(
                    path, line, "numeric World Port Index Number, Latitude and Longitude"
                ) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ImportFormatError(
                    path, line, "latitude in [-90, 90], longitude in [-180, 180]"
                )
            rows.append(
                [
                    number,
                    row[col["Main Port Name"]].strip(),
                    row[col["UN/LOCODE"]].strip(),
                    row[col["Country Code"]].strip(),
                    row[col["Harbor Size"]].strip(),
                    row[col["Harbor Type"]].strip(),
                    round(lat, 5),
                    round(lon, 5),
                    SOURCE_ID,
                ]
            )
    return rows


def run(path: Path, out: Path) -> str:
    rows = read(path)
    n = write_csv(out, HEADER, rows)
    if out.parent.resolve() == features_dir().resolve():
        return f"wrote {n} ports to {out} (source row {SOURCE_ID} in features/_staging)"
    write_sources(
        out,
        [
            [
                SOURCE_ID,
                "World Port Index (Pub. 150)",
                "National Geospatial-Intelligence Agency",
                2024,
                "https://msi.nga.mil/Publications/WPI",
                "public domain",
                "UpdatedPub150.csv",
            ]
        ],
    )
    return f"wrote {n} ports to {out}"
