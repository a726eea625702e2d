"""A migration config file, read and updated as yb-voyager names its keys."""

from __future__ import annotations

import json
from typing import Any, Iterator, List

from . import _voyager


class Config:
    """A migration config file (TOML or YAML by extension) with yb-voyager's key names.

    Keys are dotted (``"source.db-host"``). Updates keep the file's comments and key order;
    a password key is refused."""

    def __init__(self, path: str) -> None:
        self._inner = _voyager.Config(path)

    @classmethod
    def load(cls, path: str) -> "Config":
        config = cls.__new__(cls)
        config._inner = _voyager.Config.load(path)
        return config

    @property
    def path(self) -> str:
        return self._inner.path

    @property
    def format(self) -> str:
        return self._inner.format

    def get(self, key: str, default: Any = None) -> Any:
        text = self._inner.get_json(key)
        return default if text is None else json.loads(text)

    def set(self, key: str, value: Any) -> None:
        self._inner.set_json(key, json.dumps(value))

    def remove(self, key: str) -> bool:
        return self._inner.remove(key)

    def keys(self) -> List[str]:
        return self._inner.keys()

    def render(self) -> str:
        return self._inner.render()

    def save(self) -> None:
        self._inner.save()

    def save_as(self, path: str) -> None:
        self._inner.save_as(path)

    def __getitem__(self, key: str) -> Any:
        text = self._inner.get_json(key)
        if text is None:
            raise KeyError(key)
        return json.loads(text)

    def __setitem__(self, key: str, value: Any) -> None:
        self.set(key, value)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._inner.get_json(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __repr__(self) -> str:
        return f"Config({self.path!r})"
