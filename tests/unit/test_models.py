"""The result dataclasses: frozen, so a result handed to a caller cannot be changed."""

from __future__ import annotations

import pytest

from aiominio import ObjectVersion


def test_object_version_is_frozen() -> None:
    v = ObjectVersion("k", "v1")
    with pytest.raises(AttributeError):
        v.key = "other"  # type: ignore[misc]
