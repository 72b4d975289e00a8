"""Tags and standard headers in the core: the Tagging document, the x-amz-tagging header, the
HTTP date of Expires, and the stat read back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import parse_qsl

import pytest
from hypothesis import given
from hypothesis import strategies as st

import aiominio
from aiominio.core import headers, tagging, xml

# AWS's example answer of GetObjectTagging (S3 API reference, "GetObjectTagging", Example).
AWS_GET_OBJECT_TAGGING = b"""<?xml version="1.0" encoding="UTF-8"?>
<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <TagSet>
     <Tag>
       <Key>tag1</Key>
       <Value>val1</Value>
     </Tag>
  </TagSet>
</Tagging>"""

tag_text = st.text(
    st.characters(blacklist_categories=("Cs", "Cc", "Cn")),
    min_size=1,
    max_size=tagging.MAX_TAG_KEY_CHARS,
)
tag_sets = st.dictionaries(
    tag_text,
    st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=256),
    max_size=10,
)


def test_aws_example_answer() -> None:
    assert xml.parse_tagging(AWS_GET_OBJECT_TAGGING) == {"tag1": "val1"}


def test_empty_tag_set() -> None:
    assert xml.parse_tagging(b"<Tagging><TagSet/></Tagging>") == {}
    assert xml.parse_tagging(b"<Tagging/>") == {}
    assert xml.parse_tagging(b"<Tagging><TagSet><Tag><Key>k</Key></Tag></TagSet></Tagging>") == {
        "k": ""
    }


@pytest.mark.parametrize(
    "body",
    [
        b"<Other/>",
        b"<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>",
        b"<Tagging><TagSet><Tag><Key>k</Key></Tag><Tag><Key>k</Key></Tag></TagSet></Tagging>",
        b"not xml",
    ],
)
def test_malformed_answers(body: bytes) -> None:
    with pytest.raises(aiominio.InvalidResponseError):
        xml.parse_tagging(body)


@given(tag_sets)
def test_document_round_trip(tags: dict[str, str]) -> None:
    assert xml.parse_tagging(xml.build_tagging(tagging.check_tags(tags))) == tags


@given(tag_sets)
def test_header_round_trip(tags: dict[str, str]) -> None:
    value = tagging.tagging_header(tags).get("x-amz-tagging", "")
    assert value.isascii() and "+" not in value and " " not in value
    assert dict(parse_qsl(value, keep_blank_values=True)) == tags


def test_header_encoding() -> None:
    assert tagging.tagging_header({"a b": "c&d=e", "k": ""}) == {
        "x-amz-tagging": "a%20b=c%26d%3De&k="
    }
    assert tagging.tagging_header({}) == {}


def test_limits_are_inclusive() -> None:
    tags = {f"{i:0128d}": "v" * 256 for i in range(10)}
    assert tagging.check_tags(tags) == tags
    fifty = {f"k{i}": "" for i in range(50)}
    assert tagging.check_tags(fifty, limit=tagging.MAX_BUCKET_TAGS) == fifty


@given(st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.just(timezone.utc)))
def test_http_date_as_email_utils(when: datetime) -> None:
    when = when.replace(microsecond=0)
    assert headers.format_http_date(when) == format_datetime(when, usegmt=True)
    assert headers.parse_http_date(headers.format_http_date(when)) == when


def test_http_date_of_another_zone() -> None:
    when = datetime(2030, 1, 1, 2, 0, tzinfo=timezone(timedelta(hours=2)))
    assert headers.format_http_date(when) == "Tue, 01 Jan 2030 00:00:00 GMT"


def test_standard_headers() -> None:
    when = datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert headers.standard_headers(
        cache_control="max-age=60",
        content_disposition='attachment; filename="a.txt"',
        content_encoding="gzip",
        content_language="en",
        expires=when,
        storage_class="REDUCED_REDUNDANCY",
    ) == {
        "Cache-Control": "max-age=60",
        "Content-Disposition": 'attachment; filename="a.txt"',
        "Content-Encoding": "gzip",
        "Content-Language": "en",
        "Expires": "Tue, 01 Jan 2030 00:00:00 GMT",
        "x-amz-storage-class": "REDUCED_REDUNDANCY",
    }
    assert headers.standard_headers() == {}


def test_metadata_with_the_prefix_is_user_metadata() -> None:
    # Spelled with its prefix, the name is plainly user metadata: not refused.
    assert headers.metadata_headers({"x-amz-meta-cache-control": "v"}) == {
        "x-amz-meta-cache-control": "v"
    }


def test_stat_reads_the_standard_headers() -> None:
    stat = headers.stat_from_headers(
        {
            "content-length": "3",
            "cache-control": "no-cache",
            "content-disposition": "inline",
            "content-encoding": "gzip",
            "content-language": "de",
            "expires": "Tue, 01 Jan 2030 00:00:00 GMT",
            "x-amz-storage-class": "STANDARD_IA",
        }
    )
    assert (stat.cache_control, stat.content_disposition, stat.content_encoding) == (
        "no-cache",
        "inline",
        "gzip",
    )
    assert stat.content_language == "de"
    assert stat.expires == datetime(2030, 1, 1, tzinfo=timezone.utc)
    assert stat.storage_class == "STANDARD_IA"
    bare = headers.stat_from_headers({"content-length": "0", "expires": "0"})
    assert bare.expires is None and bare.cache_control is None and bare.storage_class is None
    assert bare.headers == {"content-length": "0", "expires": "0"}
