"""Tags and standard headers in the core: the Tagging document, the x-amz-tagging header, the
HTTP date of Expires, and the stat read back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import parse_qsl, urlsplit

import botocore.auth
import botocore.session
import pytest
from botocore.config import Config
from hypothesis import given
from hypothesis import strategies as st

import aiominio
from aiominio import presign
from aiominio.core import headers, tagging, xml
from aiominio.credentials import Credentials

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


def test_presigned_put_headers_match_botocore(monkeypatch: pytest.MonkeyPatch) -> None:
    """The standard headers are signed as headers, byte for byte as botocore signs them."""
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    creds = Credentials("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    signed = headers.standard_headers(
        cache_control="max-age=60",
        content_disposition='attachment; filename="a.txt"',
        content_encoding="gzip",
        content_language="en",
        expires=datetime(2030, 1, 1, tzinfo=timezone.utc),
        storage_class="STANDARD_IA",
    )
    ours = presign.presign_url(
        "PUT",
        "http://127.0.0.1:9000",
        "bucket",
        "dir/a b.txt",
        credentials=creds,
        region="us-east-1",
        expires=300,
        now=now,
        headers=signed,
        style="path",
    )
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: now)
    client = botocore.session.get_session().create_client(
        "s3",
        region_name="us-east-1",
        endpoint_url="http://127.0.0.1:9000",
        aws_access_key_id=creds.access_key,
        aws_secret_access_key=creds.secret_key,
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}),
    )
    theirs = client.generate_presigned_url(
        "put_object",
        Params={
            "Bucket": "bucket",
            "Key": "dir/a b.txt",
            "CacheControl": "max-age=60",
            "ContentDisposition": 'attachment; filename="a.txt"',
            "ContentEncoding": "gzip",
            "ContentLanguage": "en",
            "Expires": datetime(2030, 1, 1, tzinfo=timezone.utc),
            "StorageClass": "STANDARD_IA",
        },
        ExpiresIn=300,
    )
    client.close()
    assert dict(parse_qsl(urlsplit(ours).query)) == dict(parse_qsl(urlsplit(theirs).query))
    assert "expires" in dict(parse_qsl(urlsplit(ours).query))["X-Amz-SignedHeaders"]
