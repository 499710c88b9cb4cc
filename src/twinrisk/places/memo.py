"""A small bounded, thread-safe LRU mapping for the places caches.

``functools.lru_cache`` memoises a function; the places caches need more: look up
and store many keys under one lock (``get_many`` / ``put_many``, for batches), and
keep the cache on the object it belongs to (a gazetteer index, a data version) so
it goes when that goes.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterable, Sequence
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LRU(Generic[K, V]):
    """At most ``maxsize`` entries; the least recently used goes first."""

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self.maxsize = maxsize
        self._data: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def get(self, key: K) -> V | None:
        with self._lock:
            try:
                value = self._data[key]
            except KeyError:
                return None
            self._data.move_to_end(key)
            return value

    def get_many(self, keys: Iterable[K]) -> list[V | None]:
        out: list[V | None] = []
        data = self._data
        with self._lock:
            for key in keys:
                value = data.get(key)
                if value is not None:
                    data.move_to_end(key)
                out.append(value)
        return out

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self.maxsize:
                self._data.popitem(last=False)

    def put_many(self, keys: Sequence[K], values: Sequence[V]) -> None:
        if len(keys) != len(values):
            raise ValueError("keys and values must have the same length")
        data = self._data
        with self._lock:
            for key, value in zip(keys, values, strict=True):
                data[key] = value
                data.move_to_end(key)
            while len(data) > self.maxsize:
                data.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._data.clear()
