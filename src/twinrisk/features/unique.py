"""Parsing a column of typed values once per distinct value.

A 100,000-row request has a few distinct dates, codes and hints; parsing each
distinct value once (and remembering its error) keeps the cost of reading a request
proportional to what is in it, not to its length.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from twinrisk.core.errors import InputError


def parse_unique(values: Sequence[Any], parse: Any) -> tuple[list[Any], list[InputError | None]]:
    """Apply ``parse`` once per distinct value; return parsed values and error texts.

    Many rows are grouped by pandas' hash table first (a 100,000-row batch has a few
    distinct dates and codes); a few rows, or unhashable values, go one by one."""
    if len(values) > 64:
        try:
            codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
        except TypeError:  # lists or dicts among the values
            pass
        else:
            parsed, messages = _parse_each(list(uniques), parse)
            results = np.empty(len(parsed), dtype=object)
            for i, value in enumerate(parsed):  # element by element: tuples stay whole
                results[i] = value
            return results[codes].tolist(), np.array(messages, dtype=object)[codes].tolist()
    return _parse_each(values, parse)


def _parse_each(values: Sequence[Any], parse: Any) -> tuple[list[Any], list[InputError | None]]:
    seen: dict[Any, tuple[Any, InputError | None]] = {}
    out, errors = [], []
    for value in values:
        key = value if not isinstance(value, (list, dict)) else repr(value)
        if key not in seen:
            try:
                seen[key] = (parse(value), None)
            except InputError as exc:
                seen[key] = (None, exc)
        result, error = seen[key]
        out.append(result)
        errors.append(error)
    return out, errors


def factorize(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """Which distinct value each row holds (int64 codes) and the distinct values in
    first-seen order; unhashable values (lists, dicts) are told apart by ``repr``."""
    try:
        codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=False)
        return np.asarray(codes, dtype=np.int64), list(uniques)
    except TypeError:
        seen: dict[str, int] = {}
        firsts: list[Any] = []
        out = []
        for value in values:
            key = repr(value)
            if key not in seen:
                seen[key] = len(firsts)
                firsts.append(value)
            out.append(seen[key])
        return np.array(out, dtype=np.int64), firsts
