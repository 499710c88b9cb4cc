"""What several benchmark scripts share: where the raw reference data lies and how a
script replaces its own section of RESULTS.md.

The reference copies (``../shared/reference`` beside the repository) are read in place,
never copied into the project; a worktree may sit deeper than the main checkout, so
every ancestor's ``shared/reference`` is tried, after ``TWINRISK_REFERENCE_DIR``.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
RESULTS = HERE / "RESULTS.md"
REFERENCE_ENV = "TWINRISK_REFERENCE_DIR"
EU_LIST = "wikidata_eu_sister_cities_2017/eu_sister_cities_wikidata_2017.tsv"
P190_NAMES = "wikidata_p190_2016/names.tsv"
P190_RELATIONS = "wikidata_p190_2016/relations.tsv"


def reference_dir() -> Path:
    """The shared reference folder; raises FileNotFoundError saying where it looked."""
    env = os.environ.get(REFERENCE_ENV)
    if env:
        path = Path(env)
        if not path.is_dir():
            raise FileNotFoundError(f"{REFERENCE_ENV}={env} is not a folder")
        return path
    tried = [parent / "shared" / "reference" for parent in REPO.parents]
    for path in tried:
        if path.is_dir():
            return path
    raise FileNotFoundError(
        "no shared/reference folder beside the repository (tried "
        + ", ".join(str(p) for p in tried)
        + f"); set {REFERENCE_ENV} to it"
    )


def write_section(name: str, lines: list[str], results: Path = RESULTS) -> None:
    """Replace ``<!-- name:start -->`` … ``<!-- name:end -->`` in RESULTS.md, or append
    the section when it is not there yet."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    body = "\n".join([start, *lines, end])
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    if start in text and end in text:
        text = text[: text.index(start)] + body + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + body + "\n"
    results.write_text(text, encoding="utf-8")


def code_commit() -> str:
    """Short commit of the twinrisk code being measured (which may be another checkout
    than this script's, through PYTHONPATH), with "+changes" when its tracked files
    differ from it; "unknown" outside a git checkout."""
    import twinrisk

    where = Path(twinrisk.__file__).resolve().parent

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=True, cwd=where)
        return done.stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no", "--", ".")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+changes" if dirty else "")
