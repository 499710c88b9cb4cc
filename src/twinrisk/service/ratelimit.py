"""Per-key rate limits and daily quotas, counted by the ``limits`` library.

Why: one key once wrote ~100 MB in 20 s. Each key (or, with no keys, the single open
caller) gets a moving-window request rate, a daily request quota and a daily quota of
request-body bytes. Counters live in memory by default (per process); a storage URL
(``redis://…``, ``memcached://…``) shares them between processes and restarts.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse, storage, strategies

from twinrisk.core.errors import ConfigError
from twinrisk.service.problems import ProblemError


@dataclass(frozen=True)
class RateConfig:
    #: requests per key, e.g. ``120/minute`` (``limits`` notation)
    rate: str = "3000/minute"
    #: requests per key and day
    daily_requests: str = "200000/day"
    #: request-body bytes per key and day
    daily_bytes: int = 512 * 1024 * 1024
    #: where counters live: ``memory://`` (per process) or a shared storage URL
    storage_url: str = "memory://"


def _item(text: str, name: str) -> RateLimitItem:
    try:
        return parse(text)
    except ValueError as exc:
        raise ConfigError(
            f"{name}={text!r} is not a rate; write it as <count>/<period>, e.g. 120/minute"
        ) from exc


class RateLimiter:
    def __init__(self, config: RateConfig) -> None:
        try:
            backend = storage.storage_from_string(config.storage_url)
        except Exception as exc:  # the library raises several kinds for a bad URL
            raise ConfigError(
                f"TWINRISK_RATE_LIMIT_STORAGE={config.storage_url!r} cannot be used: "
                "give memory:// or a redis:// or memcached:// URL"
            ) from exc
        self._limiter = strategies.MovingWindowRateLimiter(backend)
        self._rate = _item(config.rate, "TWINRISK_RATE_LIMIT")
        self._daily = _item(config.daily_requests, "TWINRISK_DAILY_REQUESTS")
        self._bytes = parse(f"{config.daily_bytes}/day")
        self.config = config

    def _refuse(self, item: RateLimitItem, who: str, what: str) -> ProblemError:
        reset = self._limiter.get_window_stats(item, who).reset_time
        wait = max(1, math.ceil(reset - time.time()))
        return ProblemError(
            429,
            f"{what} for this key; try again in {wait} s",
            slug="rate-limited",
            title="Too Many Requests",
            headers={"Retry-After": str(wait)},
        )

    def hit(self, who: str, body_bytes: int) -> None:
        """Count one request of ``body_bytes`` for key ``who``; a 429 problem with
        ``Retry-After`` once a limit is reached."""
        checks = (
            (self._rate, 1, f"more than {self.config.rate} requests"),
            (self._daily, 1, f"more than {self.config.daily_requests} requests"),
        )
        for item, cost, what in checks:
            if not self._limiter.hit(item, who, cost=cost):
                raise self._refuse(item, who, what)
        if body_bytes > 0 and not self._limiter.hit(self._bytes, who, cost=body_bytes):
            raise self._refuse(
                self._bytes, who, f"more than {self.config.daily_bytes} bytes sent today"
            )
