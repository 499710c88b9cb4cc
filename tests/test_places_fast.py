"""The fast paths of twinrisk.places: memoised resolution, per-place cached location
facts; and exact matching against the batched numpy matcher it replaced. Each must
give what the plain path gives."""

import random

import numpy as np
import pandas as pd
import pytest

from twinrisk.core.models import Place
from twinrisk.places import (
    AmbiguousPlace,
    PlaceNotFound,
    geo,
    geometry,
    location_fact_columns,
    location_facts,
    resolve,
    resolve_many,
)
from twinrisk.places import exact as exact_mod
from twinrisk.places.cache import get_index
from twinrisk.places.exact import Query, exact
from twinrisk.places.index import CITY
from twinrisk.places.memo import LRU
from twinrisk.places.names import key_hashes, normalize, normalize_many
from twinrisk.places.resolution import clear_cache
from twinrisk.places.territories import country_codes

# ports, capitals (national, admin1; curated and derived), border and disputed-border
# places, flagship projects, a division, and places with no curated row
MIX = [
    ("Hambantota", "LK"),
    ("Mombasa", "KE"),
    ("Kiel", "DE"),
    ("Qingdao", "CN"),
    ("Prague", "CZ"),
    ("Düsseldorf", "DE"),
    ("Bhairahawa", "NP"),
    ("Leh", "IN"),
    ("Luleå", "SE"),
    ("Kiruna", "SE"),
    ("Fujian", "CN"),
    ("Stockholm", "SE"),
    ("Guiyang", "CN"),
    ("Gothenburg", "SE"),
    ("Tromsø", "NO"),
]


def _reference_facts(places: list[Place]) -> pd.DataFrame:
    """The facts as the first, pandas-only implementation computed them (balanced
    KD-trees, a frame per step), kept here to pin the fast path to the same values."""
    from scipy.spatial import cKDTree

    g = geometry.get_geometry()
    lat = np.array([p.lat if p.lat is not None else np.nan for p in places], float)
    lon = np.array([p.lon if p.lon is not None else np.nan for p in places], float)
    ok = ~(np.isnan(lat) | np.isnan(lon))
    pts = geometry.xyz(lat[ok], lon[ok])
    n = len(places)

    def km(tree, pts):
        return geometry.chord_to_km(cKDTree(tree.data).query(pts)[0])

    coast, border = np.full(n, np.nan), np.full(n, np.nan)
    coast[ok], border[ok] = km(g.coast, pts), km(g.border, pts)
    disp = geo._disputed(geo._stamp("disputed_borders.csv"))
    d_km, d_idx = np.full(n, np.nan), np.full(n, -1)
    for j, tree in enumerate(disp.trees):
        d = np.full(n, np.inf)
        d[ok] = km(tree, pts)
        better = d < np.where(np.isnan(d_km), np.inf, d_km)
        d_km[better], d_idx[better] = d[better], j
    idx = get_index()
    capital_ids = {f"gn:{int(idx.gid[r])}" for r in idx.capitals}
    ports = geo._ports(geo._stamp("ports.csv"))
    wpi = np.zeros(n, bool)
    if ports is not None and ok.any():
        radius = np.where(
            np.array([(p.population or 0) for p in places]) >= geo.LARGE_CITY_POPULATION,
            geo.LARGE_CITY_PORT_RADIUS_KM,
            geo.PORT_RADIUS_KM,
        )
        wpi[ok] = km(ports, pts) <= radius[ok]
    frame = pd.DataFrame(
        {
            "coast_km": coast,
            "border_km": border,
            "disputed_border_km": d_km,
            "disputed_border": [disp.names[j] if j >= 0 else "" for j in d_idx],
            "disputed_border_sources": [disp.sources[j] if j >= 0 else "" for j in d_idx],
            "capital": ["national" if p.id in capital_ids else "none" for p in places],
            "seaport": wpi,
            "seaport_source": np.where(wpi, "wpi", ""),
        },
        index=[p.id for p in places],
    )
    cur = geo._curated(geo._stamp("places.csv"))
    frame = frame.assign(
        naval_base=False,
        tech_hub=False,
        flagship_project="",
        flagship_financier="",
        flagship_year=np.nan,
        curated_sources="",
    )
    hit = frame.index.intersection(cur.index)
    if not hit.empty:
        c = cur.loc[hit]

        def flag(col):
            return c.get(col, pd.Series("", index=hit)).astype(str).str.lower().eq("true")

        for col in ("naval_base", "tech_hub"):
            frame.loc[hit, col] = flag(col).to_numpy()
        if "seaport" in c:
            # a curated "true" adds a port; a false or empty cell never hides a WPI port
            marked = hit[flag("seaport").to_numpy()]
            frame.loc[marked, "seaport"] = True
            frame.loc[marked, "seaport_source"] = "curated"
        if "capital" in c:
            cap = c["capital"].where(c["capital"].isin(["national", "admin1", "none"]), "")
            keep = cap.ne("").to_numpy()
            frame.loc[hit[keep], "capital"] = cap[keep].to_numpy()
        for col in ("flagship_project", "flagship_financier"):
            if col in c:
                frame.loc[hit, col] = c[col].fillna("").to_numpy()
        if "flagship_year" in c:
            frame.loc[hit, "flagship_year"] = pd.to_numeric(
                c["flagship_year"], errors="coerce"
            ).to_numpy()
        if "sources" in c:
            frame.loc[hit, "curated_sources"] = c["sources"].fillna("").to_numpy()
    out = pd.DataFrame.from_records(
        frame.to_dict("records"), index=list(frame.index), columns=geo.COLUMNS
    )
    out = out.astype(
        {
            "coast_km": float,
            "border_km": float,
            "disputed_border_km": float,
            "seaport": bool,
            "naval_base": bool,
            "tech_hub": bool,
            "flagship_year": "Int64",
        }
    )
    out.index.name = "place_id"
    return out


def _mix() -> list[Place]:
    return [resolve(n, c) for n, c in MIX]


def _assert_columns_equal(cols: dict, frame: pd.DataFrame) -> None:
    assert list(cols) == geo.COLUMNS == list(frame.columns)
    for c in geo.COLUMNS:
        assert cols[c].dtype == geo.COLUMN_DTYPES[c], c
        assert len(cols[c]) == len(frame)
        want = (
            frame[c].to_numpy(dtype=float, na_value=np.nan)
            if c == "flagship_year"
            else (frame[c].to_numpy())
        )
        if cols[c].dtype == float:
            np.testing.assert_array_equal(cols[c], want, err_msg=c)
        else:
            assert cols[c].tolist() == list(want), c


def test_fact_columns_match_frame_and_reference():
    places = _mix()
    curated = geo._curated(geo._stamp("places.csv"))
    ids = {p.id for p in places}
    assert ids & set(curated.index) and ids - set(curated.index)  # both kinds in the mix
    geo._facts_cache.cache_clear()
    ref = _reference_facts(places)
    fresh = location_fact_columns(places)  # computed
    _assert_columns_equal(fresh, ref)
    again = places[::-1] + places[:3]  # cached, reordered, repeated
    cols = location_fact_columns(again)
    frame = location_facts(again)
    pd.testing.assert_frame_equal(frame, ref.loc[[p.id for p in again]], check_exact=True)
    _assert_columns_equal(cols, frame)
    facts = frame.loc[~frame.index.duplicated()]
    assert facts.loc[resolve("Hambantota", "LK").id, "flagship_project"]
    assert facts.loc[resolve("Kiel", "DE").id, ["naval_base", "seaport"]].all()
    assert facts.loc[resolve("Kiel", "DE").id, "seaport_source"] == "curated"
    assert facts.loc[resolve("Düsseldorf", "DE").id, "capital"] == "admin1"
    assert facts.loc[resolve("Stockholm", "SE").id, "capital"] == "national"
    assert facts.loc[resolve("Leh", "IN").id, "disputed_border"]


def test_fact_columns_of_nothing():
    cols = location_fact_columns([])
    assert list(cols) == geo.COLUMNS
    assert all(len(v) == 0 and v.dtype == geo.COLUMN_DTYPES[c] for c, v in cols.items())
    assert location_facts([]).shape == (0, len(geo.COLUMNS))


def test_fact_cache_follows_the_curated_tables(data_copy, use_data):
    use_data(data_copy)
    assert "Kiruna" not in (data_copy / "places.csv").read_text(encoding="utf-8")
    town, leh = resolve("Kiruna", "SE"), resolve("Leh", "IN")
    before = location_fact_columns([town, leh])
    assert not before["naval_base"][0] and before["flagship_project"][0] == ""
    assert before["disputed_border"][1]
    path = data_copy / "places.csv"
    original = path.read_text(encoding="utf-8")
    path.write_text(
        original + "Kiruna,SE,city,,true,true,admin1,true,Test port,CN,2020,test_source,\n",
        encoding="utf-8",
    )
    after = location_fact_columns([town, leh])
    assert after["naval_base"][0] and after["tech_hub"][0] and after["seaport"][0]
    assert (after["flagship_project"][0], after["flagship_financier"][0]) == ("Test port", "CN")
    assert after["flagship_year"][0] == 2020 and after["capital"][0] == "admin1"
    assert (after["seaport_source"][0], after["curated_sources"][0]) == ("curated", "test_source")
    _assert_columns_equal(after, _reference_facts([town, leh]))
    borders = data_copy / "disputed_borders.csv"
    borders.write_text(borders.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    no_borders = location_fact_columns([town, leh])
    assert no_borders["disputed_border"].tolist() == ["", ""]
    assert np.isnan(no_borders["disputed_border_km"]).all()
    path.write_text(original, encoding="utf-8")
    restored = location_fact_columns([town])
    assert not restored["naval_base"][0] and restored["flagship_project"][0] == ""


def _reference_exact_batched(idx, pairs):
    """The row of each pair whose plain reading (the text as typed, in the country if
    one is given) names one clear place, else None: the batched numpy matcher that
    ``resolve_many`` once used beside ``exact``, kept here to pin ``exact`` to it."""
    out = [None] * len(pairs)
    codes = exact_mod._country_codes()
    sel, texts, ccs = [], [], []
    for i, (name, country) in enumerate(pairs):
        text = name.strip()
        if not text or exact_mod._KIND_SUFFIX.search(text):
            continue
        cc = (country.strip().upper() or None) if country else None
        if cc is not None and cc not in codes:
            continue
        sel.append(i)
        texts.append(text)
        ccs.append(cc or "")
    keys = normalize_many(texts)
    keep = [j for j, k in enumerate(keys) if k]
    if not keep:
        return out
    sel = [sel[j] for j in keep]
    keys = [keys[j] for j in keep]
    want_cc = np.array([ccs[j] for j in keep], "<U2")
    h = key_hashes(keys)
    lo = np.searchsorted(idx.key_hash, h, "left")
    cnt = np.searchsorted(idx.key_hash, h, "right") - lo
    qry = np.repeat(np.arange(len(keys)), cnt)
    ent = np.arange(int(cnt.sum())) - np.repeat(np.cumsum(cnt) - cnt, cnt) + np.repeat(lo, cnt)
    row = idx.key_row[ent].astype(np.int64)
    w = np.maximum(idx.pop[row], 1).astype(np.float64) * np.where(
        idx.key_primary[ent], 1.0, exact_mod.ALTERNATE_WEIGHT
    )
    given = want_cc[qry]
    ok = (given == "") | (idx.country[row] == given)
    qry, ent, row, w = qry[ok], ent[ok], row[ok], w[ok]
    if not len(qry):
        return out
    order = np.lexsort((ent, row, qry))
    qry, ent, row, w = qry[order], ent[order], row[order], w[order]
    start = np.ones(len(qry), bool)
    start[1:] = (qry[1:] != qry[:-1]) | (row[1:] != row[:-1])
    at = np.flatnonzero(start)
    weight = np.maximum.reduceat(w, at)
    qry, row, ent = qry[at], row[at], ent[at]
    city = idx.kind[row] == CITY
    uniq, numbers = np.unique(idx.country, return_inverse=True)
    _, group = np.unique(qry * len(uniq) + numbers.ravel()[row], return_inverse=True)
    group = group.ravel()
    city_max = np.full(int(group.max()) + 1, -np.inf)
    np.maximum.at(city_max, group[city], weight[city])
    stay = city | (city_max[group] < exact_mod.CITY_OVER_ADMIN1_SHARE * weight)
    qry, row, ent, weight = qry[stay], row[stay], ent[stay], weight[stay]
    order = np.lexsort((ent, -weight, qry))
    qry, row, weight = qry[order], row[order], weight[order]
    head = np.ones(len(qry), bool)
    head[1:] = qry[1:] != qry[:-1]
    heads = np.flatnonzero(head)
    top = weight[heads]
    threshold = np.maximum(exact_mod.AMBIGUITY_SHARE * top, float(exact_mod.AMBIGUITY_MIN_POP))
    member = np.cumsum(head) - 1
    rivals = np.bincount(
        member, weights=(~head & (weight >= threshold[member])), minlength=len(heads)
    )
    n_cands = np.diff(np.append(heads, len(qry)))
    clear = (want_cc[qry[heads]] != "") | (n_cands == 1) | (rivals == 0)
    for q, r in zip(qry[heads][clear].tolist(), row[heads][clear].tolist(), strict=True):
        out[sel[q]] = r
    return out


def test_exact_agrees_with_the_batched_matcher():
    """Wherever the old batched exact match decides, ``exact`` decides the same."""
    idx = get_index()
    rng = random.Random(3)
    rows = rng.sample(range(len(idx.names)), 4000)
    pairs = [(idx.names[r], str(idx.country[r]) if i % 3 else None) for i, r in enumerate(rows)]
    pairs += [
        (n, c)
        for n in [
            "Hyderabad",
            "Victoria",
            "Springfield",
            "San Jose",
            "Paris",
            "Guangdong",
            "Leningrad",
            "Fujian",
            "Luleå",
            "Xi'an",
            "Prag",
            "Guangdong (province)",
            "Lulea, SE",
            "",
            "Nowhereville",
        ]
        for c in (None, "IN", "AU", "US", "CN", "SE", "XX")
    ]
    fast = _reference_exact_batched(idx, pairs)
    decided = namesakes = 0
    for (name, cc), got in zip(pairs, fast, strict=True):
        if got is not None:
            if np.isnan(idx.lat[got]):  # a division with no town has no point: no candidate
                continue
            decided += 1
            want = exact(idx, name, cc)
            if cc and isinstance(want, AmbiguousPlace):
                # since issue 16, namesakes within a country are refused, not decided by
                # size: each candidate is in that country, and there are several
                namesakes += 1
                assert len(want.candidates) >= 2, (name, cc)
                # (candidates in the country's territories carry their own codes)
                assert cc in {p.country for p in want.candidates} <= set(country_codes(cc)), (
                    name,
                    cc,
                )
                continue
            assert not isinstance(want, (Query, Exception)), (name, cc)
            if want != got and cc:
                # also new: in a country, a place's own name beats another's alternate,
                # unless that place weighs OWN_NAME_OVER_ALTERNATE times more
                rows_, own = idx.lookup(normalize(name))
                mine = idx.country[rows_] == cc
                own_rows = set(rows_[own & mine].tolist())
                if want in own_rows:
                    assert got not in own_rows, (name, cc)
                else:
                    top_own = max(int(idx.pop[r]) for r in own_rows)
                    alt_weight = exact_mod.ALTERNATE_WEIGHT * int(idx.pop[want])
                    assert alt_weight >= exact_mod.OWN_NAME_OVER_ALTERNATE * top_own, (name, cc)
                continue
            assert want == got, (name, cc)
    # random GeoNames rows are often village names repeated in their country (8.5 % of
    # those decided here were refused as namesakes when this was written)
    assert decided > 0.8 * len(rows) and namesakes < 0.15 * decided


def test_resolution_memo_keeps_behaviour():
    clear_cache()
    p = resolve("Göteborg")
    assert resolve("Göteborg") is p and resolve_many(["Göteborg"], [None])[0] is p
    errors = []
    for _ in range(2):
        with pytest.raises(AmbiguousPlace) as exc:
            resolve("Hyderabad")
        errors.append(exc.value)
    assert errors[0] is not errors[1] and str(errors[0]) == str(errors[1])
    assert errors[0].candidates == errors[1].candidates and len(errors[0].candidates) >= 2
    many = resolve_many(["Lulleå", "Lulleå", "Hyderabad"], [None, None, None])
    assert isinstance(many[0], PlaceNotFound) and many[0] is many[1]
    with pytest.raises(PlaceNotFound) as exc:
        resolve("Lulleå")
    assert exc.value is not many[0] and str(exc.value) == str(many[0])
    assert exc.value.suggestions == many[0].suggestions and "Luleå (SE)" in many[0].suggestions
    exc.value.suggestions.append("changed")  # a caller's change does not reach the memo
    assert resolve_many(["Lulleå"], [None])[0].suggestions == many[0].suggestions
    assert isinstance(many[2], AmbiguousPlace)


def test_lru_bound_and_order():
    lru: LRU[str, int] = LRU(2)
    lru.put("a", 1)
    lru.put("b", 2)
    assert lru.get("a") == 1  # a is now the most recent
    lru.put("c", 3)
    assert lru.get_many(["a", "b", "c"]) == [1, None, 3] and len(lru) == 2
    lru.put_many(["d", "e", "f"], [4, 5, 6])
    assert lru.get_many(["e", "f"]) == [5, 6] and "d" not in lru


def test_seen_names_and_places_are_not_recomputed(monkeypatch):
    """Seen names and places come from the memo (their speed is measured in
    benchmarks/bench_places.py, not here)."""
    from twinrisk.places import geo, resolution

    two = [resolve("Luleå", "SE"), resolve("Xi'an", "CN")]
    first = location_fact_columns(two)
    calls = []

    def counting(*args, **kwargs):
        calls.append(args)
        raise AssertionError("recomputed a seen place or name")

    monkeypatch.setattr(geo, "_compute", counting)
    monkeypatch.setattr(resolution, "_resolve_pairs", counting)
    assert resolve("Luleå", "SE") == two[0]
    again = location_fact_columns(two)
    assert not calls
    assert list(again) == list(first)
    for name, values in first.items():
        np.testing.assert_array_equal(again[name], values)  # NaN equals NaN here
