"""Check features/tie_events.csv and print the coverage counts used in features/README.md.

Run from the repo root: python3 features/tools/tie_events_stats.py
Checks: unique event_id of the form <dyad_id>:<n> numbered 1.. in date order, dyad_id in
dyads.csv, date YYYY[-MM[-DD]] between 1900 and 2026-11-28, event/actor/reason_code
vocabularies, source ids in sources.csv, and that dyads.csv `status` equals the status
derived from the events (last confirmed suspended/terminated/lapsed/blocked not followed
by `resumed`, else active).
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "features"
TODAY = "2026-11-28"
EVENTS = [
    "signed",
    "listed",
    "active",
    "contested",
    "suspended",
    "resumed",
    "terminated",
    "lapsed",
    "blocked",
]
ENDS = {"suspended", "terminated", "lapsed", "blocked"}
ACTORS = {"local", "partner", "both", "national", "unknown"}
REASONS = {
    "political_clause",
    "human_rights",
    "security",
    "diplomatic_pressure",
    "lapsed",
    "bilateral_crisis",
    "retaliation",
    "war",
    "inactivity",
    "other",
}


def sort_key(date: str) -> tuple[str, str, str]:
    p = date.split("-") + ["00", "00"]
    return (p[0], p[1], p[2])


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
    sources = {s["source_id"] for s in read("sources.csv")}
    events = read("tie_events.csv")
    errors: list[str] = []
    by: dict[str, list[dict[str, str]]] = {}
    for e in events:
        by.setdefault(e["dyad_id"], []).append(e)
        if e["dyad_id"] not in dyads:
            errors.append(f"{e['event_id']}: unknown dyad")
        if (
            not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", e["date"])
            or not "1900" <= e["date"] <= TODAY
        ):
            errors.append(f"{e['event_id']}: bad date {e['date']}")
        if e["event"] not in EVENTS:
            errors.append(f"{e['event_id']}: bad event")
        needs_actor = e["event"] in ENDS | {"resumed", "contested"}
        if needs_actor and e["actor"] not in ACTORS or not needs_actor and e["actor"]:
            errors.append(f"{e['event_id']}: actor {e['actor']!r}")
        if e["reason_code"] and (e["event"] not in ENDS or e["reason_code"] not in REASONS):
            errors.append(f"{e['event_id']}: reason_code {e['reason_code']!r}")
        if e["confirmed"] not in {"true", "false"}:
            errors.append(f"{e['event_id']}: confirmed")
        for s in e["sources"].split(";"):
            if s not in sources:
                errors.append(f"{e['event_id']}: unknown source {s}")
    for d, es in by.items():
        ids = [e["event_id"] for e in es]
        if ids != [f"{d}:{i}" for i in range(1, len(es) + 1)]:
            errors.append(f"{d}: event ids not 1..n in file order")
        if [sort_key(e["date"]) for e in es] != sorted(sort_key(e["date"]) for e in es):
            errors.append(f"{d}: events not in date order")
        if d in dyads and derive(es) != dyads[d]["status"]:
            errors.append(f"{d}: dyads.csv status {dyads[d]['status']} != derived {derive(es)}")
    for msg in errors:
        print("ERROR", msg)

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
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
