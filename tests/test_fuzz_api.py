"""Property-based fuzzing of the HTTP API with schemathesis, against the app's own
OpenAPI schema, in process (ASGI), with a fixed seed.

Every operation gets the schema's examples, the coverage phase (boundary and
negative values for every parameter and body field) and ``MAX_EXAMPLES`` generated
cases; every response must be free of server errors, use a documented status code
and content type, and match the documented schema. ``test_fuzz_volume`` checks that
the run sent at least ``MIN_REQUESTS`` requests across all operations.

Against a running server (see SECURITY.md, "Testing"):

    .venv/bin/schemathesis run http://127.0.0.1:8000/openapi.json \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,\
response_schema_conformance --seed 20261123 --max-examples 50
"""

from __future__ import annotations

import collections
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from twinrisk.app import create_app
from twinrisk.service.settings import Settings

SEED = 20261123
MAX_EXAMPLES = 40
MIN_REQUESTS = 1000
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

LULEA_XIAN = {
    "local": {"name": "Luleå", "country": "SE"},
    "partner": {"name": "Xi'an", "country": "CN"},
}

#: requests sent, by operation and by status code
SENT: collections.Counter[str] = collections.Counter()
STATUSES: collections.Counter[int] = collections.Counter()
#: ids of assessments stored before fuzzing, so some path ids exist
KNOWN_IDS: list[str] = []


_TMP = Path(tempfile.mkdtemp(prefix="twinrisk-fuzz-"))
APP = create_app(
    Settings(
        allowed_hosts=("testserver",),
        warm_up=False,
        database_url=f"sqlite:///{_TMP / 'fuzz.sqlite3'}",
    )
)
schema = schemathesis.openapi.from_asgi(
    "/openapi.json",
    APP,
    config=SchemathesisConfig.from_dict(
        {"seed": SEED, "generation": {"max-examples": MAX_EXAMPLES}}
    ),
)


@pytest.fixture(scope="module", autouse=True)
def _seeded_store() -> Iterator[None]:
    """A few stored assessments (one with a decision) for the fuzzed ids to hit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient

    with TestClient(APP) as client:
        for i in range(3):
            r = client.post(
                "/v1/assessments", json={**LULEA_XIAN, "terms": {"exit_clause": i % 2 == 0}}
            )
            assert r.status_code == 201, r.text
            KNOWN_IDS.append(r.json()["id"])
        r = client.post(f"/v1/assessments/{KNOWN_IDS[0]}/decision", json={"decision": "defer"})
        assert r.status_code == 201, r.text
    yield
    APP.state.twinrisk.store.close()
    shutil.rmtree(_TMP, ignore_errors=True)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_conforms_to_its_schema(case: Any) -> None:
    path_params = case.path_parameters or {}
    # every other case with an assessment id aims at one that exists
    if "assessment_id" in path_params and KNOWN_IDS and SENT[case.operation.label] % 2 == 0:
        path_params["assessment_id"] = KNOWN_IDS[SENT[case.operation.label] % len(KNOWN_IDS)]
    response = case.call()
    SENT[case.operation.label] += 1
    STATUSES[response.status_code] += 1
    case.validate_response(response, checks=CHECKS)


def test_fuzz_volume() -> None:
    """Runs after the fuzzing above: enough requests, spread over every operation."""
    operations = {r.ok().label for r in schema.get_all_operations() if isinstance(r, Ok)}
    if not operations <= set(SENT):
        pytest.skip("only part of the fuzzing ran (test selection); volume not checked")
    total = sum(SENT.values())
    assert total >= MIN_REQUESTS, (total, dict(SENT))
    assert not [code for code in STATUSES if code >= 500], dict(STATUSES)
    print(f"fuzzing: {total} requests; by status {dict(sorted(STATUSES.items()))}")
    thin = {op: n for op, n in SENT.items() if n < 10}
    assert not thin, thin
