"""GetObjectAttributes: the header that asks, each checksum element, and the exact refusals."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import aiominio
from aiominio.core.attributes import ALL_ATTRIBUTES, ATTRIBUTES_HEADER, parse_object_attributes
from aiominio.errors import InvalidResponseError
from aiominio.models import Checksum, ObjectPart

NS = b' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def doc(inner: bytes, root: bytes = b"GetObjectAttributesResponse") -> bytes:
    return b"<" + root + NS + b">" + inner + b"</" + root + b">"


def test_the_request_header_names_all_five_attributes() -> None:
    # The names of the S3 API reference (x-amz-object-attributes), comma-separated.
    assert ATTRIBUTES_HEADER == "x-amz-object-attributes"
    assert ALL_ATTRIBUTES.split(",") == [
        "ETag",
        "Checksum",
        "ObjectParts",
        "StorageClass",
        "ObjectSize",
    ]


@pytest.mark.parametrize(
    ("element", "algorithm"),
    [
        ("ChecksumCRC32", "CRC32"),
        ("ChecksumCRC32C", "CRC32C"),
        ("ChecksumCRC64NVME", "CRC64NVME"),
        ("ChecksumSHA1", "SHA1"),
        ("ChecksumSHA256", "SHA256"),
    ],
)
def test_each_checksum_element_names_its_algorithm(element: str, algorithm: str) -> None:
    tag = element.encode()
    body = doc(
        b"<Checksum><" + tag + b"> AAAA </" + tag + b"><ChecksumType> FULL_OBJECT </ChecksumType>"
        b"</Checksum><ObjectSize>3</ObjectSize><ObjectParts><Part><PartNumber>1</PartNumber>"
        b"<Size>3</Size><" + tag + b">BBBB</" + tag + b"></Part></ObjectParts>"
    )
    attrs = parse_object_attributes(body, {})
    assert attrs.checksum == Checksum(algorithm, "AAAA", "FULL_OBJECT")
    assert attrs.parts == (ObjectPart(1, 3, Checksum(algorithm, "BBBB", None)),)


def test_the_first_non_empty_checksum_element_wins() -> None:
    body = doc(
        b"<Checksum><ChecksumCRC32>  </ChecksumCRC32><ChecksumSHA1>c2hh</ChecksumSHA1>"
        b"<ChecksumSHA256>c2hhMjU2</ChecksumSHA256></Checksum><ObjectSize>0</ObjectSize>"
    )
    assert parse_object_attributes(body, {}).checksum == Checksum("SHA1", "c2hh", None)


def test_a_checksum_element_without_a_value_is_no_checksum() -> None:
    body = doc(
        b"<Checksum><ChecksumType>COMPOSITE</ChecksumType></Checksum>"
        b"<ObjectSize>5</ObjectSize><ObjectParts><Part><PartNumber>2</PartNumber>"
        b"<Size>5</Size></Part></ObjectParts>"
    )
    attrs = parse_object_attributes(body, {})
    assert attrs.checksum is None
    assert attrs.parts == (ObjectPart(2, 5, None),)


def test_a_blank_checksum_type_is_none() -> None:
    body = doc(
        b"<Checksum><ChecksumCRC32>AAAA</ChecksumCRC32><ChecksumType> </ChecksumType>"
        b"</Checksum><ObjectSize>1</ObjectSize>"
    )
    assert parse_object_attributes(body, {}).checksum == Checksum("CRC32", "AAAA", None)


def test_the_minimal_answer() -> None:
    attrs = parse_object_attributes(doc(b"<ObjectSize>0</ObjectSize>"), {})
    assert attrs.size == 0
    assert attrs.etag == ""
    assert attrs.storage_class is None
    assert attrs.checksum is None
    assert attrs.parts_count is None
    assert attrs.parts == ()
    assert attrs.parts_truncated is False
    assert attrs.last_modified is None
    assert attrs.version_id is None


def test_parts_in_order_with_their_count_and_flag() -> None:
    body = doc(
        b'<ETag>"abc-2"</ETag><ObjectSize>9</ObjectSize><StorageClass>GLACIER</StorageClass>'
        b"<ObjectParts><PartsCount>2</PartsCount><IsTruncated>false</IsTruncated>"
        b"<Part><PartNumber>1</PartNumber><Size>5</Size></Part>"
        b"<Part><PartNumber>2</PartNumber><Size>4</Size></Part></ObjectParts>",
        root=b"GetObjectAttributesOutput",
    )
    attrs = parse_object_attributes(body, {"x-amz-version-id": ""})
    assert attrs.etag == "abc-2"
    assert attrs.storage_class == "GLACIER"
    assert attrs.parts_count == 2
    assert attrs.parts_truncated is False
    assert attrs.parts == (ObjectPart(1, 5, None), ObjectPart(2, 4, None))
    assert attrs.version_id is None


def test_object_parts_without_a_count() -> None:
    body = doc(
        b"<ObjectSize>1</ObjectSize><ObjectParts><IsTruncated>true</IsTruncated></ObjectParts>"
    )
    attrs = parse_object_attributes(body, {})
    assert (attrs.parts_count, attrs.parts_truncated, attrs.parts) == (None, True, ())


def test_another_document_is_refused_by_name() -> None:
    with pytest.raises(
        InvalidResponseError, match=r"^unexpected <ListBucketResult> answering GetObjectAttributes$"
    ) as exc:
        parse_object_attributes(b"<ListBucketResult/>", {})
    assert exc.value.body == b"<ListBucketResult/>"


def test_no_object_size_is_refused() -> None:
    for inner in (b"<ETag>x</ETag>", b"<ObjectSize></ObjectSize>"):
        with pytest.raises(
            InvalidResponseError, match=r"^GetObjectAttributes without the ObjectSize asked for$"
        ) as exc:
            parse_object_attributes(doc(inner), {})
        assert exc.value.body == doc(inner)


@pytest.mark.parametrize(
    ("inner", "message"),
    [
        (b"<ObjectSize>1x</ObjectSize>", "the server sent a malformed ObjectSize: '1x'"),
        (
            b"<ObjectSize>1</ObjectSize><ObjectParts><PartsCount>-2</PartsCount></ObjectParts>",
            "the server sent a malformed PartsCount: '-2'",
        ),
        (
            b"<ObjectSize>1</ObjectSize><ObjectParts><IsTruncated>yes</IsTruncated></ObjectParts>",
            "the server sent a malformed IsTruncated: 'yes'",
        ),
        (
            b"<ObjectSize>1</ObjectSize><ObjectParts><Part><PartNumber>a</PartNumber>"
            b"<Size>1</Size></Part></ObjectParts>",
            "the server sent a malformed PartNumber: 'a'",
        ),
        (
            b"<ObjectSize>1</ObjectSize><ObjectParts><Part><PartNumber>1</PartNumber>"
            b"<Size>b</Size></Part></ObjectParts>",
            "the server sent a malformed Size: 'b'",
        ),
    ],
)
def test_malformed_numbers_are_named(inner: bytes, message: str) -> None:
    with pytest.raises(InvalidResponseError) as exc:
        parse_object_attributes(doc(inner), {})
    assert str(exc.value).startswith(message)


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
