"""Planning a one-way sync, as the command line reports it: the library's plan
(:mod:`aiominio.core.sync`) with the count of unchanged entries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from aiominio.core.sync import MTIME_SLACK, needs_copy, plan_sync
from aiominio.core.sync import TreeEntry as Entry

__all__ = ["MTIME_SLACK", "Entry", "MirrorPlan", "needs_copy", "plan_mirror"]


@dataclass(frozen=True, slots=True)
class MirrorPlan:
    """What a sync does: ``copy`` and ``delete`` are relative paths, sorted; ``unchanged`` is
    how many entries are already the same on both sides."""

    copy: tuple[str, ...]
    delete: tuple[str, ...]
    unchanged: int


def plan_mirror(
    source: Mapping[str, Entry], dest: Mapping[str, Entry], *, delete: bool = False
) -> MirrorPlan:
    """Plan making ``dest`` look like ``source``: copy what is missing or differs; with
    ``delete``, remove what ``dest`` has and ``source`` has not."""
    plan = plan_sync(source, dest, delete=delete)
    return MirrorPlan(plan.copy, plan.delete, len(plan.unchanged))
