"""One family for every error twinrisk raises on purpose.

Each class says, once, how a surface should present it: the input ``field`` it
concerns, a ``slug`` and ``title`` for problem+json, and the HTTP ``status``. The
service maps any ``TwinriskError`` to a problem document from these attributes
alone, so a new error needs a class here (or a subclass in its stage), never a
new branch in the service, and nothing matches on names or message text.

Input errors are also ``ValueError`` and server-side errors ``RuntimeError``, so
callers that caught the built-in types before keep working.
"""

from __future__ import annotations

from typing import Any, ClassVar

from twinrisk.core.models import Place


class TwinriskError(Exception):
    """Base: a message a person can act on, and how to present it."""

    slug: ClassVar[str] = "error"
    title: ClassVar[str] = "Error"
    status: ClassVar[int] = 422
    #: the input field the error concerns by default (an instance may name another)
    default_field: ClassVar[str | None] = None

    def __init__(self, message: str = "", *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field if field is not None else self.default_field

    def members(self) -> dict[str, Any]:
        """Problem members beyond the standard ones (suggestions, candidates, …)."""
        return {}


class InputError(TwinriskError, ValueError):
    """The caller's input cannot be scored; the caller can fix it."""

    slug = "invalid-proposal"
    title = "Proposal cannot be scored"


class ServerDataError(TwinriskError, RuntimeError):
    """The server's own data or model is broken: not the caller's fault."""

    slug = "data-unavailable"
    title = "Scoring unavailable"
    status = 503
    #: what is broken, in the words a problem document uses
    what: ClassVar[str] = "curated data"


class ConfigError(TwinriskError, ValueError):
    """The server's configuration (environment, key file) cannot be used; the operator
    fixes it. Raised at start-up, where the CLI prints the message; never a caller's
    fault, hence 500 if it ever reaches a response."""

    slug = "invalid-configuration"
    title = "Invalid configuration"
    status = 500


class NotFound(TwinriskError, LookupError):
    """A stored record the caller asked for does not exist."""

    slug = "not-found"
    title = "Not found"
    status = 404


class AsOfError(InputError):
    """An assessment date the scorer cannot use."""

    slug = "invalid-as-of"
    title = "Invalid as_of date"
    default_field = "as_of"


class CountryError(InputError):
    """A country code that is not in the data."""

    slug = "unknown-country"
    title = "Unknown country"


class HintError(InputError):
    """A place hint (admin area, GeoNames id, latitude or longitude) the scorer cannot
    read; the message names the field, the value and what is accepted."""

    slug = "invalid-place-hint"
    title = "Invalid place hint"


class TermError(InputError):
    """A term the scorer cannot read; the message names the term, value and what is accepted."""

    slug = "invalid-term"
    title = "Invalid term"
    default_field = "terms"


class PolicyError(InputError):
    """A policy the scorer cannot use; the message names the factor and the rule."""

    slug = "invalid-policy"
    title = "Invalid policy"
    default_field = "policy"


class PlaceError(InputError):
    """A place name that cannot be resolved to one place."""

    slug = "place-not-found"
    title = "Place not found"


class PlaceNotFound(PlaceError):
    """No place matches; ``suggestions`` holds close names."""

    def __init__(
        self, message: str = "", suggestions: list[str] | None = None, *, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.suggestions = list(suggestions or [])

    def members(self) -> dict[str, Any]:
        return {"suggestions": self.suggestions}


class AmbiguousPlace(PlaceError):
    """Several places match equally well; ``candidates`` holds them."""

    slug = "ambiguous-place"
    title = "Ambiguous place"

    def __init__(
        self, message: str = "", candidates: list[Place] | None = None, *, field: str | None = None
    ) -> None:
        super().__init__(message, field=field)
        self.candidates = list(candidates or [])

    def members(self) -> dict[str, Any]:
        return {"candidates": [p.model_dump(mode="json") for p in self.candidates]}


class RowError(InputError):
    """Every problem of one proposal in a batch, in field order; ``problems`` keeps
    them typed and the message joins them, so a batch row reads as one sentence."""

    def __init__(self, problems: list[InputError]) -> None:
        super().__init__("; ".join(_located(p) for p in problems), field=problems[0].field)
        self.problems = problems


def _located(error: InputError) -> str:
    text = str(error)
    if error.field and isinstance(error, PlaceError) and not text.startswith(error.field):
        return f"{error.field}: {text}"
    return text
