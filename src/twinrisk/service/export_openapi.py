"""Write the published API contract: ``api/openapi.json`` and the example requests
and responses in ``api/examples/``.

    python -m twinrisk.service.export_openapi            # rewrite both
    python -m twinrisk.service.export_openapi --check    # exit 1 if openapi.json differs

The responses in ``api/examples/`` are produced by the real app (in process, on a
throwaway store), so they show what the service returns for the bundled data and
model; the test suite checks that every example still validates against the models.
The API alone (``create_api``) is enough: the web page adds no documented route.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from twinrisk.config import PROJECT_DIR

API_DIR = PROJECT_DIR / "api"
EXAMPLE_AS_OF = "2025-06-30"


def openapi_document() -> dict[str, Any]:
    from twinrisk.service.app import create_api
    from twinrisk.service.settings import Settings

    with tempfile.TemporaryDirectory() as tmp:
        app = create_api(
            Settings(warm_up=False, database_url=f"sqlite:///{Path(tmp) / 'openapi.sqlite3'}")
        )
        doc = app.openapi()
        app.state.twinrisk.store.close()
    return doc


def dumps(doc: Any) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def example_requests() -> dict[str, tuple[str, str, Any]]:
    """name -> (method, path, body) for the published examples."""
    return {
        "assess": (
            "POST",
            "/v1/assessments",
            {
                "local": {"name": "Luleå", "country": "SE"},
                "partner": {"name": "Xi'an", "country": "CN"},
                "as_of": EXAMPLE_AS_OF,
                "terms": {
                    "counterparty_united_front": True,
                    "sensitive_domains": ["schools", "technology"],
                    "exit_clause": False,
                    "text_published": False,
                },
                "policy": "default",
            },
        ),
        "assess-dry-run": (
            "POST",
            "/v1/assessments",
            {
                "local": {"name": "Kiel", "country": "DE"},
                "partner": {"name": "Qingdao", "country": "CN"},
                "as_of": EXAMPLE_AS_OF,
                "dry_run": True,
            },
        ),
        "assess-ambiguous-place": (
            "POST",
            "/v1/assessments",
            {
                "local": {"name": "Springfield"},
                "partner": {"name": "Xi'an", "country": "CN"},
            },
        ),
        "assess-namesake": (  # one name, three towns in one country: candidates, no guess
            "POST",
            "/v1/assessments",
            {
                "local": {"name": "Freudenberg", "country": "DE"},
                "partner": {"name": "Qingdao", "country": "CN"},
                "dry_run": True,
            },
        ),
        "assess-namesake-told-apart": (  # the area (or geonames_id, or lat/lon) decides
            "POST",
            "/v1/assessments",
            {
                "local": {"name": "Freudenberg", "country": "DE", "admin": "Bavaria"},
                "partner": {"name": "Qingdao", "country": "CN"},
                "as_of": EXAMPLE_AS_OF,
                "dry_run": True,
            },
        ),
        "assess-invalid": (
            "POST",
            "/v1/assessments",
            {
                "local": {"name": ""},
                "partner": {"name": "Xi'an", "country": "China"},
            },
        ),
        "batch": (
            "POST",
            "/v1/assessments/batch",
            {
                "queries": {
                    "lulea-xian": {
                        "local": {"name": "Luleå", "country": "SE"},
                        "partner": {"name": "Xi'an", "country": "CN"},
                        "as_of": EXAMPLE_AS_OF,
                    },
                    "nowhere": {
                        "local": {"name": "Nowhereville Xq"},
                        "partner": {"name": "Xi'an", "country": "CN"},
                    },
                },
                "dry_run": True,
            },
        ),
        "decision": (
            "POST",
            "/v1/assessments/{id}/decision",
            {
                "decision": "approve_with_conditions",
                "notes": (
                    "Sign with the city government directly; five-year term; publish the text."
                ),
                "decided_by": "International office",
            },
        ),
        "places": ("GET", "/v1/places?q=Xian&limit=3", None),
        "dyads": ("GET", "/v1/dyads?country=SE&status=terminated&limit=2", None),
        "list": ("GET", "/v1/assessments?local_country=SE&limit=5", None),
        "not-found": ("GET", "/v1/assessments/a_doesnotexist", None),
    }


def write_examples(folder: Path) -> list[Path]:
    from fastapi.testclient import TestClient

    from twinrisk.service.app import create_api
    from twinrisk.service.settings import Settings

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_api(
            Settings(
                allowed_hosts=("testserver",),
                warm_up=False,
                database_url=f"sqlite:///{Path(tmp) / 'examples.sqlite3'}",
            )
        )
        with TestClient(app) as client:
            stored_id = None
            for name, (method, path, body) in example_requests().items():
                if "{id}" in path:
                    path = path.replace("{id}", stored_id or "a_missing")
                response = client.request(method, path, json=body)
                if name == "assess" and response.status_code == 201:
                    stored_id = response.json()["id"]
                doc = {
                    "request": {
                        "method": method,
                        "path": path,
                        **({"body": body} if body is not None else {}),
                    },
                    "response": {
                        "status": response.status_code,
                        "content_type": response.headers.get("content-type"),
                        "body": response.json(),
                    },
                }
                path_out = folder / f"{name}.json"
                path_out.write_text(dumps(doc), encoding="utf-8")
                written.append(path_out)
        app.state.twinrisk.store.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="only compare api/openapi.json with the app; exit 1 if they differ",
    )
    parser.add_argument("--api-dir", type=Path, default=API_DIR)
    parser.add_argument("--no-examples", action="store_true", help="skip api/examples/")
    args = parser.parse_args(argv)
    target = args.api_dir / "openapi.json"
    text = dumps(openapi_document())
    if args.check:
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            print(
                f"{target} differs from the app; run python -m twinrisk.service.export_openapi",
                file=sys.stderr,
            )
            return 1
        print(f"{target} matches the app")
        return 0
    args.api_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {target}")
    if not args.no_examples:
        for path in write_examples(args.api_dir / "examples"):
            print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
