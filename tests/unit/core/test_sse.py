"""Server-side encryption: exact refusals, the secret header names, equality and immutability,
the headers of each kind of request."""

from __future__ import annotations

import base64
import json
import pickle

import pytest

import aiominio
from aiominio.core import sse
from aiominio.core.endpoint import parse_endpoint
from aiominio.core.sse import SseCustomerKey, SseKms, SseS3
from aiominio.errors import InvalidArgument

HTTPS = parse_endpoint("https://s3.example.com")
HTTP = parse_endpoint("http://127.0.0.1:9000")
ONES = b"\xff" * 32
ONES_B64 = "//////////////////////////////////////////8="
ONES_MD5_B64 = "DX3EJmSXEA5IMfWzG2snTw=="  # base64 of MD5 of 32 bytes 0xff


def test_the_secret_header_names() -> None:
    assert {
        "x-amz-server-side-encryption-customer-algorithm",
        "x-amz-server-side-encryption-customer-key",
        "x-amz-server-side-encryption-customer-key-md5",
        "x-amz-copy-source-server-side-encryption-customer-algorithm",
        "x-amz-copy-source-server-side-encryption-customer-key",
        "x-amz-copy-source-server-side-encryption-customer-key-md5",
    } == sse.CUSTOMER_KEY_HEADERS
    # Every header a key sends is among them, once lower-cased as answers and logs have them.
    key = SseCustomerKey(ONES)
    sent = {**key.headers(), **key.copy_source_headers()}
    assert {name.lower() for name in sent} == sse.CUSTOMER_KEY_HEADERS


def test_key_size_on_both_sides() -> None:
    assert sse.KEY_SIZE == 32
    assert SseCustomerKey(ONES).key == ONES
    for size in (31, 33, 0):
        with pytest.raises(
            InvalidArgument, match=rf"^an SSE-C key must be exactly 32 bytes, got {size}$"
        ):
            SseCustomerKey(b"k" * size)
    with pytest.raises(TypeError, match=r"^an SSE-C key must be 32 bytes, not str$"):
        SseCustomerKey("k" * 32)  # type: ignore[arg-type]


def test_the_key_headers_of_another_key() -> None:
    key = SseCustomerKey(ONES)
    assert sse.read_headers(key) == {
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-server-side-encryption-customer-key": ONES_B64,
        "x-amz-server-side-encryption-customer-key-MD5": ONES_MD5_B64,
    }
    assert sse.copy_source_headers(key) == {
        "x-amz-copy-source-server-side-encryption-customer-algorithm": "AES256",
        "x-amz-copy-source-server-side-encryption-customer-key": ONES_B64,
        "x-amz-copy-source-server-side-encryption-customer-key-MD5": ONES_MD5_B64,
    }


def test_no_sse_no_headers() -> None:
    assert sse.write_headers(None) == {}
    assert sse.part_headers(None) == {}
    assert sse.read_headers(None) == {}
    assert sse.copy_source_headers(None) == {}


def test_keys_are_immutable() -> None:
    key = SseCustomerKey(ONES)
    with pytest.raises(AttributeError, match=r"^SseCustomerKey is immutable$"):
        key._key = b"x" * 32  # type: ignore[misc]
    with pytest.raises(AttributeError, match=r"^SseCustomerKey is immutable$"):
        del key._key
    kms = SseKms("k")
    with pytest.raises(AttributeError, match=r"^SseKms is immutable$"):
        kms._key_id = "other"  # type: ignore[misc]
    with pytest.raises(AttributeError, match=r"^SseKms is immutable$"):
        del kms._key_id
    assert key.key == ONES and kms.key_id == "k"


def test_equality_with_other_types() -> None:
    key = SseCustomerKey(ONES)
    assert key.__eq__(ONES) is NotImplemented
    assert key != ONES
    assert SseKms("k").__eq__("k") is NotImplemented
    assert SseS3() != "AES256"
    assert SseS3() == SseS3()
    assert hash(SseS3()) == hash(SseS3())
    assert len({SseS3(), SseS3()}) == 1


def test_kms_equality_and_hash_follow_key_and_context() -> None:
    assert SseKms("k") == SseKms("k")
    assert SseKms("k") != SseKms("j")
    assert SseKms("k") != SseKms("k", {})
    assert SseKms("k", {"a": "1"}) != SseKms("k", {"a": "2"})
    assert hash(SseKms("k")) == hash(SseKms("k"))
    assert len({SseKms("k"), SseKms("k", {}), SseKms("k", {"a": "1"})}) == 3
    assert hash(SseKms("k", {"a": "1", "b": "2"})) == hash(SseKms("k", {"b": "2", "a": "1"}))


def test_kms_repr_and_pickle() -> None:
    assert repr(SseKms("k")) == "SseKms(key_id='k', context=None)"
    assert repr(SseKms("k", {"a": "b"})) == "SseKms(key_id='k', context={'a': 'b'})"
    for kms in (SseKms("k"), SseKms("k", {"a": "b"})):
        copy = pickle.loads(pickle.dumps(kms))
        assert copy == kms
        assert copy.context == kms.context
    assert SseKms("k").context is None


def test_kms_context_is_a_frozen_copy() -> None:
    given = {"a": "b"}
    kms = SseKms("k", given)
    given["a"] = "changed"
    assert dict(kms.context or {}) == {"a": "b"}


def test_kms_headers_exact() -> None:
    assert SseKms("key-1").headers() == {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": "key-1",
    }
    # {"a":"é","b":"1"} as UTF-8 JSON without spaces, base64-encoded.
    assert SseKms("key-1", {"a": "é", "b": "1"}).headers() == {
        "x-amz-server-side-encryption": "aws:kms",
        "x-amz-server-side-encryption-aws-kms-key-id": "key-1",
        "x-amz-server-side-encryption-context": "eyJhIjoiw6kiLCJiIjoiMSJ9",
    }
    assert SseKms("k", {}).headers()["x-amz-server-side-encryption-context"] == "e30="


def test_kms_refusals() -> None:
    with pytest.raises(TypeError, match=r"^key_id must be a str, not int$"):
        SseKms(5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"^key_id must not be empty$"):
        SseKms("")
    with pytest.raises(TypeError, match=r"^context must be a mapping, not list$"):
        SseKms("k", [("a", "b")])  # type: ignore[arg-type]
    for context in ({"a": 1}, {1: "a"}):
        with pytest.raises(TypeError, match=r"^context keys and values must be str$"):
            SseKms("k", context)  # type: ignore[arg-type]


def test_check_sse_exact_refusals() -> None:
    key = SseCustomerKey(ONES)
    with pytest.raises(
        TypeError, match=r"^sse must be an SseCustomerKey, SseS3 or SseKms, not str$"
    ):
        sse.check_sse("AES256", HTTPS)
    with pytest.raises(
        TypeError, match=r"^source_sse must be an SseCustomerKey, SseS3 or SseKms, not bytes$"
    ):
        sse.check_read_sse(ONES, HTTPS, "source_sse")
    with pytest.raises(InvalidArgument) as exc:
        sse.check_sse(key, HTTP, "dest_sse")
    assert str(exc.value) == (
        "dest_sse: an SSE-C key is sent with the request, and this client's endpoint is "
        "plain HTTP (the key would travel in clear); use an https:// endpoint"
    )
    with pytest.raises(InvalidArgument, match=r"^sse: an SSE-C key is sent"):
        sse.check_read_sse(key, HTTP)
    kms = SseKms("k")
    assert sse.check_sse(kms, HTTP) is kms


def test_check_read_sse_exact_refusal() -> None:
    assert sse.check_read_sse(None, HTTP) is None
    with pytest.raises(InvalidArgument) as exc:
        sse.check_read_sse(SseS3(), HTTPS)
    assert str(exc.value) == (
        "sse: reading an object encrypted with SseS3 needs no key (the server decrypts it); "
        "only an SseCustomerKey is given to read"
    )
    with pytest.raises(InvalidArgument, match=r"^sse: reading an object encrypted with SseKms "):
        sse.check_read_sse(SseKms("k"), HTTPS)


def test_encrypted_view() -> None:
    headers = {"etag": '"x"'}
    assert sse.encrypted_view(headers, False) is headers
    view = sse.encrypted_view(headers, True)
    assert view == {
        "etag": '"x"',
        "x-amz-server-side-encryption-customer-algorithm": "AES256",
    }
    assert headers == {"etag": '"x"'}


@pytest.mark.parametrize("char", ["\r", "\n", "\0", "\r\n", "é", "\u2028"])
def test_kms_key_id_must_be_sendable_in_its_header(char: str) -> None:
    for key_id in (f"arn:key{char}", f"arn{char}x-injected: 1"):
        with pytest.raises(InvalidArgument) as exc:
            SseKms(key_id)
        position = key_id.index(char[0])
        assert str(exc.value) == (
            "key_id may hold only visible ASCII, spaces and tabs: "
            f"{char[0]!a} at position {position}"
        )


def test_kms_context_any_text_but_a_lone_surrogate() -> None:
    # Sent as base64 of UTF-8 JSON: line breaks and non-ASCII travel safely.
    kms = SseKms("k", {"é": "a\nb\r\0ü"})
    assert kms.headers()["x-amz-server-side-encryption-context"]
    with pytest.raises(InvalidArgument) as exc:
        SseKms("k", {"a": "x\ud800"})
    assert str(exc.value) == (
        "context value for 'a' may hold only text that UTF-8 can encode: '\\ud800' at position 1"
    )
    with pytest.raises(InvalidArgument, match=r"^context may hold only text that UTF-8 can "):
        SseKms("k", {"\udfff": "v"})


KEY = bytes(range(32))


KEY_B64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="


KEY_MD5_B64 = "tP/LI3N87DFaSk0aoqYgzg=="  # base64 of MD5(KEY)


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
