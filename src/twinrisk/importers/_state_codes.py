"""Correlates of War / Gleditsch-Ward state numbers -> ISO 3166-1 alpha-2.

Only the numbers that occur in the rows the conflict importers keep (COW wars from
1946, UCDP/PRIO interstate conflicts, fatal MIDs from 1990). Built from the GW
column of the ``country_converter`` package's country table and checked by hand
where COW and GW differ or a state no longer exists:

- 255 (COW Germany) and 260 (GW West Germany / Germany) -> DE;
- 365 USSR/Russia -> RU (continuation state); 345 (COW Yugoslavia) / 340 (GW Serbia)
  -> RS (continuation state of the FR Yugoslavia);
- 678 (Yemen Arab Republic, and GW's unified Yemen) and 679 (COW unified Yemen) -> YE;
- 816 Vietnam (Democratic Republic, then unified) -> VN;
- no ISO code (dropped, counted in the importers' ``unmapped``): 315 Czechoslovakia,
  680 South Yemen, 751 Hyderabad, 817 Republic of (South) Vietnam, 265 German DR.
"""

from __future__ import annotations

STATE_ISO2: dict[int, str] = {
    2: "US", 20: "CA", 40: "CU", 55: "GD", 91: "HN", 92: "SV", 93: "NI", 95: "PA",
    100: "CO", 130: "EC", 135: "PE", 160: "AR", 200: "GB", 210: "NL", 211: "BE",
    212: "LU", 220: "FR", 230: "ES", 235: "PT", 255: "DE", 260: "DE", 290: "PL",
    310: "HU", 316: "CZ", 325: "IT", 339: "AL", 340: "RS", 343: "MK", 344: "HR",
    345: "RS", 346: "BA", 350: "GR", 352: "CY", 365: "RU", 368: "LT", 369: "UA",
    371: "AM", 372: "GE", 373: "AZ", 385: "NO", 390: "DK", 395: "IS", 404: "GW",
    432: "ML", 433: "SN", 436: "NE", 437: "CI", 438: "GN", 439: "BF", 450: "LR",
    451: "SL", 471: "CM", 475: "NG", 483: "TD", 484: "CG", 490: "CD", 500: "UG",
    501: "KE", 510: "TZ", 517: "RW", 520: "SO", 522: "DJ", 530: "ET", 531: "ER",
    540: "AO", 551: "ZM", 552: "ZW", 560: "ZA", 565: "NA", 600: "MA", 615: "DZ",
    616: "TN", 620: "LY", 625: "SD", 626: "SS", 630: "IR", 640: "TR", 645: "IQ",
    651: "EG", 652: "SY", 660: "LB", 663: "JO", 666: "IL", 670: "SA", 678: "YE",
    679: "YE", 690: "KW", 692: "BH", 694: "QA", 696: "AE", 698: "OM", 700: "AF",
    701: "TM", 702: "TJ", 703: "KG", 704: "UZ", 705: "KZ", 710: "CN", 713: "TW",
    731: "KP", 732: "KR", 740: "JP", 750: "IN", 770: "PK", 771: "BD", 775: "MM",
    800: "TH", 811: "KH", 812: "LA", 816: "VN", 820: "MY", 840: "PH", 850: "ID",
    900: "AU", 920: "NZ",
}  # fmt: skip


def iso2(code: int) -> str | None:
    """ISO2 for a COW/GW state number, None for a state without one."""
    return STATE_ISO2.get(int(code))
