"""The validator map's media-type lookup, remembered per media type (``KnownMediaTypes``)."""

from __future__ import annotations

import fnmatch
from typing import Any

from connexion.datastructures import MediaTypeDict


class KnownMediaTypes(MediaTypeDict):  # type: ignore[misc]
    """Connexion's ``MediaTypeDict`` (keys may be ranges, ``*/*json``; the most specific one answers) that
    remembers which key answered a media type: Connexion looks the validator up two or three times a request,
    and each lookup sorts the keys and matches them one by one. Up to ``MEMORY`` media types are remembered
    (a request's ``Content-Type`` is the client's to choose)."""

    MEMORY = 256

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._keys: dict[str, str | None] = {}

    def __getitem__(self, item: str) -> Any:
        if item in self._keys:
            key = self._keys[item]
            if key is None:
                raise KeyError(item)
            return dict.__getitem__(self, key)
        key = next((key for key in sorted(self, key=lambda k: ("*" not in k, k), reverse=True)
                    if isinstance(item, str) and fnmatch.fnmatch(item, key)), None)
        if len(self._keys) < self.MEMORY and isinstance(item, str):
            self._keys[item] = key
        if key is None:
            raise KeyError(item)
        return dict.__getitem__(self, key)

    def __setitem__(self, key: str, value: Any) -> None:
        super().__setitem__(key, value)
        self._keys.clear()
