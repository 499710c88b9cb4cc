"""Web sign-in sessions kept in the store, so every server process sees the same ones
and signing out revokes a cookie everywhere.

The cookie carries a random id (256 bits); the table keeps only its SHA-256, the key
id it was opened with and an expiry."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import sessionmaker

from twinrisk.store.models import SignInRow


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class SignIns:
    def __init__(self, engine: Engine) -> None:
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    def open(self, key_id: str, lifetime: dt.timedelta) -> str:
        """A new session for ``key_id``; returns the id to put in the cookie (only its
        hash is stored). Expired sessions are swept on the way."""
        token = secrets.token_urlsafe(32)
        now = _now()
        with self._sessions() as s, s.begin():
            s.execute(delete(SignInRow).where(SignInRow.expires_at < now))
            s.add(
                SignInRow(
                    id_hash=_hash(token), key_id=key_id, created_at=now, expires_at=now + lifetime
                )
            )
        return token

    def key_id(self, token: str | None) -> str | None:
        """The key id of a live session, else None (unknown, revoked or expired)."""
        if not token or len(token) > 100:
            return None
        with self._sessions() as s:
            row = s.execute(
                select(SignInRow).where(SignInRow.id_hash == _hash(token))
            ).scalar_one_or_none()
        if row is None or row.expires_at <= _now():
            return None
        return row.key_id

    def revoke(self, token: str | None) -> None:
        if not token:
            return
        with self._sessions() as s, s.begin():
            s.execute(delete(SignInRow).where(SignInRow.id_hash == _hash(token)))
