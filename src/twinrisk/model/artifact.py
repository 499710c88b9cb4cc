"""The trained artifact and its checksum manifest.

An artifact is a joblib pickle, and unpickling runs code, so it is opened only
after its SHA-256 matches ``models/MANIFEST.json``: a tampered or stray file
gives a clear error and is never unpickled.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import joblib
import pandas as pd

from twinrisk.config import models_dir
from twinrisk.core.errors import ServerDataError

ARTIFACT_NAME = "twinrisk-model.joblib"
MANIFEST_NAME = "MANIFEST.json"


class ArtifactError(ServerDataError):
    """The artifact is missing, unlisted or does not match its checksum."""

    what = "model artifact"


@dataclass
class ModelArtifact:
    version: str
    data_version: str
    policy_label: str
    trained_at: str
    reference: pd.DataFrame  # raw factor values of the reference population
    normaliser: Any  # FactorNormaliser fitted for the default policy
    card: dict[str, Any] = field(default_factory=dict)
    # model.likelihood.Likelihood; None in artifacts trained before it existed (the
    # class default answers for them when unpickled)
    likelihood: Any = None


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(directory: Path, names: list[str]) -> Path:
    manifest = {
        "algorithm": "sha256",
        "files": {name: sha256_file(directory / name) for name in sorted(names)},
    }
    path = directory / MANIFEST_NAME
    path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return path


def verify(path: Path) -> bytes:
    """The file's bytes if the manifest beside it lists their exact checksum.

    The bytes that were hashed are the bytes that get unpickled, so the file cannot
    be swapped between the check and the load."""
    manifest_path = path.parent / MANIFEST_NAME
    if not path.is_file():
        raise ArtifactError(f"model artifact {path} is missing; run `twinrisk train`")
    if not manifest_path.is_file():
        raise ArtifactError(
            f"no {MANIFEST_NAME} beside {path}; refusing to load an unlisted artifact"
        )
    try:
        listed = json.loads(manifest_path.read_text(encoding="utf-8"))["files"][path.name]
    except (KeyError, json.JSONDecodeError, TypeError) as exc:
        raise ArtifactError(
            f"{manifest_path} does not list {path.name}; refusing to load it"
        ) from exc
    data = path.read_bytes()
    actual = hashlib.sha256(data).hexdigest()
    if actual != listed:
        raise ArtifactError(
            f"checksum mismatch for {path}: manifest says {listed[:12]}…, file is {actual[:12]}…; "
            "refusing to unpickle it (retrain with `twinrisk train` or restore the file)"
        )
    return data


def save_artifact(artifact: ModelArtifact, directory: Path | None = None) -> Path:
    directory = Path(directory or models_dir())
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / ARTIFACT_NAME
    tmp = path.with_suffix(".tmp")
    joblib.dump(artifact, tmp, compress=3)
    tmp.replace(path)
    return path


def load_artifact(path: Path | None = None) -> ModelArtifact:
    path = Path(path or models_dir() / ARTIFACT_NAME).resolve()
    data = verify(path)
    return _load_verified(path, hashlib.sha256(data).hexdigest(), data)


@lru_cache(maxsize=2)
def _load_verified(path: Path, checksum: str, data: bytes) -> ModelArtifact:
    obj = joblib.load(io.BytesIO(data))  # noqa: S301 - bytes checked against the manifest
    if not isinstance(obj, ModelArtifact):
        raise ArtifactError(f"{path} does not hold a twinrisk model artifact")
    return obj
