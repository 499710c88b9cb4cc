"""Service settings, read once from the environment at app creation.

=================================  =========================================================
``TWINRISK_API_KEYS``              comma-separated API keys, each ``key`` or ``id:key``
``TWINRISK_API_KEY_FILE``          a file with one key a line: ``key``, ``id:key``,
                                   ``sha256:<hex>`` or ``id:sha256:<hex>`` (``#`` comments)
``TWINRISK_DATABASE_URL``          the store (default: SQLite in the data directory)
``TWINRISK_MAX_BODY_BYTES``        JSON request body limit (default 2 MiB)
``TWINRISK_MAX_UPLOAD_BYTES``      CSV upload limit (default 10 MiB)
``TWINRISK_MAX_BATCH_ITEMS``       proposals per JSON batch (default 1000)
``TWINRISK_MAX_CSV_ROWS``          data rows per CSV upload (default 50000)
``TWINRISK_TIMEOUT_SECONDS``       limit on one assessment's work (default 30)
``TWINRISK_BATCH_TIMEOUT_SECONDS`` limit on a batch's work (default 300)
``TWINRISK_WORKERS``               scoring jobs run at once, per process (default 8)
``TWINRISK_PROCESSES``             server processes for ``twinrisk serve`` (default: one per
                                   usable CPU, at most 8; ``--processes`` overrides it)
``TWINRISK_WORKER_PID_HEADER``     ``1``: answer with ``X-Twinrisk-Worker: <pid>`` (tests)
``TWINRISK_ALLOWED_HOSTS``         comma-separated names the server answers to (``Host``);
                                   default: the loopback names and the bind address
``TWINRISK_FORWARDED_ALLOW_IPS``   comma-separated proxy addresses (or networks) whose
                                   ``X-Forwarded-Proto``/``-For`` are believed (default:
                                   none; ``--forwarded-allow-ips`` overrides it)
``TWINRISK_RATE_LIMIT``            requests per key, ``<n>/<period>`` (default 3000/minute;
                                   ``off`` turns every rate limit and quota off)
``TWINRISK_DAILY_REQUESTS``        requests per key and day (default 200000/day)
``TWINRISK_DAILY_BYTES``           request-body bytes per key and day (default 512 MiB)
``TWINRISK_RATE_LIMIT_STORAGE``    where the counters live (default ``memory://``, per
                                   process; ``redis://…`` shares them)
=================================  =========================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

from twinrisk.core.errors import ConfigError
from twinrisk.service.auth import KeyRing
from twinrisk.service.ratelimit import RateConfig

MiB = 1024 * 1024
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def _positive(name: str, default: Any, cast: Any, what: str) -> Any:
    """A positive number from the environment, else a ``ConfigError`` naming the
    variable."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = cast(raw)
    except ValueError as exc:
        raise ConfigError(f"{name}={raw!r} is not {what}") from exc
    if not value > 0:
        raise ConfigError(f"{name} must be positive, not {raw}")
    return value


def _int(name: str, default: int) -> int:
    return int(_positive(name, default, int, "an integer"))


def _float(name: str, default: float) -> float:
    return float(_positive(name, default, float, "a number"))


def _names(name: str) -> tuple[str, ...]:
    return tuple(n.strip() for n in os.environ.get(name, "").split(",") if n.strip())


def _rate_from_env() -> RateConfig | None:
    rate = os.environ.get("TWINRISK_RATE_LIMIT", "").strip()
    if rate.lower() == "off":
        return None
    default = RateConfig()
    config = RateConfig(
        rate=rate or default.rate,
        daily_requests=os.environ.get("TWINRISK_DAILY_REQUESTS", "").strip()
        or default.daily_requests,
        daily_bytes=_int("TWINRISK_DAILY_BYTES", default.daily_bytes),
        storage_url=os.environ.get("TWINRISK_RATE_LIMIT_STORAGE", "").strip()
        or default.storage_url,
    )
    from twinrisk.service.ratelimit import RateLimiter

    RateLimiter(config)  # a bad rate or storage URL stops the start with a ConfigError
    return config


@dataclass
class Settings:
    #: the address the server is bound to: without API keys only loopback is open
    host: str = "127.0.0.1"
    keys: KeyRing = field(default_factory=KeyRing)
    database_url: str | None = None
    max_body_bytes: int = 2 * MiB
    max_upload_bytes: int = 10 * MiB
    max_batch_items: int = 1000
    max_csv_rows: int = 50_000
    timeout_seconds: float = 30.0
    batch_timeout_seconds: float = 300.0
    workers: int = 8
    #: run the warm-up (load tables, model, gazetteer) in the background at start
    warm_up: bool = True
    #: add ``X-Twinrisk-Worker: <pid>`` to every response (tests of several processes)
    worker_pid_header: bool = False
    #: names the server answers to; empty: the loopback names and ``host``
    allowed_hosts: tuple[str, ...] = ()
    #: per-key limits (``None``: off); see ``service.ratelimit``
    rate: RateConfig | None = field(default_factory=RateConfig)
    #: proxies whose X-Forwarded-* headers are believed; empty: nobody's
    forwarded_allow_ips: tuple[str, ...] = ()

    @classmethod
    def from_env(cls, host: str = "127.0.0.1") -> Settings:
        return cls(
            host=host,
            keys=KeyRing.from_env(),
            database_url=os.environ.get("TWINRISK_DATABASE_URL") or None,
            max_body_bytes=_int("TWINRISK_MAX_BODY_BYTES", 2 * MiB),
            max_upload_bytes=_int("TWINRISK_MAX_UPLOAD_BYTES", 10 * MiB),
            max_batch_items=_int("TWINRISK_MAX_BATCH_ITEMS", 1000),
            max_csv_rows=_int("TWINRISK_MAX_CSV_ROWS", 50_000),
            timeout_seconds=_float("TWINRISK_TIMEOUT_SECONDS", 30.0),
            batch_timeout_seconds=_float("TWINRISK_BATCH_TIMEOUT_SECONDS", 300.0),
            workers=_int("TWINRISK_WORKERS", 8),
            worker_pid_header=os.environ.get("TWINRISK_WORKER_PID_HEADER", "").strip() == "1",
            forwarded_allow_ips=_names("TWINRISK_FORWARDED_ALLOW_IPS"),
            allowed_hosts=tuple(
                n.strip()
                for n in os.environ.get("TWINRISK_ALLOWED_HOSTS", "").split(",")
                if n.strip()
            ),
            rate=_rate_from_env(),
        )

    @staticmethod
    def processes_from_env() -> int:
        """``TWINRISK_PROCESSES``, else one per usable CPU (at most 8)."""
        from twinrisk.service.prefork import default_processes

        return _int("TWINRISK_PROCESSES", default_processes())

    @property
    def loopback(self) -> bool:
        return self.host.strip().lower() in LOOPBACK_HOSTS

    @property
    def open_access(self) -> bool:
        """No keys configured and bound to loopback: calls need no key."""
        return not self.keys and self.loopback

    @property
    def locked(self) -> bool:
        """No keys configured but reachable from other machines: refuse every call."""
        return not self.keys and not self.loopback
