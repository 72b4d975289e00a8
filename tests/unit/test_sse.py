"""The server-side encryption headers, built with no server (no server here has a KMS: these
are SSE-KMS's real test; moto only records the key id), and the SSE-C key kept out of every
repr."""

from __future__ import annotations

import base64
import json
import pickle

import pytest

import aiominio
from aiominio.core import sse
from aiominio.core.endpoint import parse_endpoint

KEY = bytes(range(32))
KEY_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
KEY_MD5_B64 = "tP/LI3N87DFaSk0aoqYgzg=="  # base64 of MD5(KEY)
HTTPS = parse_endpoint("https://s3.example.com")
HTTP = parse_endpoint("http://127.0.0.1:9000")


def test_customer_key_headers() -> None:
    key = aiominio.SseCustomerKey(KEY)
    assert key.headers() == {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": KEY_B64,
        "x-amz-server-side-encryption-customer-key-MD5": KEY_MD5_B64,
    }
    assert key.copy_source_headers() == {
        "x-amz-copy-source-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-copy-source-server-side-encryption-customer-key": KEY_B64,
        "x-amz-copy-source-server-side-encryption-customer-key-MD5": KEY_MD5_B64,
    }
    assert sse.part_headers(key) == key.headers()
    assert sse.write_headers(key) == sse.read_headers(key) == key.headers()
    assert aiominio.SseCustomerKey(bytearray(KEY)) == key
    assert aiominio.SseCustomerKey(memoryview(KEY)).key == KEY


def test_customer_key_is_never_shown() -> None:
    key = aiominio.SseCustomerKey(KEY)
    shown = [repr(key), str(key), f"{key}", repr([key]), repr({"sse": key})]
    for text in shown:
        assert KEY_B64 not in text and KEY_MD5_B64 not in text and repr(KEY) not in text
        assert KEY.hex() not in text
    assert repr(key) == "SseCustomerKey(<hidden>)"
    with pytest.raises(aiominio.InvalidArgument) as info:
        aiominio.SseCustomerKey(KEY[:31])
    assert repr(KEY[:31]) not in str(info.value) and "31" in str(info.value)
    with pytest.raises(AttributeError):
        key.key = b"x" * 32  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(key)) == key
    assert hash(key) == hash(aiominio.SseCustomerKey(KEY))
    assert key != aiominio.SseCustomerKey(bytes(32))


def test_sse_s3_headers() -> None:
    s3 = aiominio.SseS3()
    assert s3.headers() == {"x-amz-server-side-encryption": "AES256"}
    assert sse.write_headers(s3) == s3.headers()
    assert sse.part_headers(s3) == {}  # asked for once, at CreateMultipartUpload
    assert s3 == aiominio.SseS3() and repr(s3) == "SseS3()"


def test_sse_kms_headers() -> None:
    kms = aiominio.SseKms("arn:aws:kms:us-east-1:111122223333:key/abc", {"dept": "é", "a": "b"})
    headers = kms.headers()
    assert headers["x-amz-server-side-encryption"] == "aws:kms"
    assert (
        headers["x-amz-server-side-encryption-aws-kms-key-id"]
        == "arn:aws:kms:us-east-1:111122223333:key/abc"
    )
    context = base64.b64decode(headers["x-amz-server-side-encryption-context"])
    assert json.loads(context.decode("utf-8")) == {"dept": "é", "a": "b"}
    assert aiominio.SseKms("k", {"a": "b"}).headers()["x-amz-server-side-encryption-context"] == (
        base64.b64encode(b'{"a":"b"}').decode()
    )
    assert "x-amz-server-side-encryption-context" not in aiominio.SseKms("k").headers()
    assert sse.part_headers(kms) == {}
    assert kms == aiominio.SseKms(kms.key_id, {"a": "b", "dept": "é"})
    assert hash(kms) == hash(aiominio.SseKms(kms.key_id, {"a": "b", "dept": "é"}))
    assert pickle.loads(pickle.dumps(kms)) == kms
    assert "abc" in repr(kms) and "dept" in repr(kms)
    with pytest.raises(TypeError):
        kms.context["x"] = "y"  # type: ignore[index]


def test_checks() -> None:
    key = aiominio.SseCustomerKey(KEY)
    assert sse.check_sse(None, HTTP) is None
    assert sse.check_sse(key, HTTPS) is key
    assert isinstance(sse.check_sse(aiominio.SseS3(), HTTP), aiominio.SseS3)
    with pytest.raises(aiominio.InvalidArgument, match="plain HTTP"):
        sse.check_sse(key, HTTP)
    with pytest.raises(TypeError, match="sse must be"):
        sse.check_sse("AES256", HTTPS)
    assert sse.check_read_sse(key, HTTPS) is key
    with pytest.raises(aiominio.InvalidArgument, match="needs no key"):
        sse.check_read_sse(aiominio.SseS3(), HTTPS)
    with pytest.raises(aiominio.InvalidArgument, match="source_sse"):
        sse.check_read_sse(aiominio.SseKms("k"), HTTPS, "source_sse")


def test_an_ssec_answer_is_never_verified_by_its_etag() -> None:
    from aiominio.core.checksums import body_check, multipart_etag_count

    md5_etag = {"etag": '"900150983cd24fb0d6963f7d28e17f72"'}
    assert body_check(md5_etag) is not None
    assert body_check(sse.encrypted_view(md5_etag, True)) is None
    crc = {**md5_etag, "x-amz-checksum-crc32": "NSRBwg=="}
    check = body_check(sse.encrypted_view(crc, True))
    assert check is not None and check.algorithm == "crc32"
    multipart = {"etag": '"900150983cd24fb0d6963f7d28e17f72-3"'}
    assert multipart_etag_count(multipart) == 3
    assert multipart_etag_count(sse.encrypted_view(multipart, True)) is None
