"""How each place of an assessment was identified and where its facts are measured.

A municipality, county or district has no single point; its location facts (coast,
border, port) are measured at its seat town or at the centre of its towns, and a
place the gazetteer lacks at the point the caller gave. A namesake chosen over much
smaller ones, or told apart by a hint, says so. An analyst reads this beside the score
(CLI, reports, web page): one sentence per place that is not simply a town at its own
point.
"""

from __future__ import annotations

from twinrisk.core.models import Place

_LEVEL = {"admin2": "a second-level unit", "admin1": "a first-level division"}
_MEASURED = {
    "seat": "its location facts are measured at its seat town",
    "towns": "its location facts are measured at the population-weighted centre of its towns",
    "given": "its location facts are measured at the point given with it",
}


def place_sentence(role: str, place: Place) -> str | None:
    """'Local: Täby Kommun (SE) is a municipality, a second-level unit; its location
    facts are measured at its seat town.' — None for a town at its own point with
    nothing to say."""
    parts: list[str] = []
    if place.kind in _LEVEL:
        unit = f"a {place.unit.lower()}, " if place.unit else ""
        parts.append(f"is {unit}{_LEVEL[place.kind]}")
    measured = _MEASURED.get(place.located_by)
    if measured:
        parts.append(measured)
    if not parts and not place.note:
        return None
    text = f"{role}: {place.name} ({place.country})"
    if parts:
        text += " " + "; ".join(parts)
    if place.note:
        text += f" — {place.note}"
    return text + "."


def place_notes(locals_: list[Place], partners: list[Place]) -> list[str]:
    """``place_sentences`` of each row, joined, for a batch's ``place_notes`` column
    (the places of a batch repeat: each one's sentence is made once)."""

    def column(role: str, places: list[Place]) -> list[str]:
        said = {id(p): place_sentence(role, p) or "" for p in {id(p): p for p in places}.values()}
        return [said[id(p)] for p in places]

    return [
        f"{a} | {b}" if a and b else a or b
        for a, b in zip(column("Local", locals_), column("Partner", partners), strict=True)
    ]


def place_sentences(local: Place, partner: Place) -> list[str]:
    return [
        s
        for s in (place_sentence("Local", local), place_sentence("Partner", partner))
        if s is not None
    ]
