"""The S3 operation a request is, from its method, query and what it addresses."""

from __future__ import annotations

import pytest

from aiominio.core.operation import operation_name

COPY = {"x-amz-copy-source": "/src/key"}


@pytest.mark.parametrize(
    ("method", "bucket", "key", "query", "headers", "name"),
    [
        ("GET", None, None, (), None, "ListBuckets"),
        ("GET", "b", None, (("list-type", "2"), ("prefix", "a/")), None, "ListObjectsV2"),
        ("GET", "b", None, (("prefix", "a/"), ("marker", "m")), None, "ListObjects"),
        ("GET", "b", None, (), None, "ListObjects"),
        ("GET", "b", None, (("location", ""),), None, "GetBucketLocation"),
        ("GET", "b", None, (("versions", ""), ("prefix", "")), None, "ListObjectVersions"),
        ("GET", "b", None, (("uploads", ""),), None, "ListMultipartUploads"),
        ("GET", "b", None, (("events", "s3:ObjectCreated:*"),), None, "ListenBucketNotification"),
        ("PUT", "b", None, (), None, "CreateBucket"),
        ("PUT", "b", None, (("versioning", ""),), None, "PutBucketVersioning"),
        ("PUT", "b", None, (("object-lock", ""),), None, "PutObjectLockConfiguration"),
        ("DELETE", "b", None, (), None, "DeleteBucket"),
        ("DELETE", "b", None, (("policy", ""),), None, "DeleteBucketPolicy"),
        ("HEAD", "b", None, (), None, "HeadBucket"),
        ("POST", "b", None, (("delete", ""),), None, "DeleteObjects"),
        ("GET", "b", "k", (), None, "GetObject"),
        ("GET", "b", "k", (("versionId", "v"), ("response-content-type", "t")), None, "GetObject"),
        ("GET", "b", "k", (("uploadId", "u"), ("part-number-marker", "1")), None, "ListParts"),
        ("GET", "b", "k", (("tagging", ""),), None, "GetObjectTagging"),
        ("GET", "b", "k", (("attributes", ""),), None, "GetObjectAttributes"),
        ("HEAD", "b", "k", (("versionId", "v"),), None, "HeadObject"),
        ("PUT", "b", "k", (), None, "PutObject"),
        ("PUT", "b", "k", (), COPY, "CopyObject"),
        ("PUT", "b", "k", (("partNumber", "3"), ("uploadId", "u")), None, "UploadPart"),
        ("PUT", "b", "k", (("partNumber", "3"), ("uploadId", "u")), COPY, "UploadPartCopy"),
        ("PUT", "b", "k", (("retention", ""),), None, "PutObjectRetention"),
        ("PUT", "b", "k", (("tagging", ""),), COPY, "PutObjectTagging"),
        ("POST", "b", "k", (("uploads", ""),), None, "CreateMultipartUpload"),
        ("POST", "b", "k", (("uploadId", "u"),), None, "CompleteMultipartUpload"),
        ("POST", "b", "k", (("select", ""), ("select-type", "2")), None, "SelectObjectContent"),
        ("POST", "b", "k", (("restore", ""),), None, "RestoreObject"),
        ("DELETE", "b", "k", (), None, "DeleteObject"),
        ("DELETE", "b", "k", (("uploadId", "u"),), None, "AbortMultipartUpload"),
        ("DELETE", "b", "k", (("tagging", ""),), None, "DeleteObjectTagging"),
    ],
)
def test_requests_are_named_as_the_aws_sdks_name_them(
    method: str,
    bucket: str | None,
    key: str | None,
    query: tuple[tuple[str, str], ...],
    headers: dict[str, str] | None,
    name: str,
) -> None:
    assert operation_name(method, bucket, key, query, headers) == name


@pytest.mark.parametrize(
    ("method", "bucket", "key", "query"),
    [
        ("POST", "b", None, ()),  # a browser's form upload is not sent by a client
        ("POST", "b", "k", ()),
        ("PATCH", "b", "k", ()),
        ("PUT", None, None, ()),
        ("DELETE", None, None, ()),
        ("OPTIONS", "b", None, (("cors", ""),)),
    ],
)
def test_a_request_no_table_knows_has_no_name(
    method: str, bucket: str | None, key: str | None, query: tuple[tuple[str, str], ...]
) -> None:
    assert operation_name(method, bucket, key, query) is None
