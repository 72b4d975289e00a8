"""The arguments of the low-level multipart calls (``upload_part``, ``complete_multipart_upload``,
...), checked before any request: upload ids, part numbers, a part's body, the parts of a
completion."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from aiominio.core.headers import unquote_etag
from aiominio.core.planning import MAX_PART_SIZE, MAX_PARTS
from aiominio.core.validation import check_one_line
from aiominio.errors import InvalidArgument
from aiominio.models import Part

#: What ``complete_multipart_upload`` takes for each part: a :class:`~aiominio.Part` (as
#: ``upload_part`` and ``list_parts`` give them) or a ``(part_number, etag)`` pair.
PartRef = Part | tuple[int, str]


def check_upload_id(upload_id: object) -> str:
    """An upload id as ``initiate_new_multipart_upload`` returned it: a non-empty str on one
    line (it travels in the query).

    Raises:
        TypeError: not a str.
        InvalidArgument: empty, or a control character or lone surrogate in it.
    """
    if not isinstance(upload_id, str):
        raise TypeError(f"upload_id must be a str, not {type(upload_id).__name__}")
    if not upload_id:
        raise InvalidArgument("upload_id must not be empty")
    return check_one_line("upload_id", upload_id)


def check_part_number(part_number: object) -> int:
    """A part number: an int from 1 to 10,000 (S3's range).

    Raises:
        TypeError: not an int (a bool neither).
        InvalidArgument: out of range.
    """
    if isinstance(part_number, bool) or not isinstance(part_number, int):
        raise TypeError(f"part_number must be an int, not {type(part_number).__name__}")
    if not 1 <= part_number <= MAX_PARTS:
        raise InvalidArgument(f"part_number must be 1 to {MAX_PARTS:,}, got {part_number}")
    return part_number


def check_part_data(data: object) -> bytes | memoryview:
    """A part's body as it is sent: ``bytes`` as they are, a ``bytearray`` or ``memoryview`` as
    a flat view of its bytes (not copied), at most 5 GiB.

    Raises:
        TypeError: not bytes-like (a str must be encoded first), or a view that is not
            contiguous.
        InvalidArgument: more than 5 GiB (S3's largest part).
    """
    if isinstance(data, bytes):
        body: bytes | memoryview = data
    elif isinstance(data, (bytearray, memoryview)):
        view = memoryview(data)
        if not view.c_contiguous:
            raise TypeError("data must be a contiguous buffer")
        body = view.cast("B") if view.format != "B" or view.ndim != 1 else view
    else:
        hint = " (encode it first)" if isinstance(data, str) else ""
        raise TypeError(
            f"data must be bytes, bytearray or memoryview, not {type(data).__name__}{hint}"
        )
    if len(body) > MAX_PART_SIZE:
        raise InvalidArgument(f"a part holds at most 5 GiB, got {len(body):,} bytes")
    return body


def completion_parts(parts: object) -> list[Part]:
    """The parts of a CompleteMultipartUpload in ascending order, each a :class:`Part` or a
    ``(part_number, etag)`` pair (an ETag with or without its quotes, as a browser reads it off
    the ``ETag`` header). Only the number and ETag are kept: the upload was created without a
    checksum algorithm, so the completion names no part checksums.

    Raises:
        TypeError: not an iterable of parts, or an item that is neither a Part nor a pair of
            int and str.
        InvalidArgument: no parts, a part number out of range or given twice, an empty ETag or
            one that is not a single line.
    """
    if isinstance(parts, (str, bytes, Part)) or not isinstance(parts, Iterable):
        raise TypeError(
            "parts must be an iterable of Part or (part_number, etag) pairs, "
            f"not {type(parts).__name__}"
        )
    found: dict[int, Part] = {}
    for item in parts:
        if isinstance(item, Part):
            number, etag = item.part_number, item.etag
        elif isinstance(item, tuple) and len(item) == 2:
            number, etag = item
        else:
            raise TypeError(
                f"each part must be a Part or a (part_number, etag) pair, not {type(item).__name__}"
            )
        check_part_number(number)
        if not isinstance(etag, str):
            raise TypeError(f"the ETag of part {number} must be a str, not {type(etag).__name__}")
        bare = unquote_etag(etag)
        if not bare:
            raise InvalidArgument(f"the ETag of part {number} is empty")
        check_one_line(f"the ETag of part {number}", bare)
        if number in found:
            raise InvalidArgument(f"part {number} is given twice")
        # A Part keeps its size and checksums: an upload created with a checksum algorithm is
        # completed naming each part's checksum.
        found[number] = replace(item, etag=bare) if isinstance(item, Part) else Part(number, bare)
    if not found:
        raise InvalidArgument("a multipart upload is completed with at least one part")
    return [found[number] for number in sorted(found)]
