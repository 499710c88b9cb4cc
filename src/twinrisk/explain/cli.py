"""``twinrisk assess LOCAL PARTNER``: one proposal, every point explained."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from twinrisk.core.models import likelihood_in_words
from twinrisk.explain.places import place_sentences

FORMATS = ("text", "json", "md", "html", "pdf")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "assess",
        help="score one proposed partnership and explain it",
        description='Score one proposal. Example: twinrisk assess Luleå "Xi\'an" '
        "--local-country SE --partner-country CN "
        "--term counterparty_united_front=true "
        "--term sensitive_domains=students,technology",
    )
    p.add_argument("local", help="the local place (city or province/state)")
    p.add_argument("partner", help="the proposed partner place")
    p.add_argument("--local-country", default=None, help="ISO 3166-1 alpha-2, e.g. SE")
    p.add_argument("--partner-country", default=None, help="ISO 3166-1 alpha-2, e.g. CN")
    for side in ("local", "partner"):
        p.add_argument(
            f"--{side}-admin",
            default=None,
            metavar="AREA",
            help=f"an area the {side} place lies in (state, province, county), to tell it "
            "from namesakes, e.g. Bavaria",
        )
        p.add_argument(
            f"--{side}-geonames-id",
            default=None,
            metavar="N",
            help=f"the {side} place's GeoNames id (or gn:N)",
        )
        p.add_argument(
            f"--{side}-near",
            default=None,
            metavar="LAT,LON",
            help=f"a point at or near the {side} place, decimal degrees, e.g. 50.9,7.87",
        )
    p.add_argument(
        "--as-of", default=None, help="score as of this date, YYYY-MM-DD (default today)"
    )
    p.add_argument(
        "--term",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a proposal term, repeatable; keys: counterparty_united_front, "
        "political_clause, conditional_aid, sensitive_domains, exit_clause, "
        "text_published, national_consultation, prior_cooperation",
    )
    p.add_argument(
        "--policy", default=None, help="scoring policy: a name in models/ or a JSON file"
    )
    p.add_argument("--format", choices=FORMATS, default="text")
    p.add_argument(
        "-o", "--output", type=Path, default=None, help="write to this file (required for pdf)"
    )
    p.set_defaults(handler=_assess)


def _terms(items: list[str]) -> dict[str, Any]:
    terms: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValueError(f"--term {item!r}: expected KEY=VALUE, e.g. exit_clause=true")
        terms[key.strip()] = value.strip()
    return terms


def tie_lines(a: Any) -> list[str]:
    """The tie's own history, short: its status, then one line per dated event."""
    t = a.tie
    if t is None:
        return ["Tie on record: none between these places in the data"]
    since = f" since {t.established}" if t.established else ""
    activity = f"; last activity {t.last_activity}" if t.last_activity else ""
    lines = [
        f"Tie on record: {t.local} ({t.local_country}) – {t.partner} ({t.partner_country}), "
        f"{t.kind.replace('_', ' ')}{since}: {t.status} as of {a.as_of.isoformat()} "
        f"(today: {t.status_today}){activity}"
    ]
    for e in t.events:
        by = f" by {e.actor}" if e.actor else ""
        why = f" ({e.reason_code.replace('_', ' ')})" if e.reason_code else ""
        flags = ("" if e.confirmed else " [unconfirmed]") + (
            " [after the as-of date]" if e.after_as_of else ""
        )
        source = f" — {e.sources[0].publisher}" if e.sources else ""
        lines.append(f"  {e.date:<10}  {e.event}{by}{why}{flags}{source}")
    return lines


def render_text(a: Any) -> str:
    lines = [
        f"{a.local.name} ({a.local.country}) – {a.partner.name} ({a.partner.country}), "
        f"as of {a.as_of.isoformat()}",
        *place_sentences(a.local, a.partner),
        f"Score {a.score}/100 — {a.band}",
        *(
            [f"Due diligence: {a.due_diligence.level}"]
            + [f"  - {r}" for r in a.due_diligence.reasons]
            if a.due_diligence
            else []
        ),
        *(
            [
                f"Likelihood of suspension or ending within five years: "
                f"{a.likelihood_5y:.0%} ({likelihood_in_words(a.likelihood_5y)})"
            ]
            if a.likelihood_5y is not None
            else []
        ),
        "",
        *tie_lines(a),
        "",
        "Top reasons:",
    ]
    lines += [f"  {r.points:>3} pts  {r.reason}" for r in a.top_reasons] or ["  (none)"]
    lines += ["", "Factors (points / max):"]
    for f in a.factors:
        flag = " [imputed]" if f.imputed else ""
        lines.append(f"  {f.points:>3}/{f.max_points:<3} {f.group:<23} {f.label}{flag}")
        lines.append(f"          {f.reason}")
        for s in f.sources[:3]:
            lines.append(f"          source: {s.title} — {s.publisher}, {s.year}. {s.url}")
    lines += ["", "Nearest precedents:"]
    for p in a.precedents:
        lines.append(
            f"  {p.local} ({p.local_country}) – {p.partner} ({p.partner_country}): "
            f"{p.status} {p.ended_year}, by {p.ended_by}; {p.reason_code} "
            f"(similarity {p.similarity:.2f})"
        )
    lines += ["", "Due-diligence checklist:"]
    lines += [f"  - [{c.factor}] {c.question}" for c in a.checklist]
    lines += ["", "Mitigations (score after the change):"]
    lines += [f"  - {m.change}: {m.score_before} → {m.score_after}" for m in a.mitigations] or [
        "  (none)"
    ]
    lines += [
        "",
        f"Model {a.model.version}, policy {a.model.policy}, data {a.model.data_version}",
        "",
        a.not_covered,
    ]
    return "\n".join(lines) + "\n"


def _assess(args: argparse.Namespace) -> int:
    from twinrisk.core.inputs import parse_point
    from twinrisk.explain.assess import assess
    from twinrisk.places import PlaceError

    try:
        result = assess(
            args.local,
            args.partner,
            local_country=args.local_country,
            partner_country=args.partner_country,
            as_of=args.as_of,
            terms=_terms(args.term),
            policy=args.policy,
            local_admin=args.local_admin,
            local_geonames_id=args.local_geonames_id,
            local_near=parse_point(args.local_near, "--local-near"),
            partner_admin=args.partner_admin,
            partner_geonames_id=args.partner_geonames_id,
            partner_near=parse_point(args.partner_near, "--partner-near"),
        )
    except (PlaceError, ValueError) as exc:
        print(f"twinrisk assess: {exc}", file=sys.stderr)
        return 2
    if args.format == "text":
        data: bytes = render_text(result).encode()
    elif args.format == "json":
        data = (
            json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"
        ).encode()
    else:
        from twinrisk.reports import render

        if args.format == "pdf" and args.output is None:
            print("twinrisk assess: --format pdf needs -o FILE", file=sys.stderr)
            return 2
        data = render(result, args.format)
    if args.output:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_bytes(data)
        print(f"wrote {args.output} (score {result.score}, {result.band})", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0
