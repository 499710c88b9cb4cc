import csv
from pathlib import Path

import pytest

from twinrisk.importers import ImportFormatError, aiddata, wikidata, worldbank, wpi

S = Path(__file__).parent / "samples"


def rows(path):
    with path.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_wikidata_csv(tmp_path):
    out = tmp_path / "dyads.csv"
    wikidata.run(S / "wikidata_p190.csv", out)
    got = rows(out)
    assert len(got) == 2
    ended = [r for r in got if r["status"] == "terminated"]
    assert ended[0]["local_place"] == "Linköping" and ended[0]["ended_year"] == "2019"
    assert [r["status"] for r in got if r["partner_place"] == "Shanghai"] == [""]
    assert (tmp_path / "dyads.sources.csv").exists()


def test_wikidata_json(tmp_path):
    out = tmp_path / "d.csv"
    wikidata.run(S / "wikidata_p190.json", out)
    got = rows(out)
    assert got[0]["local_country"] == "SE" and got[0]["partner_country"] == "CN"


def test_aiddata(tmp_path):
    out = tmp_path / "a.csv"
    aiddata.run(S / "aiddata_gcdf3_projects.csv", out)
    got = {(r["country"], r["admin1"], r["year"]): r for r in rows(out)}
    assert got[("LK", "", "2007")]["projects"] == "2"
    assert float(got[("LK", "Southern", "2007")]["commitments_usd_bn"]) == pytest.approx(0.361)
    assert ("LK", "", "2008") not in got  # not recommended for aggregates


def test_worldbank(tmp_path):
    out = tmp_path / "w.csv"
    worldbank.run(S / "worldbank_ids_databank.csv", out)
    got = {(r["year"], r["metric"]): float(r["value"]) for r in rows(out)}
    assert got[("2021", "ppg_share_pct")] == pytest.approx(20.0)
    assert got[("2022", "ppg_stock_usd_bn")] == pytest.approx(6.5)


def test_wpi(tmp_path):
    out = tmp_path / "ports.csv"
    wpi.run(S / "wpi_pub150.csv", out)
    assert len(rows(out)) == 2


@pytest.mark.parametrize(
    ("mod", "name", "line"),
    [
        (wikidata, "wikidata_bad.csv", 2),
        (aiddata, "aiddata_bad.csv", 2),
        (worldbank, "worldbank_bad.csv", 2),
        (wpi, "wpi_bad.csv", 2),
    ],
)
def test_malformed(tmp_path, mod, name, line):
    out = tmp_path / "x.csv"
    with pytest.raises(ImportFormatError) as exc:
        mod.run(S / name, out)
    assert exc.value.line == line and "expected" in str(exc.value)
    assert not out.exists() and not list(tmp_path.iterdir())


def test_wpi_output_fits_ports_schema(tmp_path):
    from twinrisk.data.schemas import PORTS_SCHEMA
    from twinrisk.data.validate import read_raw

    out = tmp_path / "ports.csv"
    wpi.run(S / "wpi_pub150.csv", out)
    typed = PORTS_SCHEMA.validate(read_raw(out))
    assert len(typed) == 2 and typed["lat"].between(-90, 90).all()
