# ruff: noqa: E501  (source rows and curated facts are long literal strings)
"""Build the dated conflict tables of issue 13 from the reference copies.

``python -m twinrisk.importers.conflict_build [REFERENCE_DIR]`` (default
``../shared/reference`` next to the repository) rewrites

- ``features/sanctions_regimes.csv``  compiled rows + ``EXTRA_SANCTIONS``;
- ``features/memberships.csv``        EUMS (EU) + compiled NATO rows + ``EXTRA_MEMBERSHIPS``;
- ``features/wars.csv``               compiled rows + COW wars (from 1946) + UCDP/PRIO
  interstate conflicts + fatal MIDs (from 1990);
- ``features/country_indicators.csv`` V-Dem RoW (OWID) and TI CPI (OWID), 2000 on;

and appends to ``features/sources.csv`` the source rows it cites that are not there
yet (never rewrites existing rows). ``EXTRA_*`` rows were checked on a page in the
session that added them; the page is the cited source.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

from twinrisk.importers import (
    cow_mid,
    cow_war,
    eums,
    owid_indicators,
    sanctions_wars,
    ucdp_acd,
)

SRC_COLUMNS = ["source_id", "title", "publisher", "year", "url", "licence", "note"]

# Sources first used by this build (besides the per-page rows of the compiled table).
NEW_SOURCES: list[dict[str, str]] = [
    {
        "source_id": "cow_interstate_war_v4",
        "title": "Inter-State War Data, version 4.0",
        "publisher": "Correlates of War Project (Sarkees & Wayman 2010)",
        "year": "2010",
        "url": "https://correlatesofwar.org/data-sets/cow-war/",
        "licence": "free for use with citation",
        "note": "Inter-StateWarData_v4.0.csv; wars 1823-2003; one row per state participation",
    },
    {
        "source_id": "ucdp_prio_acd_231",
        "title": "UCDP/PRIO Armed Conflict Dataset version 23.1",
        "publisher": "Uppsala Conflict Data Program (UCDP) and Peace Research Institute Oslo (PRIO)",
        "year": "2023",
        "url": "https://ucdp.uu.se/downloads/",
        "licence": "CC BY 4.0 (as published by UCDP; not re-verified)",
        "note": "UcdpPrioConflict_v23_1.csv; Gleditsch et al. 2002, Davies, Pettersson & Oberg 2023; 1946-2022",
    },
    {
        "source_id": "cow_mid_5",
        "title": "Militarized Interstate Disputes (MID) data, version 5.0",
        "publisher": "Correlates of War Project (Palmer et al. 2022)",
        "year": "2022",
        "url": "https://correlatesofwar.org/data-sets/mids/",
        "licence": "free for use with citation",
        "note": "MIDA 5.0.csv and MIDB 5.0.csv; 1816-2014; Conflict Management and Peace Science 39(4)",
    },
    {
        "source_id": "vdem_row_v13",
        "title": "Regimes of the World (v2x_regime), V-Dem dataset v13, as the Our World in Data chart 'Political regime'",
        "publisher": "V-Dem Institute (Luhrmann, Tannenberg & Lindberg 2018); Our World in Data",
        "year": "2023",
        "url": "https://ourworldindata.org/grapher/political-regime",
        "licence": "CC BY 4.0 (OWID chart data)",
        "note": "0 closed autocracy, 1 electoral autocracy, 2 electoral democracy, 3 liberal democracy; to 2022",
    },
    {
        "source_id": "eums_fjelstul_2021",
        "title": "eums: The European Union Member States (EUMS) Database",
        "publisher": "Joshua C. Fjelstul",
        "year": "2021",
        "url": "https://github.com/jfjelstul/eums",
        "licence": "MIT",
        "note": "member_states_raw.csv: accession_date, exit_date (UK 2020-01-31); founders dated from the ECSC (1952-07-23)",
    },
    {
        "source_id": "ch_fedcouncil_russia_2022_lenz",
        "title": "Switzerland adopts EU sanctions against Russia",
        "publisher": "Lenz & Staehelin (on the Swiss Federal Council decision of 28 Feb 2022)",
        "year": "2022",
        "url": "https://www.lenzstaehelin.com/en/publications/newsletters/detail/switzerland-adopts-eu-sanctions-against-russia",
        "licence": "copyright (fact cited)",
        "note": "Federal Council decision of 28 Feb 2022 to adopt the EU packages of 23 and 25 Feb 2022; 2014 circumvention ordinance revised and retitled",
    },
    {
        "source_id": "ch_fedcouncil_russia_2022_lenews",
        "title": "Switzerland adopts EU sanctions against Russia",
        "publisher": "Le News (quoting the Swiss Federal Council statement)",
        "year": "2022",
        "url": "https://lenews.ch/2022/02/28/switzerland-adopts-eu-sanctions-against-russia/",
        "licence": "copyright (fact cited)",
        "note": "statement: Crimea/Sevastopol import, export and investment ban 'in place since 2014' extended to Donetsk and Luhansk",
    },
    {
        "source_id": "us_proc3447_1962",
        "title": "Proclamation 3447: Embargo on All Trade with Cuba (text)",
        "publisher": "The White House (President J. F. Kennedy), 27 FR 1085; text reproduced by Troy Historic Village",
        "year": "1962",
        "url": "https://www.troyhistoricvillage.org/feb-3-2015-proclamation-3447-embargo-trade-cuba/",
        "licence": "public domain (US government work)",
        "note": "signed 3 Feb 1962; import prohibition effective 12:01 a.m. EST 7 Feb 1962",
    },
    {
        "source_id": "nz_mfat_russia_sanctions",
        "title": "Overview of sanctions against Russia",
        "publisher": "New Zealand Ministry of Foreign Affairs and Trade",
        "year": "2025",
        "url": "https://www.mfat.govt.nz/en/countries-and-regions/europe/ukraine/russian-invasion-of-ukraine/sanctions/overview-of-sanctions-against-russia",
        "licence": "copyright (fact cited)",
        "note": "Russia Sanctions Act 2022 passed unanimously on 9 Mar 2022; page undated, year = year read",
    },
    {
        "source_id": "nz_russia_sanctions_act_2022_note",
        "title": "Russia sanctions law becomes law",
        "publisher": "Atlantic Storm (citing New Zealand Legislation website)",
        "year": "2022",
        "url": "https://atlantic-storm.org/russia-sanctions-law-becomes-law/",
        "licence": "copyright (fact cited)",
        "note": "Russia Sanctions Act 2022 (No 6): Royal Assent 11 Mar 2022, in force 12 Mar 2022",
    },
    {
        "source_id": "usemb_jp_treaty_1960",
        "title": "The U.S.-Japan Alliance - The Gold Standard in Win-Win Defense Treaties",
        "publisher": "U.S. Embassy & Consulates in Japan",
        "year": "2020",
        "url": "https://jp.usembassy.gov/us-japan-alliance-gold-standard-60th-anniv/",
        "licence": "public domain (US government work)",
        "note": "Treaty of Mutual Cooperation and Security entered into force 23 June 1960",
    },
    {
        "source_id": "app_us_kr_mdt_1954",
        "title": "Special Message to the Senate Transmitting the Mutual Defense Treaty Between the United States and the Republic of Korea",
        "publisher": "The American Presidency Project (UC Santa Barbara), D. D. Eisenhower",
        "year": "1954",
        "url": "https://presidency.ucsb.edu/documents/special-message-the-senate-transmitting-the-mutual-defense-treaty-between-the-united",
        "licence": "public domain (US government work)",
        "note": "editor's note: signed 1 Oct 1953; entered into force 17 Nov 1954 (5 UST 2368)",
    },
    {
        "source_id": "peo_anzus_1952",
        "title": "ANZUS treaty",
        "publisher": "Parliamentary Education Office (Parliament of Australia)",
        "year": "2024",
        "url": "http://peo.gov.au/understand-our-parliament/history-of-parliament/history-milestones/australian-parliament-history-timeline/events/anzus-treaty",
        "licence": "copyright (fact cited)",
        "note": "signed 1 Sep 1951, in force 29 Apr 1952; page undated, year = year read",
    },
    {
        "source_id": "nzhistory_anzus_1952",
        "title": "ANZUS treaty comes into force",
        "publisher": "NZHistory (Ministry for Culture and Heritage, New Zealand)",
        "year": "2024",
        "url": "http://www.nzhistory.net.nz/anzus-comes-into-force",
        "licence": "CC BY-NC 3.0 NZ (fact cited)",
        "note": "29 Apr 1952; New Zealand 'effectively frozen out' by the US after the mid-1980s nuclear ships row; page undated",
    },
    {
        "source_id": "dfa_ph_us_mdt_1951",
        "title": "Mutual Defense Treaty between the Republic of the Philippines and the United States of America (treaty series note and text)",
        "publisher": "Department of Foreign Affairs (Philippines) treaty series text, via a Scribd copy",
        "year": "1952",
        "url": "https://ja.scribd.com/document/369495862/Mutual-Defense-Treaty-Between-the-Philippines-and-US",
        "licence": "public domain (treaty text)",
        "note": "signed 30 Aug 1951; entered into force 27 Aug 1952 upon exchange of ratifications (177 UNTS 133)",
    },
    {
        "source_id": "wp_cst_2006",
        "title": "Collective Security Treaty Organization (revision of 28 May 2006)",
        "publisher": "Wikipedia (old revision, read via a proxy copy)",
        "year": "2006",
        "url": "https://en.wikipedia.org/wiki/Collective_Security_Treaty_Organization",
        "licence": "CC BY-SA (fact cited)",
        "note": "CST signed 15 May 1992 (AM KZ KG RU TJ UZ), AZ 24 Sep 1993, GE 9 Dec 1993, BY 31 Dec 1993; in force 20 Apr 1994; AZ, GE, UZ did not sign the 2 Apr 1999 renewal protocol and withdrew. Secondary source; read at amansaja.com proxy of the 2006 revision",
    },
]

# Rows checked on a page in this session (sources in NEW_SOURCES or the compiled rows).
EXTRA_SANCTIONS: list[dict[str, str]] = [
    {
        "regime_id": "ch_ru_2014",
        "imposer": "CH",
        "target": "RU",
        "start": "2014",
        "end": "",
        "scope": "Ordinance on measures to prevent the circumvention of international sanctions (Ukraine situation); ban on imports, exports and investment concerning Crimea and Sevastopol",
        "sources": "ch_fedcouncil_russia_2022_lenews;ch_fedcouncil_russia_2022_lenz",
        "note": "date precision: year only ('in place since 2014'); Switzerland did not adopt the EU 2014 packages as such; verified on page",
    },
    {
        "regime_id": "ch_ru_2022",
        "imposer": "CH",
        "target": "RU",
        "start": "2022-02-28",
        "end": "",
        "scope": "Federal Council adopts the EU sanctions packages of 23 and 25 Feb 2022 (asset freezes incl. Putin, Mishustin, Lavrov; goods and financial sanctions); ordinance retitled 'measures in connection with the situation in Ukraine'",
        "sources": "ch_fedcouncil_russia_2022_lenz;ch_fedcouncil_russia_2022_lenews",
        "note": "verified on page",
    },
    {
        "regime_id": "us_cu_1962",
        "imposer": "US",
        "target": "CU",
        "start": "1962-02-03",
        "end": "",
        "scope": "Proclamation 3447: embargo on all trade with Cuba (imports banned from 7 Feb 1962; exports under Commerce controls); later Cuban Assets Control Regulations and statutes",
        "sources": "us_proc3447_1962",
        "note": "signed 1962-02-03, effective 1962-02-07; partial trade restrictions from Oct 1960 not included; verified on page",
    },
    {
        "regime_id": "nz_ru_2022",
        "imposer": "NZ",
        "target": "RU",
        "start": "2022-03-12",
        "end": "",
        "scope": "Russia Sanctions Act 2022: travel, transport, asset, securities and services bans; later tariffs and import/export bans",
        "sources": "nz_russia_sanctions_act_2022_note;nz_mfat_russia_sanctions",
        "note": "Act passed 2022-03-09, assent 2022-03-11, in force 2022-03-12; first regulations effective 2022-03-18; verified on page",
    },
]

EXTRA_MEMBERSHIPS: list[dict[str, str]] = [
    {
        "country": "US",
        "body": "treaty_us_jp_1960",
        "joined": "1960-06-23",
        "left": "",
        "sources": "usemb_jp_treaty_1960",
        "note": "Treaty of Mutual Cooperation and Security (US-Japan); party; verified on page",
    },
    {
        "country": "JP",
        "body": "treaty_us_jp_1960",
        "joined": "1960-06-23",
        "left": "",
        "sources": "usemb_jp_treaty_1960",
        "note": "Treaty of Mutual Cooperation and Security (US-Japan); party; verified on page",
    },
    {
        "country": "US",
        "body": "treaty_us_kr_1953",
        "joined": "1954-11-17",
        "left": "",
        "sources": "app_us_kr_mdt_1954",
        "note": "Mutual Defense Treaty (US-Republic of Korea), signed 1953-10-01; some copies give 18 Nov (Korean date); verified on page",
    },
    {
        "country": "KR",
        "body": "treaty_us_kr_1953",
        "joined": "1954-11-17",
        "left": "",
        "sources": "app_us_kr_mdt_1954",
        "note": "Mutual Defense Treaty (US-Republic of Korea), signed 1953-10-01; verified on page",
    },
    {
        "country": "US",
        "body": "treaty_us_ph_1951",
        "joined": "1952-08-27",
        "left": "",
        "sources": "dfa_ph_us_mdt_1951",
        "note": "Mutual Defense Treaty (Philippines-US), signed 1951-08-30; verified on page",
    },
    {
        "country": "PH",
        "body": "treaty_us_ph_1951",
        "joined": "1952-08-27",
        "left": "",
        "sources": "dfa_ph_us_mdt_1951",
        "note": "Mutual Defense Treaty (Philippines-US), signed 1951-08-30; verified on page",
    },
    {
        "country": "AU",
        "body": "ANZUS",
        "joined": "1952-04-29",
        "left": "",
        "sources": "peo_anzus_1952;nzhistory_anzus_1952",
        "note": "signed 1951-09-01; verified on page",
    },
    {
        "country": "NZ",
        "body": "ANZUS",
        "joined": "1952-04-29",
        "left": "",
        "sources": "peo_anzus_1952;nzhistory_anzus_1952",
        "note": "signed 1951-09-01; still a party, but the US suspended its obligations to NZ after the mid-1980s nuclear ships row (date not recorded); verified on page",
    },
    {
        "country": "US",
        "body": "ANZUS",
        "joined": "1952-04-29",
        "left": "",
        "sources": "peo_anzus_1952;nzhistory_anzus_1952",
        "note": "signed 1951-09-01; verified on page",
    },
] + [
    {
        "country": c,
        "body": "CSTO",
        "joined": "1994-04-20",
        "left": left,
        "sources": "wp_cst_2006",
        "note": note,
    }
    for c, left, note in [
        (
            "AM",
            "",
            "Collective Security Treaty in force 1994-04-20 (signed 1992-05-15); CSTO charter 2002; participation frozen by Armenia in 2024 not recorded (unsourced here)",
        ),
        (
            "KZ",
            "",
            "Collective Security Treaty in force 1994-04-20 (signed 1992-05-15); CSTO charter 2002",
        ),
        (
            "KG",
            "",
            "Collective Security Treaty in force 1994-04-20 (signed 1992-05-15); CSTO charter 2002",
        ),
        (
            "RU",
            "",
            "Collective Security Treaty in force 1994-04-20 (signed 1992-05-15); CSTO charter 2002",
        ),
        (
            "TJ",
            "",
            "Collective Security Treaty in force 1994-04-20 (signed 1992-05-15); CSTO charter 2002",
        ),
        (
            "BY",
            "",
            "Collective Security Treaty signed 1993-12-31, in force 1994-04-20; CSTO charter 2002",
        ),
        (
            "AZ",
            "1999",
            "signed 1993-09-24; did not sign the 1999-04-02 renewal protocol and withdrew; left: year only",
        ),
        (
            "GE",
            "1999",
            "signed 1993-12-09; did not sign the 1999-04-02 renewal protocol and withdrew; left: year only",
        ),
        (
            "UZ",
            "1999",
            "signed 1992-05-15; did not sign the 1999-04-02 renewal protocol and withdrew; left: year only; rejoined 2006 and suspended 2012 (not recorded, unsourced here)",
        ),
    ]
]

# Compiled rows whose cited page was opened in this session and confirmed the date.
VERIFIED_COMPILED = {
    ("sanctions", "EU", "RU", "2014-03-17"),
    ("sanctions", "EU", "RU", "2022-02-23"),
    ("sanctions", "UN", "KP", "2006-10-14"),
    ("sanctions", "EU", "CN", "2021-03-22"),
    ("sanctions", "CN", "EU", "2021-03-22"),
    ("sanctions", "US", "RU", "2014-03-06"),
    ("sanctions", "GB", "RU", "2022-02-22"),
    ("nato_accession", "FI", "NATO", "2023-04-04"),
    ("nato_accession", "SE", "NATO", "2024-03-07"),
    ("clash", "IN", "CN", "2020-06-15"),
}


def _mark_verified(compiled: pd.DataFrame, tables: dict[str, pd.DataFrame]) -> None:
    s = tables["sanctions"]
    for kind, imp, tgt, start in VERIFIED_COMPILED:
        if kind == "sanctions":
            m = (
                (s["imposer"] == sanctions_wars.IMPOSER.get(imp, imp))
                & (s["target"] == tgt)
                & (s["start"] == start)
            )
            s.loc[m, "note"] = s.loc[m, "note"] + "; date verified on page"
        elif kind in ("war", "clash"):
            w = tables["wars"]
            m = (w["state_a"] == imp) & (w["state_b"] == tgt) & (w["start"] == start)
            w.loc[m, "note"] = w.loc[m, "note"] + "; date verified on page"
        else:
            mm = tables["memberships"]
            m = (mm["country"] == imp) & (mm["body"] == tgt) & (mm["joined"] == start)
            mm.loc[m, "note"] = mm.loc[m, "note"] + "; date verified on page"


def build(reference: Path, features: Path) -> dict[str, int]:
    compiled = sanctions_wars.read_sanctions_wars(reference / "compiled" / "sanctions_wars.csv")
    t = sanctions_wars.to_tables(compiled)
    _mark_verified(compiled, t)

    sanctions = pd.concat([t["sanctions"], pd.DataFrame(EXTRA_SANCTIONS)], ignore_index=True)
    sanctions = sanctions.sort_values(["imposer", "target", "start"], kind="stable")

    eu = eums.to_table(eums.read_eums(reference / "eu_membership_eums" / "member_states_raw.csv"))
    memberships = pd.concat(
        [eu, t["memberships"], pd.DataFrame(EXTRA_MEMBERSHIPS)], ignore_index=True
    )

    ref_war = reference / "cow_interstate_war_v4.0" / "Inter-StateWarData_v4.0.csv"
    ref_acd = reference / "ucdp_prio_acd_23.1" / "UcdpPrioConflict_v23_1.csv"
    ref_mid = reference / "cow_mid_5.0"
    wars = pd.concat(
        [
            t["wars"],
            cow_war.to_table(cow_war.read_cow_war(ref_war)),
            ucdp_acd.to_table(ucdp_acd.read_ucdp_acd(ref_acd)),
            cow_mid.to_table(
                cow_mid.read_cow_mid(ref_mid / "MIDA 5.0.csv", ref_mid / "MIDB 5.0.csv")
            ),
        ],
        ignore_index=True,
    )

    iso = owid_indicators.iso3_to_iso2(features / "countries.csv")
    vdem = owid_indicators.read_owid_vdem(
        reference / "vdem_regimes_of_the_world_owid" / "political-regime.csv"
    )
    cpi = owid_indicators.read_owid_cpi(
        reference / "ti_cpi_owid" / "ti-corruption-perception-index.csv"
    )
    indicators = pd.concat(
        [
            owid_indicators.to_table(vdem, "vdem_row", iso),
            owid_indicators.to_table(cpi, "cpi_score", iso),
        ],
        ignore_index=True,
    ).sort_values(["country", "indicator", "year"], kind="stable")

    # sources: append only ids not yet present
    src_path = features / "sources.csv"
    existing = pd.read_csv(src_path, dtype=str, keep_default_na=False)
    have = set(existing["source_id"])
    cpi_years = sorted(indicators.loc[indicators["indicator"] == "cpi_score", "year"].unique())
    cpi_src = [
        {
            "source_id": f"ti_cpi_{y}",
            "title": f"Corruption Perceptions Index {y}",
            "publisher": "Transparency International (via Our World in Data chart 'Corruption Perceptions Index')",
            "year": str(y + 1),
            "url": "https://ourworldindata.org/grapher/ti-corruption-perception-index",
            "licence": "CC BY 4.0 (OWID chart data); TI terms not verified (fact cited)",
            "note": f"CPI {y} edition, scores 0-100, published early {y + 1}",
        }
        for y in cpi_years
    ]
    new = [
        r
        for r in NEW_SOURCES + t["sources"].to_dict("records") + cpi_src
        if r["source_id"] not in have
    ]
    seen: set[str] = set()
    rows = []
    for r in new:
        if r["source_id"] not in seen:
            seen.add(r["source_id"])
            rows.append([r[c] for c in SRC_COLUMNS])
    if rows:
        with src_path.open("a", encoding="utf-8", newline="") as fh:
            csv.writer(fh, lineterminator="\n").writerows(rows)

    out = {
        "sanctions_regimes.csv": sanctions,
        "memberships.csv": memberships,
        "wars.csv": wars,
        "country_indicators.csv": indicators,
    }
    for name, df in out.items():
        df.to_csv(features / name, index=False, lineterminator="\n")
    counts = {name: len(df) for name, df in out.items()}
    counts["sources appended"] = len(rows)
    return counts


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(__file__).resolve().parents[4]
    reference = Path(argv[0]) if argv else root.parent / "shared" / "reference"
    for k, v in build(reference, root / "features").items():
        print(f"{k}: {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
