"""Print the coverage counts of features/tie_events.csv used in features/README.md.

Run from the repo root: python3 features/tools/tie_events_stats.py
The table's rules (ids, dates, vocabularies, sources, event order, dyads.csv status =
derived status) are checked by `twinrisk data validate` (src/twinrisk/data/tie_rules.py).
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "features"
ENDS = {"suspended", "terminated", "lapsed", "blocked"}


def derive(events: list[dict[str, str]]) -> str:
    status = "active"
    for e in events:
        if e["event"] in ENDS and e["confirmed"] == "true":
            status = e["event"]
        elif e["event"] == "resumed":
            status = "active"
    return status


def read(name: str) -> list[dict[str, str]]:
    with open(ROOT / name, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main() -> int:
    dyads = {d["dyad_id"]: d for d in read("dyads.csv")}
    events = read("tie_events.csv")
    by: dict[str, list[dict[str, str]]] = {}
    for e in events:
        by.setdefault(e["dyad_id"], []).append(e)
    without = sorted(set(dyads) - set(by))
    ended = {
        d
        for d, es in by.items()
        if any(e["event"] in ENDS and e["confirmed"] == "true" for e in es)
    }
    unconfirmed = {
        d
        for d, es in by.items()
        if any(e["event"] in ENDS and e["confirmed"] == "false" for e in es)
    }
    resumed = {
        d
        for d, es in by.items()
        if any(e["event"] == "suspended" for e in es) and any(e["event"] == "resumed" for e in es)
    }
    listed_only = {d for d, es in by.items() if {e["event"] for e in es} <= {"listed"}}
    listed_signed_only = {
        d for d, es in by.items() if {e["event"] for e in es} <= {"listed", "signed"}
    }
    active20 = {
        d for d, es in by.items() if any(e["event"] == "active" and e["date"] >= "2020" for e in es)
    }
    derived = Counter(derive(es) for es in by.values())
    print(
        f"events: {len(events)}; dyads with events: {len(by)} of {len(dyads)}; without: {without}"
    )
    print("events by type:", dict(Counter(e["event"] for e in events)))
    print("derived status:", dict(derived))
    print(
        f"ties with a confirmed ending event: {len(ended)}; with only unconfirmed endings: {len(unconfirmed - ended)}"  # noqa: E501
    )
    print(f"suspended then resumed: {len(resumed)} {sorted(resumed)}")
    print(
        f"listed-only (no signed/active/ending event): {len(listed_only)}; listed/signed only: {len(listed_signed_only)}"  # noqa: E501
    )
    print(f"ties with an `active` event dated 2020 or later: {len(active20)}")
    for label, key in [("local country", "local_country"), ("partner country", "partner_country")]:
        rows: Counter[tuple[str, str]] = Counter()
        for d in by:
            c = dyads[d][key]
            rows[(c, "ties")] += 1
            rows[(c, "ended")] += derive(by[d]) != "active"
            rows[(c, "active2020")] += d in active20
            rows[(c, "listed_only")] += d in listed_only
        cs = sorted({c for c, _ in rows}, key=lambda c: -rows[(c, "ties")])
        print(
            f"by {label} (ties/currently ended/active 2020+/listed-only): "
            + "; ".join(
                f"{c} {rows[(c, 'ties')]}/{rows[(c, 'ended')]}/{rows[(c, 'active2020')]}/{rows[(c, 'listed_only')]}"  # noqa: E501
                for c in cs
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
