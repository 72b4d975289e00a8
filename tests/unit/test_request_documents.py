"""The XML bodies sent to the server, byte for byte: element names, their order and the S3
namespace are what the server reads, so each builder is held to an exact document written out by
hand (not produced by the code under test). Each builder also round-trips through its parser over
generated inputs."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import xml
from aiominio.core.objectlock import (
    ObjectLockConfig,
    Retention,
    RetentionMode,
    build_legal_hold,
    build_lock_config,
    build_retention,
)
from aiominio.core.select import (
    CSVOutput,
    JSONInput,
    JSONOutput,
    ParquetInput,
    SelectRequest,
    build_select,
)
from aiominio.core.versioning import build_versioning, parse_versioning
from aiominio.errors import InvalidResponseError
from aiominio.models import Versioning
from aiominio.notification import CloudFunctionConfig, NotificationConfig, QueueConfig, TopicConfig

NS = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def test_create_bucket_configuration() -> None:
    assert xml.build_create_bucket("eu-central-1") == (
        b"<CreateBucketConfiguration " + NS + b">"
        b"<LocationConstraint>eu-central-1</LocationConstraint>"
        b"</CreateBucketConfiguration>"
    )


def test_tagging() -> None:
    assert xml.build_tagging({"team": "a&b", "empty": ""}) == (
        b"<Tagging " + NS + b"><TagSet>"
        b"<Tag><Key>team</Key><Value>a&amp;b</Value></Tag>"
        b"<Tag><Key>empty</Key><Value /></Tag>"
        b"</TagSet></Tagging>"
    )
    assert xml.build_tagging({}) == b"<Tagging " + NS + b"><TagSet /></Tagging>"


def test_complete_multipart_upload() -> None:
    assert xml.build_complete_multipart([(1, "aa"), (2, "bb")]) == (
        b"<CompleteMultipartUpload " + NS + b">"
        b'<Part><PartNumber>1</PartNumber><ETag>"aa"</ETag></Part>'
        b'<Part><PartNumber>2</PartNumber><ETag>"bb"</ETag></Part>'
        b"</CompleteMultipartUpload>"
    )


def test_complete_multipart_upload_with_checksums() -> None:
    body = xml.build_complete_multipart([(1, "aa"), (2, "bb")], ["AAAAAA==", None])
    assert body == (
        b"<CompleteMultipartUpload " + NS + b">"
        b'<Part><PartNumber>1</PartNumber><ETag>"aa"</ETag>'
        b"<ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>"
        b'<Part><PartNumber>2</PartNumber><ETag>"bb"</ETag></Part>'
        b"</CompleteMultipartUpload>"
    )


def test_delete_objects() -> None:
    assert xml.build_delete_objects([("a<b", None), ("c", "v1")]) == (
        b"<Delete " + NS + b"><Quiet>true</Quiet>"
        b"<Object><Key>a&lt;b</Key></Object>"
        b"<Object><Key>c</Key><VersionId>v1</VersionId></Object>"
        b"</Delete>"
    )
    assert xml.build_delete_objects([("k", "")], quiet=False) == (
        b"<Delete " + NS + b"><Quiet>false</Quiet><Object><Key>k</Key></Object></Delete>"
    )


@pytest.mark.parametrize(
    ("state", "word"), [(Versioning.ENABLED, b"Enabled"), (Versioning.SUSPENDED, b"Suspended")]
)
def test_versioning(state: Versioning, word: bytes) -> None:
    assert build_versioning(state) == (
        b"<VersioningConfiguration " + NS + b"><Status>" + word + b"</Status>"
        b"</VersioningConfiguration>"
    )
    assert parse_versioning(build_versioning(state)) is state


def test_notification() -> None:
    topic = TopicConfig("arn:aws:sns:us-east-1:1:t", id="one")
    topic.add_event("s3:ObjectCreated:*")
    topic.add_event("s3:ObjectRemoved:*")
    topic.add_filter_prefix("img/")
    topic.add_filter_suffix(".png")
    queue = QueueConfig("arn:minio:sqs::1:webhook")
    queue.add_event("s3:ObjectCreated:Put")
    queue.add_filter_suffix(".txt")
    config = NotificationConfig()
    config.add(queue)  # queues come after topics whatever the order they were added in
    config.add(topic)
    assert config.to_xml() == (
        b"<NotificationConfiguration " + NS + b">"
        b"<TopicConfiguration><Id>one</Id><Topic>arn:aws:sns:us-east-1:1:t</Topic>"
        b"<Event>s3:ObjectCreated:*</Event><Event>s3:ObjectRemoved:*</Event>"
        b"<Filter><S3Key>"
        b"<FilterRule><Name>prefix</Name><Value>img/</Value></FilterRule>"
        b"<FilterRule><Name>suffix</Name><Value>.png</Value></FilterRule>"
        b"</S3Key></Filter></TopicConfiguration>"
        b"<QueueConfiguration><Queue>arn:minio:sqs::1:webhook</Queue>"
        b"<Event>s3:ObjectCreated:Put</Event>"
        b"<Filter><S3Key><FilterRule><Name>suffix</Name><Value>.txt</Value></FilterRule>"
        b"</S3Key></Filter></QueueConfiguration>"
        b"</NotificationConfiguration>"
    )
    assert NotificationConfig.from_xml(config.to_xml()) == config
    assert NotificationConfig().to_xml() == (b"<NotificationConfiguration " + NS + b" />")


def test_object_lock_documents() -> None:
    assert build_lock_config(ObjectLockConfig()) == (
        b"<ObjectLockConfiguration " + NS + b"><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
        b"</ObjectLockConfiguration>"
    )
    assert build_lock_config(ObjectLockConfig(RetentionMode.GOVERNANCE, days=30)) == (
        b"<ObjectLockConfiguration " + NS + b"><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
        b"<Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>30</Days></DefaultRetention>"
        b"</Rule></ObjectLockConfiguration>"
    )
    assert build_lock_config(ObjectLockConfig(RetentionMode.COMPLIANCE, years=7)) == (
        b"<ObjectLockConfiguration " + NS + b"><ObjectLockEnabled>Enabled</ObjectLockEnabled>"
        b"<Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Years>7</Years></DefaultRetention>"
        b"</Rule></ObjectLockConfiguration>"
    )
    until = datetime(2030, 2, 3, 5, 5, 6, 789999, tzinfo=timezone(timedelta(hours=1)))
    assert build_retention(Retention(RetentionMode.COMPLIANCE, until)) == (
        b"<Retention " + NS + b"><Mode>COMPLIANCE</Mode>"
        b"<RetainUntilDate>2030-02-03T04:05:06.789Z</RetainUntilDate></Retention>"
    )
    assert build_legal_hold(True) == b"<LegalHold " + NS + b"><Status>ON</Status></LegalHold>"
    assert build_legal_hold(False) == b"<LegalHold " + NS + b"><Status>OFF</Status></LegalHold>"


def test_select_requests() -> None:
    request = SelectRequest("SELECT s.a FROM S3Object s", JSONInput("LINES"), JSONOutput())
    assert build_select(request) == (
        b"<SelectObjectContentRequest " + NS + b">"
        b"<Expression>SELECT s.a FROM S3Object s</Expression><ExpressionType>SQL</ExpressionType>"
        b"<InputSerialization><CompressionType>NONE</CompressionType>"
        b"<JSON><Type>LINES</Type></JSON></InputSerialization>"
        b"<OutputSerialization><JSON /></OutputSerialization>"
        b"</SelectObjectContentRequest>"
    )
    request = SelectRequest(
        "SELECT 1", ParquetInput(), CSVOutput(record_delimiter="\r\n"), request_progress=True
    )
    assert build_select(request) == (
        b"<SelectObjectContentRequest " + NS + b">"
        b"<Expression>SELECT 1</Expression><ExpressionType>SQL</ExpressionType>"
        b"<InputSerialization><Parquet /></InputSerialization>"
        b"<OutputSerialization><CSV><RecordDelimiter>&#13;\n</RecordDelimiter></CSV>"
        b"</OutputSerialization>"
        b"<RequestProgress><Enabled>true</Enabled></RequestProgress>"
        b"</SelectObjectContentRequest>"
    )


def test_a_doctype_without_entities_is_refused() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE Tagging><Tagging><TagSet/></Tagging>'
    with pytest.raises(InvalidResponseError, match="refused unsafe XML"):
        xml.parse(body, status=200)
    with pytest.raises(InvalidResponseError) as info:
        xml.parse(b"<!DOCTYPE x>\n<x/>", status=503)
    assert info.value.status == 503


def test_a_foreign_namespace_is_stripped_from_tags() -> None:
    root = xml.parse(b'<a:Tagging xmlns:a="urn:x"><a:TagSet/></a:Tagging>')
    assert root.tag == "Tagging" and [el.tag for el in root] == ["TagSet"]
    # and the S3 namespace on a document that has other markup
    root = xml.parse(b"\n  <Tagging " + NS + b"><TagSet/></Tagging>")
    assert root.tag == "Tagging" and root[0].tag == "TagSet"


# Text XML 1.0 can carry (no control characters, no lone surrogates); \r is normalised by parsers.
XML_TEXT = st.text(
    st.characters(
        blacklist_categories=("Cs", "Cc"),
        blacklist_characters="\r",
    )
)


@given(st.dictionaries(XML_TEXT.filter(bool), XML_TEXT, max_size=10))
def test_tagging_round_trip(tags: dict[str, str]) -> None:
    assert xml.parse_tagging(xml.build_tagging(tags)) == tags


@given(
    st.lists(st.tuples(XML_TEXT.filter(bool), st.one_of(st.none(), XML_TEXT)), max_size=10),
    st.booleans(),
)
def test_delete_objects_is_well_formed(keys: list[tuple[str, str | None]], quiet: bool) -> None:
    root = ET.fromstring(xml.build_delete_objects(keys, quiet=quiet))
    assert root.tag == "{http://s3.amazonaws.com/doc/2006-03-01/}Delete"
    back = xml.parse(xml.build_delete_objects(keys, quiet=quiet))
    assert xml.text(back, "Quiet") == ("true" if quiet else "false")
    assert [
        (xml.text(o, "Key"), xml.text(o, "VersionId") or None) for o in back.iter("Object")
    ] == [(k, v or None) for k, v in keys]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 10_000),
            st.text("0123456789abcdef", min_size=1, max_size=32),
            st.one_of(st.none(), st.text("ABCDEFabcdef0123456789+/=", min_size=1, max_size=12)),
        ),
        max_size=20,
    )
)
def test_complete_multipart_round_trip(parts: list[tuple[int, str, str | None]]) -> None:
    body = xml.build_complete_multipart([(n, e) for n, e, _ in parts], [c for _, _, c in parts])
    root = xml.parse(body)
    assert root.tag == "CompleteMultipartUpload"
    assert [
        (int(xml.text(p, "PartNumber")), xml.text(p, "ETag"), xml.text(p, "ChecksumCRC32") or None)
        for p in root.iterfind("Part")
    ] == [(n, f'"{e}"', c) for n, e, c in parts]


_TEXT = XML_TEXT.filter(lambda s: bool(s.strip()) and s == s.strip())
_TARGET = st.tuples(
    st.sampled_from([TopicConfig, QueueConfig, CloudFunctionConfig]),
    _TEXT.map(lambda s: "arn:" + s),
    st.one_of(st.none(), _TEXT),
    st.lists(_TEXT.map(lambda s: "s3:" + s), min_size=1, max_size=3, unique=True),
    st.one_of(st.none(), _TEXT),
    st.one_of(st.none(), _TEXT),
)


@given(st.lists(_TARGET, max_size=5))
def test_notification_round_trip(targets: list[tuple[object, ...]]) -> None:
    config = NotificationConfig()
    for kind, arn, id_, events, prefix, suffix in targets:
        target = kind(arn, id=id_)  # type: ignore[operator]
        for event in events:  # type: ignore[attr-defined]
            target.add_event(event)
        if prefix is not None:
            target.add_filter_prefix(prefix)
        if suffix is not None:
            target.add_filter_suffix(suffix)
        config.add(target)
    assert NotificationConfig.from_xml(config.to_xml()) == config


def test_delete_objects_keeps_a_cr_a_cr() -> None:
    body = xml.build_delete_objects([("a\rb", None), ("c\r\nd", "v1"), ("e\tf\ng", None)])
    assert b"\r" not in body
    assert b"<Key>a&#13;b</Key>" in body and b"<Key>c&#13;\nd</Key>" in body
    assert b"<Key>e\tf\ng</Key>" in body
    # What a server's parser reads back is the keys as given.
    parsed = ET.fromstring(body)
    ns = {"s3": xml.S3_NS}
    assert [k.text for k in parsed.iterfind("s3:Object/s3:Key", ns)] == [
        "a\rb",
        "c\r\nd",
        "e\tf\ng",
    ]


@pytest.mark.parametrize("key", ["a\x00b", "a\x1bb", "a\x0bb", "a\ufffeb"])
def test_delete_objects_refuses_keys_xml_cannot_carry(key: str) -> None:
    assert not xml.xml_carries(key)
    with pytest.raises(ValueError, match="XML cannot carry"):
        xml.build_delete_objects([(key, None)])


@pytest.mark.parametrize(
    "entry",
    [
        b"<Contents><Key>k</Key></Contents>",
        b"<Contents ><Key>k</Key></Contents>",
        b'<s3:Contents xmlns:s3="x"><s3:Key>k</s3:Key></s3:Contents>',
    ],
)
def test_a_page_over_max_keys_is_refused_however_its_entries_are_spelled(entry: bytes) -> None:
    page = (
        b"<ListBucketResult><IsTruncated>false</IsTruncated>" + entry * 3 + b"</ListBucketResult>"
    )
    with pytest.raises(InvalidResponseError, match="3 entries when at most 2"):
        xml.parse_list_objects(page, most=2)
    assert (
        len(
            xml.parse_list_objects(
                b"<ListBucketResult>" + entry * 2 + b"</ListBucketResult>", most=2
            ).entries
        )
        <= 2
    )
