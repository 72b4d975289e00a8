"""Invalid arguments to every public method fail with ValueError/TypeError before any request.

The client points at a loopback port nothing listens on, with retries off: any call that got as
far as the network would raise ConnectError instead, and fail the test.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

import aiominio
from aiominio import testing

GiB = 1024**3
BAD_BUCKETS: list[Any] = ["", "ab", "UPPER", "bad_name", "-x-", "a..b", "10.0.0.1", None, 42]
BAD_KEYS: list[Any] = ["", "k" * 1025, "é" * 513, None, b"key", 7]
B, K = "good-bucket", "good/key"

CASES: list[tuple[str, Callable[[aiominio.Client], Any]]] = []


def case(name: str, values: list[Any], call: Callable[[aiominio.Client, Any], Any]) -> None:
    for v in values:
        CASES.append((f"{name}[{v!r:.30}]", lambda c, v=v: call(c, v)))  # type: ignore[misc]


for method in (
    "make_bucket",
    "bucket_exists",
    "remove_bucket",
    "get_bucket_policy_json",
    "delete_bucket_policy",
    "get_bucket_notification",
    "delete_bucket_notification",
):
    case(method, BAD_BUCKETS, lambda c, v, m=method: getattr(c, m)(v))
case("make_bucket.region", ["EU WEST", "", 5], lambda c, v: c.make_bucket(B, v))
for method in ("list_objects", "list_objects_v2", "list_incomplete_uploads"):
    case(method, BAD_BUCKETS, lambda c, v, m=method: getattr(c, m)(v))
    case(f"{method}.prefix", [None, 3, "p" * 1025], lambda c, v, m=method: getattr(c, m)(B, v))
case("list_objects.page_size", [0, 1001, "10", 2.5], lambda c, v: c.list_objects(B, page_size=v))
for method in (
    "get_object",
    "stat_object",
    "remove_object",
    "remove_incomplete_upload",
    "presigned_get_object",
    "presigned_put_object",
):
    case(method, BAD_BUCKETS, lambda c, v, m=method: getattr(c, m)(v, K))
    case(f"{method}.key", BAD_KEYS, lambda c, v, m=method: getattr(c, m)(B, v))
case(
    "get_partial_object.offset",
    [-1, 1.5, "0", None, True],
    lambda c, v: c.get_partial_object(B, K, v),
)
case("get_partial_object.length", [0, -3, 2.0, "9"], lambda c, v: c.get_partial_object(B, K, 0, v))
case("put_object.bucket", BAD_BUCKETS, lambda c, v: c.put_object(v, K, b"x"))
case("put_object.key", BAD_KEYS, lambda c, v: c.put_object(B, v, b"x"))
case("put_object.data", [None, 12, 3.5, ["a"], {"a": 1}], lambda c, v: c.put_object(B, K, v))
case(
    "put_object.size",
    [-1, "3", 2.0, 5 * 1024 * GiB + 1],
    lambda c, v: c.put_object(B, K, b"x" * 3, v),
)
case(
    "put_object.part_size",
    [1024, 5 * 1024 * 1024 - 1, 5 * GiB + 1, "big", 6.0],
    lambda c, v: c.put_object(B, K, b"x", part_size=v),
)
case(
    "put_object.concurrency", [0, -1, 65, "4"], lambda c, v: c.put_object(B, K, b"x", concurrency=v)
)
case(
    "put_object.metadata",
    [{"bad name": "v"}, {"k": "ünï"}, {"k": 1}, {"k": "a\nb"}],
    lambda c, v: c.put_object(B, K, b"x", metadata=v),
)
case(
    "put_object.content_type",
    ["", "tëxt/plain", None],
    lambda c, v: c.put_object(B, K, b"x", content_type=v),
)
case("fput_object.key", BAD_KEYS, lambda c, v: c.fput_object(B, v, "/dev/null"))
case(
    "fput_object.part_size",
    [1, 10 * GiB],
    lambda c, v: c.fput_object(B, K, "/dev/null", part_size=v),
)
case("fget_object.bucket", BAD_BUCKETS, lambda c, v: c.fget_object(v, K, "/tmp/x"))
case("fget_object.key", BAD_KEYS, lambda c, v: c.fget_object(B, v, "/tmp/x"))
case("copy_object.source_bucket", BAD_BUCKETS, lambda c, v: c.copy_object(B, K, v, K))
case("copy_object.source_key", BAD_KEYS, lambda c, v: c.copy_object(B, K, B, v))
case("copy_object.part_size", [1, 6 * GiB], lambda c, v: c.copy_object(B, K, B, K, part_size=v))
case(
    "remove_objects.keys",
    ["single-string", [""], ["k" * 1025], [None]],
    lambda c, v: c.remove_objects(B, v),
)
case(
    "presigned_get_object.expires",
    [0, -1, 604801, timedelta(days=8), timedelta(0), "60", 1.5],
    lambda c, v: c.presigned_get_object(B, K, v),
)
case(
    "presigned_put_object.expires",
    [0, timedelta(days=7, seconds=1)],
    lambda c, v: c.presigned_put_object(B, K, v),
)
case(
    "presigned_get_object.response_headers",
    [{"content-type": "x"}, {"response-content-type": 1}],
    lambda c, v: c.presigned_get_object(B, K, response_headers=v),
)
case("presigned_url.method", ["PATCH", "get"], lambda c, v: c.presigned_url(v, B, K))
case(
    "presigned_post_policy",
    [None, "policy", aiominio.PostPolicy()],
    lambda c, v: c.presigned_post_policy(v),
)
case(
    "set_bucket_policy.policy", ["public", "", None, 3], lambda c, v: c.set_bucket_policy(B, "", v)
)
case("set_bucket_policy_json", ["{not json", "[1,2]"], lambda c, v: c.set_bucket_policy_json(B, v))
case(
    "set_bucket_notification",
    [None, {"Queue": "arn"}],
    lambda c, v: c.set_bucket_notification(B, v),
)

case("get_bucket_policy", BAD_BUCKETS, lambda c, v: c.get_bucket_policy(v, ""))
case("get_bucket_policy.prefix", [None, 5], lambda c, v: c.get_bucket_policy(B, v))


@pytest.fixture
async def offline() -> aiominio.Client:
    port = testing.find_free_port()
    client = aiominio.Client(
        f"http://127.0.0.1:{port}",
        access_key="a",
        secret_key="b",
        retry=aiominio.RetryPolicy(max_attempts=1),
    )
    return client


async def _drive(result: Any) -> None:
    if inspect.isawaitable(result):
        await result
    elif hasattr(result, "__anext__"):
        await result.__anext__()
    elif hasattr(result, "__aenter__"):
        async with result:
            pass


@pytest.mark.parametrize(("name", "call"), CASES, ids=[n for n, _ in CASES])
async def test_rejected_before_the_network(
    offline: aiominio.Client, name: str, call: Callable[[aiominio.Client], Any]
) -> None:
    async with offline:
        with pytest.raises((ValueError, TypeError)) as info:
            await _drive(call(offline))
        assert not isinstance(info.value, aiominio.TransportError)


def test_every_public_method_has_a_case() -> None:
    public = {
        n for n, m in inspect.getmembers(aiominio.Client) if callable(m) and not n.startswith("_")
    }
    no_arguments = {"close", "list_buckets", "new_post_policy", "with_options"}
    covered = {n.split("[")[0].split(".")[0] for n, _ in CASES}
    assert public - no_arguments - covered == set()
