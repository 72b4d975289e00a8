"""Compose planning and the GetObjectAttributes parser: pure, no loop, no server."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import aiominio
from aiominio.core.attributes import parse_object_attributes
from aiominio.core.compose import ComposeSource, PartCopy, check_sources, plan_compose

MiB = 1024 * 1024
GiB = 1024 * MiB


def src(**kw: int) -> ComposeSource:
    return ComposeSource("b-one", "k", **kw)  # type: ignore[arg-type]


def test_whole_sources_one_part_each() -> None:
    plan = plan_compose([src(), src(), src()], [5 * MiB, 7 * MiB, 1])
    assert plan == [
        PartCopy(1, 0, 0, 5 * MiB),
        PartCopy(2, 1, 0, 7 * MiB),
        PartCopy(3, 2, 0, 1),
    ]


def test_ranges_and_an_offset_to_the_end() -> None:
    plan = plan_compose([src(offset=3, length=5 * MiB), src(offset=10)], [6 * MiB, 20])
    assert plan == [PartCopy(1, 0, 3, 5 * MiB), PartCopy(2, 1, 10, 10)]


def test_a_source_over_5_gib_is_split_in_equal_parts_within_the_limits() -> None:
    plan = plan_compose([src(), src()], [11 * GiB, 1])
    third = 11 * GiB // 3  # 11 GiB is 2 bytes over three equal thirds
    assert [p.length for p in plan[:-1]] == [third + 1, third + 1, third]
    assert sum(p.length for p in plan if p.source == 0) == 11 * GiB
    assert [p.offset for p in plan[:3]] == [0, plan[0].length, plan[0].length + plan[1].length]
    assert all(p.length <= 5 * GiB for p in plan)
    assert [p.number for p in plan] == [1, 2, 3, 4]


@pytest.mark.parametrize("size", [5 * MiB + 1, 9 * MiB, 10 * MiB, 12 * MiB, 101 * MiB])
def test_a_small_part_size_never_makes_a_piece_under_5_mib(size: int) -> None:
    plan = plan_compose([src(), src()], [size, 1], part_size=5 * MiB)
    pieces = [p.length for p in plan if p.source == 0]
    assert sum(pieces) == size
    assert all(5 * MiB <= n <= 10 * MiB for n in pieces)


def test_a_small_piece_that_is_not_the_last_is_refused_with_its_index() -> None:
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[1\]: 100 bytes"):
        plan_compose([src(), src(), src()], [5 * MiB, 100, 5 * MiB])
    # The last may be as small as one byte.
    assert plan_compose([src(), src(length=1)], [5 * MiB, 9])[-1].length == 1


def test_a_range_beyond_its_object_or_an_empty_object_is_refused() -> None:
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[0\]: 11 bytes from 0"):
        plan_compose([src(offset=0, length=11)], [10])
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[0\]: from byte 10"):
        plan_compose([src(offset=10)], [10])
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[0\]: the object is empty"):
        plan_compose([src()], [0])


def test_more_than_10000_parts_is_refused() -> None:
    with pytest.raises(aiominio.InvalidArgument, match="needs 10001 parts"):
        plan_compose([src()] * 10_001, [5 * MiB] * 10_001)
    with pytest.raises(aiominio.InvalidArgument, match="at most 10,000"):
        plan_compose([src(), src()], [10_000 * 5 * MiB, 1], part_size=5 * MiB)


def test_check_sources_knows_given_lengths_before_any_request() -> None:
    ok = [src(length=5 * MiB), src(length=1)]
    assert check_sources(tuple(ok)) == ok
    with pytest.raises(aiominio.InvalidArgument, match=r"sources\[0\]: 4 bytes"):
        check_sources([src(length=4), src()])
    with pytest.raises(TypeError, match=r"sources\[1\] must be a ComposeSource"):
        check_sources([src(), ("b-one", "k")])


# -- GetObjectAttributes ---------------------------------------------------------------------

#: The answer of AWS's GetObjectAttributes documentation, for a multipart object.
AWS_EXAMPLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<GetObjectAttributesResponse xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <ETag>a2c8a3e1d2b1cf5b6ab4e6ef4e0e35a1-2</ETag>
  <Checksum>
    <ChecksumSHA256>Vd2ASvhwpfhxmbrMUEhqb9MHDpNUozBpN9qb5Gr9L9s=</ChecksumSHA256>
    <ChecksumType>COMPOSITE</ChecksumType>
  </Checksum>
  <ObjectParts>
    <IsTruncated>true</IsTruncated>
    <MaxParts>1</MaxParts>
    <NextPartNumberMarker>1</NextPartNumberMarker>
    <PartNumberMarker>0</PartNumberMarker>
    <Part>
      <ChecksumSHA256>mf4wmuL4T3EN6ckKbXM1WWOi3fYsOCOFbDrHAAwUVZE=</ChecksumSHA256>
      <PartNumber>1</PartNumber>
      <Size>5242880</Size>
    </Part>
    <PartsCount>2</PartsCount>
  </ObjectParts>
  <StorageClass>STANDARD</StorageClass>
  <ObjectSize>6291456</ObjectSize>
</GetObjectAttributesResponse>"""


def test_attributes_of_the_aws_example() -> None:
    headers = {
        "last-modified": "Wed, 25 Nov 2026 17:24:55 GMT",
        "x-amz-version-id": "v1",
    }
    attrs = parse_object_attributes(AWS_EXAMPLE, headers)
    assert attrs == aiominio.ObjectAttributes(
        etag="a2c8a3e1d2b1cf5b6ab4e6ef4e0e35a1-2",
        size=6291456,
        storage_class="STANDARD",
        checksum=aiominio.Checksum(
            "SHA256", "Vd2ASvhwpfhxmbrMUEhqb9MHDpNUozBpN9qb5Gr9L9s=", "COMPOSITE"
        ),
        parts_count=2,
        parts=(
            aiominio.ObjectPart(
                1,
                5242880,
                aiominio.Checksum("SHA256", "mf4wmuL4T3EN6ckKbXM1WWOi3fYsOCOFbDrHAAwUVZE="),
            ),
        ),
        parts_truncated=True,
        last_modified=datetime(2026, 11, 25, 17, 24, 55, tzinfo=timezone.utc),
        version_id="v1",
    )


def test_attributes_of_a_single_put_as_moto_answers() -> None:
    body = (
        b'<?xml version="1.0" encoding="utf-8"?>\n<GetObjectAttributesOutput xmlns='
        b'"http://s3.amazonaws.com/doc/2006-03-01/"><ETag>e70fc13812df712a4fc52f6d1eb65f44</ETag>'
        b"<Checksum><ChecksumCRC32>ZKmFhw==</ChecksumCRC32><ChecksumType>FULL_OBJECT"
        b"</ChecksumType></Checksum><StorageClass>STANDARD</StorageClass>"
        b"<ObjectSize>6</ObjectSize></GetObjectAttributesOutput>"
    )
    attrs = parse_object_attributes(body, {})
    assert attrs.checksum == aiominio.Checksum("CRC32", "ZKmFhw==", "FULL_OBJECT")
    assert (attrs.size, attrs.parts_count, attrs.parts, attrs.version_id) == (6, None, (), None)


@pytest.mark.parametrize(
    "body",
    [
        b"<ListBucketResult/>",
        b"<GetObjectAttributesResponse><ETag>x</ETag></GetObjectAttributesResponse>",
        b"<GetObjectAttributesResponse><ObjectSize>-1</ObjectSize></GetObjectAttributesResponse>",
        b"<GetObjectAttributesResponse><ObjectSize>1</ObjectSize><ObjectParts><Part>"
        b"<PartNumber>x</PartNumber><Size>1</Size></Part></ObjectParts>"
        b"</GetObjectAttributesResponse>",
        b"<html>gateway</html",
    ],
)
def test_attributes_answers_that_are_not_usable_are_typed(body: bytes) -> None:
    with pytest.raises(aiominio.InvalidResponseError):
        parse_object_attributes(body, {})
