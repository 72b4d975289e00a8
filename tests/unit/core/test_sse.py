"""Server-side encryption: exact refusals, the secret header names, equality and immutability,
the headers of each kind of request."""

from __future__ import annotations

import pickle

import pytest

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
