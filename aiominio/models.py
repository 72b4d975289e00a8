"""Typed results. Every result is a frozen, slotted dataclass with parsed values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Bucket:
    """A bucket, as ``list_buckets`` reports it.

    Attributes:
        name: the bucket name.
        creation_date: when it was created (timezone-aware, UTC), if the server says.
    """

    name: str
    creation_date: datetime | None
