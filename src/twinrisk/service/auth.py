"""API keys: kept only as SHA-256 hashes, compared in constant time.

A key is presented as ``X-API-Key: <key>`` or ``Authorization: Bearer <key>``. The web
page never stores the key: the sign-in form at ``/login`` opens a server-side session
(``store.signins``) and the ``twinrisk_session`` cookie holds only its random id.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from twinrisk.core.errors import ConfigError

COOKIE_NAME = "twinrisk_session"
#: how long a web sign-in lasts
SESSION_LIFETIME_SECONDS = 12 * 3600
#: a key must be long enough that guessing it online is hopeless; ``twinrisk keys new``
#: prints 43 characters (256 random bits)
MIN_KEY_LENGTH = 32
_HASHED = re.compile(r"^(?:(?P<id>[\w.-]{1,32}):)?sha256:(?P<hash>[0-9a-fA-F]{64})$")
_NAMED = re.compile(r"^(?P<id>[\w.-]{1,32}):(?P<key>.+)$")


class KeyConfigError(ConfigError):
    """The key configuration cannot be read; the message says which entry."""


def hash_key(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8")).digest()


@dataclass
class KeyRing:
    #: (key id, SHA-256 digest) pairs; the keys themselves are not kept
    entries: list[tuple[str, bytes]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def add_entry(self, entry: str, where: str = "entry") -> None:
        entry = entry.strip()
        if not entry:
            return
        hashed = _HASHED.match(entry)
        if hashed:
            digest = bytes.fromhex(hashed["hash"])
            key_id = hashed["id"] or "key-" + digest.hex()[:8]
        else:
            named = _NAMED.match(entry)
            key_id, key = (named["id"], named["key"]) if named else (None, entry)
            if len(key) < MIN_KEY_LENGTH:
                raise KeyConfigError(
                    f"{where}: an API key must have at least {MIN_KEY_LENGTH} characters "
                    f"(this one has {len(key)}); make one with `twinrisk keys new`"
                )
            digest = hash_key(key)
            key_id = key_id or "key-" + digest.hex()[:8]
        if any(existing == key_id for existing, _ in self.entries):
            raise KeyConfigError(f"{where}: key id {key_id!r} is used twice")
        self.entries.append((key_id, digest))

    @classmethod
    def parse(cls, keys: str | None = None, key_file: str | Path | None = None) -> KeyRing:
        ring = cls()
        for i, entry in enumerate((keys or "").split(",")):
            ring.add_entry(entry, f"TWINRISK_API_KEYS entry {i + 1}")
        if key_file:
            path = Path(key_file)
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise KeyConfigError(f"cannot read API key file {path}: {exc.strerror}") from exc
            for n, line in enumerate(lines, 1):
                if not line.strip().startswith("#"):
                    ring.add_entry(line, f"{path}:{n}")
        return ring

    @classmethod
    def from_env(cls) -> KeyRing:
        return cls.parse(
            os.environ.get("TWINRISK_API_KEYS"), os.environ.get("TWINRISK_API_KEY_FILE") or None
        )

    def has_id(self, key_id: str) -> bool:
        """Whether ``key_id`` is still configured (a session of a removed key ends)."""
        return any(existing == key_id for existing, _ in self.entries)

    def verify(self, presented: str | None) -> str | None:
        """The key id if ``presented`` is a configured key, else None (constant time
        in the number of keys: every stored hash is compared)."""
        if not presented:
            return None
        digest = hash_key(presented)
        found: str | None = None
        for key_id, stored in self.entries:
            if hmac.compare_digest(digest, stored) and found is None:
                found = key_id
        return found


def presented_key(headers: dict[str, str] | object) -> str | None:
    """The key a request carries: X-API-Key, then a Bearer token."""
    get = getattr(headers, "get", None)
    if get is not None:
        key = get("x-api-key")
        if key:
            return str(key).strip()
        auth = str(get("authorization") or "")
        scheme, _, token = auth.partition(" ")
        if scheme.lower() == "bearer" and token.strip():
            return token.strip()
    return None


def new_key() -> str:
    """A new random key: 32 bytes from the OS's generator, URL-safe (43 characters)."""
    import secrets

    return secrets.token_urlsafe(32)
