"""Hostile and malformed answers, parsed with no server: every one is a typed error.

XML in another encoding than UTF-8 must not slip past the DTD gate, an ``<Error>`` behind any
amount of whitespace is still an error, and a malformed value (a date, a number, a flag, a
missing element) is an :class:`~aiominio.InvalidResponseError`, never a bare ``ValueError``.
"""

from __future__ import annotations

import pytest

from aiominio import errors
from aiominio.core import xml

ENTITY_DOC = (
    '<!DOCTYPE r [<!ENTITY e "EXPANDED">]>'
    "<ListAllMyBucketsResult><Buckets><Bucket><Name>&e;</Name></Bucket></Buckets>"
    "</ListAllMyBucketsResult>"
)


@pytest.mark.parametrize(
    "body",
    [
        ('<?xml version="1.0" encoding="UTF-16"?>' + ENTITY_DOC).encode("utf-16"),
        ('<?xml version="1.0" encoding="UTF-16"?>' + ENTITY_DOC).encode("utf-16-be"),
        ENTITY_DOC.encode("utf-16-le"),
        ('<?xml version="1.0" encoding="UTF-32"?>' + ENTITY_DOC).encode("utf-32"),
        b"\xef\xbb\xbf" + ENTITY_DOC.encode(),
        b'<?xml version="1.0" encoding="utf-7"?>' + ENTITY_DOC.encode("utf-7"),
        b'<?xml version="1.0" encoding="latin-1"?>' + ENTITY_DOC.encode("latin-1"),
    ],
    ids=["utf16-bom", "utf16-be", "utf16-le-no-bom", "utf32", "utf8-bom", "utf7", "latin1"],
)
def test_entities_in_any_encoding_are_refused(body: bytes) -> None:
    with pytest.raises(errors.InvalidResponseError):
        xml.parse_list_buckets(body)


@pytest.mark.parametrize(
    "body",
    [
        '<?xml version="1.0" encoding="UTF-16"?><ListAllMyBucketsResult '
        'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>b</Name>'
        "</Bucket></Buckets></ListAllMyBucketsResult>".encode("utf-16"),
        b"\xef\xbb\xbf<ListAllMyBucketsResult><Buckets><Bucket><Name>b</Name></Bucket>"
        b"</Buckets></ListAllMyBucketsResult>",
        b"<?xml version='1.0' encoding='utf-8'?><ListAllMyBucketsResult><Buckets><Bucket>"
        b"<Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>",
    ],
    ids=["utf16", "utf8-bom", "utf8-declared"],
)
def test_harmless_documents_in_other_encodings_still_parse(body: bytes) -> None:
    assert [b.name for b in xml.parse_list_buckets(body)] == ["b"]


ERROR = b"<Error><Code>AccessDenied</Code><Message>no</Message></Error>"


@pytest.mark.parametrize(
    "body",
    [
        b" " * 5000 + ERROR,
        b"\n" * 70_000 + ERROR,
        b'<?xml version="1.0" encoding="UTF-8"?>\n' + b" " * 8192 + ERROR,
        b" " * 8192 + b'<?xml version="1.0" encoding="UTF-8"?>' + ERROR,
        b"\r\n\t " * 2000 + b'<Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
        b"<Code>AccessDenied</Code></Error>",
    ],
    ids=["spaces", "newlines", "after-declaration", "before-declaration", "namespaced"],
)
def test_error_after_whitespace_is_raised(body: bytes) -> None:
    with pytest.raises(errors.AccessDenied):
        xml.raise_if_error_document(body, status=200, bucket="b", key="k")


def test_padded_result_is_not_an_error() -> None:
    ok = b" " * 9000 + b"<CopyObjectResult><ETag>&quot;e&quot;</ETag></CopyObjectResult>"
    xml.raise_if_error_document(ok, status=200, bucket="b", key="k")
    assert xml.parse_copy_result(ok).etag == "e"
    listed = b"<CopyObjectResult><ETag>e</ETag><Note><Error>x</Error></Note></CopyObjectResult>"
    xml.raise_if_error_document(listed, status=200, bucket="b", key="k")
