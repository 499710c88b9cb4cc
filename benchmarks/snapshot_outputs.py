"""Snapshot every output a speed change must leave alone, and compare two snapshots.

A performance change is only acceptable when scores, points, reasons, sources and
errors stay byte-identical; this writes them to a directory so that the state before
a change can be compared with the state after it:

- ``assess_frame`` on ``features/dyads.csv`` as of three dates, and on 20,000 dyads of
  bench_batch's sample (which includes rows that fail);
- the JSON of ``assess()`` (or the error it raises: class, slug, field, message) for
  some 260 proposals: known ties with and without terms, the analyst's expectations,
  bench_api's proposals, places that fail, and gazetteer dyads;
- the same proposals through ``assess_each`` in runs of 16, as the service scores them.

    python benchmarks/snapshot_outputs.py write /tmp/before
    python benchmarks/snapshot_outputs.py write /tmp/after
    python benchmarks/snapshot_outputs.py compare /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_batch import sample_dyads  # noqa: E402
from load import BAD_PAIRS, PAIRS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DATES = ("2012-06-30", "2020-01-01", "2026-11-28")
TERMS: list[dict[str, Any]] = [
    {},
    {"exit_clause": True, "text_published": True},
    {"counterparty_united_front": True, "sensitive_domains": "students,technology"},
    {"exit_clause": False, "political_clause": True, "sensitive_domains": "ports"},
    {"sensitive_domains": "none", "prior_cooperation": True, "national_consultation": False},
]


def requests() -> list[dict[str, Any]]:
    """The proposals whose full answers are compared (fixed order)."""
    out: list[dict[str, Any]] = []
    with (ROOT / "features" / "dyads.csv").open(encoding="utf-8") as fh:
        dyads = list(csv.DictReader(fh))
    for i, d in enumerate(dyads[:160]):
        out.append(
            {
                "local": d["local_place"],
                "partner": d["partner_place"],
                "local_country": d["local_country"],
                "partner_country": d["partner_country"],
                "as_of": DATES[i % len(DATES)],
                "terms": TERMS[i % len(TERMS)],
            }
        )
    expectations = Path(__file__).resolve().parents[2] / "shared" / "reference"
    exp = expectations / "expectations.csv"
    if not exp.exists():
        exp = Path("/work/shared/reference/expectations.csv")
    if exp.exists():
        with exp.open(encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                for pre in ("", "other_"):
                    if r[f"{pre}local"]:
                        out.append(
                            {
                                "local": r[f"{pre}local"],
                                "partner": r[f"{pre}partner"],
                                "local_country": r[f"{pre}local_country"] or None,
                                "partner_country": r[f"{pre}partner_country"] or None,
                                "as_of": r[f"{pre}as_of"] or DATES[-1],
                                "terms": {},
                            }
                        )
    for i, (local, lc, partner, pc) in enumerate(PAIRS + BAD_PAIRS):
        out.append(
            {
                "local": local,
                "partner": partner,
                "local_country": lc,
                "partner_country": pc,
                "as_of": DATES[-1],
                "terms": TERMS[(i + 1) % len(TERMS)],
            }
        )
    out.append({"local": "Luleå", "partner": "Xi'an", "as_of": "not a date", "terms": {}})
    out.append({"local": "Luleå", "partner": "Xi'an", "as_of": DATES[-1], "terms": {"x": 1}})
    out.append({"local": "Luleå", "partner": "Xi'an", "local_country": "XX", "as_of": DATES[-1]})
    sample = sample_dyads(60, seed=7)
    for i, rec in enumerate(sample.to_dict("records")):
        out.append(
            {
                "local": rec["local"],
                "partner": rec["partner"],
                "local_country": rec["local_country"],
                "partner_country": rec["partner_country"],
                "as_of": DATES[i % len(DATES)],
                "terms": TERMS[i % len(TERMS)],
            }
        )
    return out


def dump(result: object) -> str:
    """One line: the Assessment's JSON or the error's class, attributes and message."""
    if isinstance(result, BaseException):
        attrs = {k: str(getattr(result, k, "")) for k in ("field", "slug", "title", "status")}
        return json.dumps({"error": type(result).__name__, **attrs, "message": str(result)})
    return str(result.model_dump_json())  # type: ignore[attr-defined]


def write(out: Path) -> None:
    import pandas as pd

    import twinrisk

    out.mkdir(parents=True, exist_ok=True)
    dyads = pd.read_csv(ROOT / "features" / "dyads.csv", dtype=str, keep_default_na=False)
    frame = dyads.rename(columns={"local_place": "local", "partner_place": "partner"})[
        ["local", "local_country", "partner", "partner_country"]
    ]
    for date in DATES:
        twinrisk.assess_frame(frame, as_of=date).to_csv(out / f"frame_{date}.csv", index=False)
    sample = sample_dyads(20_000)
    twinrisk.assess_frame(sample, as_of=DATES[-1]).to_csv(out / "frame_sample.csv", index=False)

    reqs = requests()
    lines = []
    for r in reqs:
        try:
            result: object = twinrisk.assess(**r)
        except Exception as exc:  # noqa: BLE001 - the error is the output compared
            result = exc
        lines.append(dump(result))
    (out / "assess.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines = []
    for start in range(0, len(reqs), 16):
        lines.extend(dump(r) for r in twinrisk.assess_each(reqs[start : start + 16]))
    (out / "assess_each.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {out}: {len(reqs)} proposals, {len(DATES)} dates, 20,000 sample rows")


def compare(a: Path, b: Path) -> int:
    bad = 0
    for fa in sorted(a.iterdir()):
        fb = b / fa.name
        if not fb.exists():
            print(f"{fa.name}: missing in {b}")
            bad += 1
            continue
        ha, hb = (hashlib.sha256(f.read_bytes()).hexdigest() for f in (fa, fb))
        if ha == hb:
            print(f"{fa.name}: identical ({ha[:12]})")
            continue
        bad += 1
        la = fa.read_text(encoding="utf-8").splitlines()
        lb = fb.read_text(encoding="utf-8").splitlines()
        diff = [i for i, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y]
        print(f"{fa.name}: DIFFERS ({len(la)} vs {len(lb)} lines; first differing {diff[:5]})")
        if diff:
            print(f"  before: {la[diff[0]][:300]}\n  after:  {lb[diff[0]][:300]}")
    return 1 if bad else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("write").add_argument("dir", type=Path)
    c = sub.add_parser("compare")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = ap.parse_args()
    if args.cmd == "write":
        write(args.dir)
    else:
        raise SystemExit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
