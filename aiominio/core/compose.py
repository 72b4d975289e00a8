"""Compose: the sources of a server-side concatenation, checked, and cut into part copies.

Every piece but the last of a multipart upload must be at least 5 MiB, and an upload has at most
10,000 parts: both are checked here, before anything is written, so a compose that S3 would
refuse at the end (after copying gigabytes) is refused at the start instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass

from aiominio.core import planning
from aiominio.core.conditions import check_version_id
from aiominio.core.sse import SseCustomerKey
from aiominio.core.validation import check_bucket_name, check_int, check_object_key
from aiominio.errors import InvalidArgument


@dataclass(frozen=True, slots=True)
class ComposeSource:
    """One source of :meth:`~aiominio.Client.compose_object`: an object (or one version of it),
    whole or a byte range of it.

    Attributes:
        bucket: the source's bucket.
        key: the source's key.
        offset: the first byte to copy (default 0).
        length: how many bytes to copy (default: to the end of the object).
        version_id: the version to copy (default: the latest).
        sse: the SSE-C key the source is stored with (its repr hides the key).
    """

    bucket: str
    key: str
    _: KW_ONLY
    offset: int | None = None
    length: int | None = None
    version_id: str | None = None
    sse: SseCustomerKey | None = None


@dataclass(frozen=True, slots=True)
class PartCopy:
    """One UploadPartCopy of a compose: part ``number`` is ``length`` bytes of source ``source``
    (an index into the sources) from ``offset``."""

    number: int
    source: int
    offset: int
    length: int


def check_sources(sources: object) -> list[ComposeSource]:
    """The sources as a list, each checked (types, names, range, version), and the lengths known
    without asking the server checked against the 5 MiB minimum of every piece but the last.

    Raises:
        TypeError: ``sources`` is not a sequence of ComposeSource, or a field has a wrong type.
        InvalidArgument: no sources, more than 10,000, or a bad field; the message names the
            source's index (``sources[2]``).
    """
    if isinstance(sources, (str, bytes)) or not isinstance(sources, Sequence):
        raise TypeError(
            f"sources must be a sequence of ComposeSource, not {type(sources).__name__}"
        )
    checked = list(sources)
    if not checked:
        raise InvalidArgument("sources: compose needs at least one source")
    if len(checked) > planning.MAX_PARTS:
        raise InvalidArgument(f"sources: at most 10,000, got {len(checked)}")
    last = len(checked) - 1
    for i, source in enumerate(checked):
        where = f"sources[{i}]"
        if not isinstance(source, ComposeSource):
            raise TypeError(f"{where} must be a ComposeSource, not {type(source).__name__}")
        try:
            check_bucket_name(source.bucket)
            check_object_key(source.key)
            check_version_id(source.version_id)
            if source.offset is not None:
                check_int("offset", source.offset)
            if source.length is not None:
                check_int("length", source.length, minimum=1)
        except (TypeError, InvalidArgument) as exc:
            raise type(exc)(f"{where}: {exc}") from None
        if source.length is not None and i < last:
            _check_piece(i, source.length)
    return checked


def _check_piece(index: int, length: int) -> None:
    if length < planning.MIN_PART_SIZE:
        raise InvalidArgument(
            f"sources[{index}]: {length} bytes; every source but the last must give at least "
            "5 MiB (5,242,880 bytes), the smallest part S3 allows"
        )


def plan_compose(
    sources: Sequence[ComposeSource], sizes: Sequence[int], *, part_size: int | None = None
) -> list[PartCopy]:
    """The part copies that concatenate ``sources``, given each source object's size.

    A source longer than ``part_size`` (default 5 GiB, the largest part) is split into parts of
    about equal size, none over ``part_size`` (nor under 5 MiB, unless it is the very last).

    Raises:
        InvalidArgument: a range beyond its object, an empty source, a piece under 5 MiB that is
            not the last, or more than 10,000 parts.
    """
    limit = planning.MAX_PART_SIZE if part_size is None else planning.check_part_size(part_size)
    last = len(sources) - 1
    plan: list[PartCopy] = []
    for i, (source, size) in enumerate(zip(sources, sizes, strict=True)):
        start = source.offset or 0
        length = size - start if source.length is None else source.length
        if size == 0:
            raise InvalidArgument(f"sources[{i}]: the object is empty (a part cannot be)")
        if start >= size or start + length > size:
            span = f"{length} bytes from {start}" if source.length else f"from byte {start}"
            raise InvalidArgument(f"sources[{i}]: {span}, but the object has {size} bytes")
        if i < last:
            _check_piece(i, length)
        count = -(-length // limit)
        # Equal pieces of a source just over a small part_size could be under 5 MiB: one fewer
        # then, each under twice part_size (so still far under 5 GiB).
        if count > 1 and length // count < planning.MIN_PART_SIZE:
            count -= 1
        base, extra = divmod(length, count)
        for n in range(count):
            piece = base + (1 if n < extra else 0)
            plan.append(PartCopy(len(plan) + 1, i, start, piece))
            start += piece
    if len(plan) > planning.MAX_PARTS:
        raise InvalidArgument(f"sources: the compose needs {len(plan)} parts, at most 10,000")
    return plan
