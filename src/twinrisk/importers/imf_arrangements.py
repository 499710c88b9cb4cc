"""IMF "Fund Arrangements since 1952" workbook -> dated rows of imf_programmes.csv.

The IMF's arrangement list (compiled by its Strategy, Policy and Review and Finance
departments from the MONA database; sheet "Arrangements since 1952") gives, per
arrangement, the facility, the Board approval date, the scheduled expiration, any
extension or cancellation, and the access approved. It is the one source that dates
every IMF lending arrangement of every member, so "was this country under an IMF
programme on that date" can be answered for decades rather than for the handful of
recent programmes found in press releases.

The workbook's layout: a title row, a units row, the header row (``Country``,
``Arr. Type``, ``Date of Arrangement``, ...), one row per arrangement, then a footer
(a timestamp and "Sources: ..."). ``..`` and ``n.a.`` mean "not applicable / not
given". Amounts are US$ millions for arrangements approved 1952-1971 and SDR
millions from 1972 (the units row says so), so only the latter fill ``amount_sdr_m``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pycountry

from twinrisk.importers import ImportFormatError

HEADER = ["country", "facility", "approved", "ended", "amount_sdr_m", "sources", "note"]
SOURCE_ID = "imf_fund_arrangements_2017"

#: header cells the reader needs (the workbook has more)
COLUMNS = {
    "country": "Country",
    "account": "Account",
    "facility": "Arr. Type",
    "approved": "Date of Arrangement",
    "expires": "Expiration Date",
    "extended": "Extended Expiration Date",
    "cancelled": "Cancellation Date",
    "ended": "Actual/Current Expiration Date",
    "amount": "Total Amount Approved (Including SRF)",
    "precautionary": "Precautionary (Using MONA)",
}

#: facility codes kept, as the workbook spells them (all are lending arrangements)
FACILITIES = {"SBA", "EFF", "ECF", "SCF", "ESAF", "PRGF", "SAF", "ESF", "FCL", "PLL", "PCL"}
#: codes the workbook uses without defining them (FCTA, FCTD) and its one outright
#: purchase: left out rather than guessed (README gap)
SKIPPED_FACILITIES = {"FCTA", "FCTD", "Outright purchase"}

#: the IMF's country names that ISO 3166 spells differently
NAMES: dict[str, str | None] = {
    "Afghanistan, I. S. of": "AF",
    "Cape Verde": "CV",
    "China, P.R. of": "CN",
    "Congo, Democratic Republic of": "CD",
    "Congo, Republic Of": "CG",
    "Cote D'Ivoire": "CI",
    "Cote d'Ivoire": "CI",
    "Iran. I. Rep of": "IR",
    "Korea": "KR",
    "Kosovo, Republic of": "XK",
    "Lao People Dem. Rep.": "LA",
    "Macedonia, FYR": "MK",
    "Sao Tome & Principe": "ST",
    "Serbia, Republic of": "RS",
    "St. Kitts and Nevis": "KN",
    "St. Vincent and the Grenadines": "VC",
    "Trinidad & Tobago": "TT",
    "Turkey": "TR",
    "Western Samoa": "WS",
    "Yemen, Republic Of": "YE",
    # dissolved members: no current ISO 3166-1 code
    "Czechoslovakia": None,
    "Serbia & Montenegro": None,
    "Yugoslavia, FR": None,
}

#: the workbook's "as of" stamp (footer); expirations after it were still scheduled
DEFAULT_AS_OF = pd.Timestamp("2017-06-26")


def read_imf_arrangements(path: Path) -> pd.DataFrame:
    """The arrangement rows of the workbook (header found by its ``Country`` cell)."""
    path = Path(path)
    try:
        raw = pd.read_excel(path, header=None, dtype=object)
    except ValueError as exc:
        raise ImportFormatError(path, 1, f"an Excel workbook ({exc})") from exc
    header_at = None
    for i, row in raw.iterrows():
        cells = {str(c).strip() for c in row if isinstance(c, str)}
        if {"Country", "Arr. Type", "Date of Arrangement"} <= cells:
            header_at = int(str(i))
            break
    if header_at is None:
        raise ImportFormatError(
            path, 1, "a header row with 'Country', 'Arr. Type', 'Date of Arrangement'"
        )
    header = [str(c).strip() if isinstance(c, str) else "" for c in raw.iloc[header_at]]
    for name in COLUMNS.values():
        if name not in header:
            raise ImportFormatError(path, header_at + 1, f"column {name!r} in the header")
    body = raw.iloc[header_at + 1 :].copy()
    body.columns = pd.Index(header)
    body = body.loc[:, [c for c in body.columns if c in COLUMNS.values()]]
    body["line"] = body.index + 1
    body = body[body["Country"].notna() & body["Date of Arrangement"].notna()]
    approved = pd.to_datetime(body["Date of Arrangement"], errors="coerce")
    if approved.isna().any():
        bad = body[approved.isna()].iloc[0]
        raise ImportFormatError(
            path,
            int(bad["line"]),
            f"a date in 'Date of Arrangement', got {bad['Date of Arrangement']!r}",
        )
    return body.reset_index(drop=True)


def iso2(name: str) -> str | None:
    """ISO 3166-1 alpha-2 for an IMF country name; None for a dissolved member."""
    name = name.strip()
    if name in NAMES:
        return NAMES[name]
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        raise ImportFormatError(
            "imf_arrangements", 0, f"a known IMF country name, got {name!r}"
        ) from None


def _date(value: object) -> pd.Timestamp | None:
    if value is None or isinstance(value, str) or pd.isna(value):  # '..', 'n.a.'
        return None
    stamp = pd.Timestamp(value)
    return None if pd.isna(stamp) else stamp


def _amount(value: object) -> float | None:
    try:
        amount = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return amount if amount > 0 else None


def _row(rec: pd.Series, code: str, as_of: pd.Timestamp) -> dict[str, object]:
    approved = _date(rec[COLUMNS["approved"]])
    assert approved is not None  # checked by the reader
    ended = _date(rec[COLUMNS["ended"]])
    cancelled = _date(rec[COLUMNS["cancelled"]])
    extended = _date(rec[COLUMNS["extended"]])
    amount = _amount(rec[COLUMNS["amount"]])
    parts = [f"IMF arrangement list ({rec[COLUMNS['account']]} account)"]
    end_text = ""
    if ended is not None and ended <= as_of:
        end_text = ended.strftime("%Y-%m-%d")
        if cancelled is not None and cancelled == ended:
            parts.append("ended = cancellation date (actual)")
        elif extended is not None and extended == ended:
            parts.append("ended = expiration as extended (actual)")
        else:
            parts.append("ended = expiration date (actual)")
    elif ended is not None:
        parts.append(
            f"scheduled to expire {ended:%Y-%m-%d} as of the list's date {as_of:%Y-%m-%d}; "
            "actual end not in this source, so left blank"
        )
    if str(rec[COLUMNS["precautionary"]]).strip() == "Y":
        parts.append("precautionary")
    sdr: float | None = None
    if amount is not None and approved.year >= 1972:
        sdr = round(amount, 4)
        parts.append(
            "amount = total access approved as the list gives it (SDR m, augmentations included)"
        )
    elif amount is not None:
        parts.append(f"access approved US${amount:g}m (the list gives US$ before 1972)")
    return {
        "country": code,
        "facility": str(rec[COLUMNS["facility"]]).strip(),
        "approved": approved.strftime("%Y-%m-%d"),
        "ended": end_text,
        "amount_sdr_m": "" if sdr is None else f"{sdr:g}",
        "sources": SOURCE_ID,
        "note": "; ".join(parts),
    }


def to_table(
    frame: pd.DataFrame,
    countries: set[str] | None = None,
    as_of: pd.Timestamp = DEFAULT_AS_OF,
) -> pd.DataFrame:
    """Rows of imf_programmes.csv, one per arrangement of a known facility.

    ``countries``: keep only these ISO2 codes (None = every current member).
    ``as_of``: the list's own date; expirations after it are scheduled, not actual,
    and are left blank in ``ended`` (the note gives the scheduled date).
    """
    out: list[dict[str, object]] = []
    for _, rec in frame.iterrows():
        facility = str(rec[COLUMNS["facility"]]).strip()
        if facility in SKIPPED_FACILITIES:
            continue
        if facility not in FACILITIES:
            raise ImportFormatError(
                "imf_arrangements",
                int(rec["line"]),
                f"a facility code in {sorted(FACILITIES | SKIPPED_FACILITIES)}, got {facility!r}",
            )
        code = iso2(str(rec[COLUMNS["country"]]))
        if code is None or (countries is not None and code not in countries):
            continue
        out.append(_row(rec, code, as_of))
    table = pd.DataFrame(out, columns=HEADER)
    # the same arrangement listed twice (e.g. a blend split across two lines) counts once
    return table.drop_duplicates(["country", "facility", "approved"]).reset_index(drop=True)


def new_rows(existing: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``table`` that the curated ``existing`` rows do not already hold.

    A curated row wins (it may cite a later source): an imported row is left out when
    a curated row has the same country and facility and its ``approved`` date is equal
    to, or a month/year prefix of, the imported date (e.g. ``2009-11`` vs ``2009-11-23``).
    """
    held: dict[tuple[str, str], list[str]] = {}
    for country, facility, approved in zip(
        existing["country"], existing["facility"], existing["approved"], strict=True
    ):
        held.setdefault((str(country), str(facility)), []).append(str(approved))
    keep = [
        not any(
            str(approved).startswith(date) for date in held.get((str(country), str(facility)), [])
        )
        for country, facility, approved in zip(
            table["country"], table["facility"], table["approved"], strict=True
        )
    ]
    return table[keep].reset_index(drop=True)
