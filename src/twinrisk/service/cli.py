"""``twinrisk serve``: run the HTTP service (API, web page and store)."""

from __future__ import annotations

import argparse
import sys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "serve",
        help="run the HTTP API and the officers' web page",
        description="Run the HTTP service: the /v1 API, the web page at / and the "
        "assessment store (TWINRISK_DATABASE_URL, default SQLite in the data "
        "directory). Without API keys (TWINRISK_API_KEYS / TWINRISK_API_KEY_FILE) "
        "it only serves on a loopback address.",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--processes",
        type=int,
        default=None,
        metavar="N",
        help="server processes sharing the port (default: TWINRISK_PROCESSES, "
        "else one per usable CPU, at most 8); 1 runs a single uvicorn "
        "process",
    )
    p.add_argument(
        "--forwarded-allow-ips",
        default=None,
        metavar="ADDRS",
        help="comma-separated addresses or networks of the reverse proxies whose "
        "X-Forwarded-Proto/-For to believe (default: TWINRISK_FORWARDED_ALLOW_IPS, else "
        "none)",
    )
    p.add_argument(
        "--log-level", default="info", choices=("critical", "error", "warning", "info", "debug")
    )
    p.set_defaults(handler=_serve)

    keys = sub.add_parser(
        "keys",
        help="make API keys",
        description="API keys for TWINRISK_API_KEYS or TWINRISK_API_KEY_FILE.",
    )
    keys_sub = keys.add_subparsers(dest="keys_command", metavar="ACTION", required=True)
    new = keys_sub.add_parser(
        "new",
        help="print a new random key, and the line to put in a key file",
        description="Print a new random API key (43 URL-safe characters from the system's "
        "random source). With --id, also the key file line that stores only its SHA-256.",
    )
    new.add_argument("--id", default=None, help="a name for the key (letters, digits, . _ -)")
    new.set_defaults(handler=_keys_new)


def _keys_new(args: argparse.Namespace) -> int:
    import hashlib
    import re

    from twinrisk.service.auth import new_key

    key = new_key()
    print(key)
    if args.id is not None:
        if not re.fullmatch(r"[\w.-]{1,32}", args.id):
            print(f"--id {args.id!r}: use 1-32 letters, digits, '.', '_' or '-'", file=sys.stderr)
            return 2
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        print(f"# key file line (the key itself is not stored): {args.id}:sha256:{digest}")
    return 0


def _serve(args: argparse.Namespace) -> int:
    import logging
    import sys

    import uvicorn

    from twinrisk.app import create_app
    from twinrisk.core.errors import ConfigError
    from twinrisk.service.settings import Settings

    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = Settings.from_env(host=args.host)
        if args.forwarded_allow_ips is not None:
            settings.forwarded_allow_ips = tuple(
                a.strip() for a in args.forwarded_allow_ips.split(",") if a.strip()
            )
        processes = args.processes if args.processes is not None else Settings.processes_from_env()
        if processes < 1:
            raise ConfigError(f"--processes must be at least 1, not {processes}")
    except ConfigError as exc:  # the API keys and every TWINRISK_* variable
        print(f"twinrisk serve: {exc}", file=sys.stderr)
        return 2
    if settings.locked:
        print(
            f"twinrisk serve: refusing to listen on {args.host} without API keys; set "
            "TWINRISK_API_KEYS (or TWINRISK_API_KEY_FILE), or use --host 127.0.0.1",
            file=sys.stderr,
        )
        return 2
    from twinrisk.service import prefork

    if processes > 1 and not prefork.supported():
        logging.getLogger("twinrisk.service").warning(
            "several processes need fork and sigtimedwait, which this platform lacks; "
            "serving with one process"
        )
        processes = 1
    app = create_app(settings)
    if processes > 1:
        return prefork.serve(app, args.host, args.port, processes, log_level=args.log_level)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level=args.log_level,
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=10,
    )
    return 0
