"""Invalid arguments to the constructor and every public method are refused before any request.

One table: each case names the call, the values it must refuse and what it must raise for them:
``aiominio.InvalidArgument`` (a ``ValueError``) for a bad value, ``TypeError`` for a wrong type,
with a message naming the argument. The client logs every request it sends (the ``traced``
fixture) and points at a loopback port nothing listens on, with retries off: the log must stay
empty. A method that hands back an iterator or a context manager must refuse its arguments when
called, not later when it is used.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import aiominio
from aiominio import testing
from aiominio.credentials import StaticProvider
from tests.conftest import Traced

GiB = 1024**3
B, K = "good-bucket", "good/key"
BAD_BUCKETS = [
    "",
    "ab",
    "x",
    "a" * 64,
    "UPPER",
    "Bad_Bucket",
    "bad_name",
    "-x-",
    "-lead",
    "trail-",
    "a..b",
    "10.0.0.1",
    "192.168.1.1",
    "bucket\n",
]
BUCKET_TYPES: list[Any] = [None, 42]
BAD_KEYS = ["", "k" * 1025, "é" * 513]
KEY_TYPES: list[Any] = [None, b"key", 7]
ANONYMOUS = {"credentials": StaticProvider(None)}


@dataclass(frozen=True)
class Case:
    name: str
    call: Callable[[aiominio.Client], Any]
    expected: type[Exception]
    match: str
    client: dict[str, Any] = field(default_factory=dict)


CASES: list[Any] = []


def case(
    name: str,
    call: Callable[[aiominio.Client, Any], Any],
    match: str | Callable[[Any], str],
    *,
    invalid: Sequence[Any] = (),
    wrong_type: Sequence[Any] = (),
    client: dict[str, Any] | None = None,
    marks: Any = (),
) -> None:
    """Refuse each of ``invalid`` with InvalidArgument, each of ``wrong_type`` with TypeError;
    the message must match ``match`` (or ``match(value)``)."""
    for expected, values in ((aiominio.InvalidArgument, invalid), (TypeError, wrong_type)):
        for v in values:
            pattern = match(v) if callable(match) else match
            CASES.append(
                pytest.param(
                    Case(name, lambda c, v=v: call(c, v), expected, pattern, client or {}),
                    id=f"{name}[{v!r:.30}]",
                    marks=marks,
                )
            )


#: What a value sent in a header as it is must not hold: CR, LF, NUL (inside or trailing, as a
#: line read from a file has it) and anything past ASCII (which would go out as raw UTF-8).
HEADER_BREAKERS = ["a\rb", "a\nb", "a\0b", "ab\n", "ab\r\n", "aé", "a\u2028"]


# -- the constructor ---------------------------------------------------------------------------
case(
    "Client",
    lambda c, v: aiominio.Client("localhost", **v),
    lambda v: next(iter(v)),  # the message names the argument
    invalid=[
        {"access_key": "a"},
        {"secret_key": "s"},
        {"session_token": "t"},
        {"region": "Not A Region"},
        {"max_connections": 0},
        {"addressing_style": "sideways"},
        {"integrity": "sha512"},
        {"integrity": "CRC32"},
        *({"app_info": bad} for bad in [("a b", "1"), ("app", ""), ("a/b", "1"), ("app", "1\n")]),
        {"app_info": ("app", "1.0\r\nX-Injected: yes")},
    ],
    wrong_type=[
        {"max_connections": "8"},
        {"retry": 3},
        {"credentials": "x"},
        {"app_info": "app/1.0"},
        {"app_info": ("app", 1)},
        {"app_info": ("app", "1", "extra")},
    ],
)
case(
    "Client.credentials",
    lambda c, v: aiominio.Client("localhost", **v),
    lambda v: next(iter(v)),  # the message names the field (and never shows the value)
    invalid=[
        {field: bad, **{k: x for k, x in (("access_key", "a"), ("secret_key", "b")) if k != field}}
        for field in ("access_key", "secret_key", "session_token")
        for bad in HEADER_BREAKERS
    ],
)
case(
    "Client",
    lambda c, v: aiominio.Client(v["endpoint"], **{k: x for k, x in v.items() if k != "endpoint"}),
    lambda v: "port" if "port" in v else "endpoint",
    invalid=[
        {"endpoint": "localhost", "port": 70000},
        {"endpoint": "ftp://example.com"},
        {"endpoint": ""},
    ],
)

# -- buckets -----------------------------------------------------------------------------------
for method in (
    "make_bucket",
    "bucket_exists",
    "remove_bucket",
    "get_bucket_policy_json",
    "delete_bucket_policy",
    "get_bucket_notification",
    "delete_bucket_notification",
):
    case(
        method,
        lambda c, v, m=method: getattr(c, m)(v),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
case(
    "make_bucket.region",
    lambda c, v: c.make_bucket(B, v),
    "region",
    invalid=["EU WEST", ""],
    wrong_type=[5],
)

# -- listings ----------------------------------------------------------------------------------
for method in ("list_objects", "list_objects_v2", "list_incomplete_uploads"):
    case(
        method,
        lambda c, v, m=method: getattr(c, m)(v),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
    case(
        f"{method}.prefix",
        lambda c, v, m=method: getattr(c, m)(B, v),
        "prefix",
        invalid=["p" * 1025, "p/\ud800"],
        wrong_type=[None, 3],
    )
for method, start in (("list_objects", "marker"), ("list_objects_v2", "start_after")):
    case(
        f"{method}.{start}",
        lambda c, v, m=method, s=start: getattr(c, m)(B, **{s: v}),
        start,
        invalid=["k" * 1025, "k\udc80"],
        wrong_type=[3, b"k"],
    )
for method in ("list_objects", "list_objects_v2"):
    case(
        f"{method}.page_size",
        lambda c, v, m=method: getattr(c, m)(B, page_size=v),
        "page_size",
        invalid=[0, 1001],
        wrong_type=["10", 2.5],
    )
for flag in ("fetch_owner", "include_user_meta"):
    case(
        f"list_objects_v2.{flag}",
        lambda c, v, f=flag: c.list_objects_v2(B, **{f: v}),
        flag,
        wrong_type=[1, "true", None],
    )
case(
    "list_buckets.prefix",
    lambda c, v: c.list_buckets(prefix=v),
    "prefix",
    invalid=["p" * 1025, "p\udc80"],
    wrong_type=[3, b"p"],
)
case(
    "list_buckets.max_buckets",
    lambda c, v: c.list_buckets(max_buckets=v),
    "max_buckets",
    invalid=[0, -1, 10_001],
    wrong_type=["10", 2.5],
)
case(
    "list_buckets.region",
    lambda c, v: c.list_buckets(region=v),
    "region",
    invalid=["", "us east 1", "eu-west-1\n"],
    wrong_type=[1],
)

# -- objects -----------------------------------------------------------------------------------
for method in (
    "get_object",
    "stat_object",
    "remove_object",
    "remove_incomplete_upload",
    "presigned_get_object",
    "presigned_put_object",
):
    case(
        method,
        lambda c, v, m=method: getattr(c, m)(v, K),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
    case(
        f"{method}.key",
        lambda c, v, m=method: getattr(c, m)(B, v),
        "object key",
        invalid=BAD_KEYS,
        wrong_type=KEY_TYPES,
    )
case(
    "get_partial_object.offset",
    lambda c, v: c.get_partial_object(B, K, v),
    "offset",
    invalid=[-1],
    wrong_type=[1.5, "0", "1", None, True],
)
case(
    "get_partial_object.length",
    lambda c, v: c.get_partial_object(B, K, 0, v),
    "length",
    invalid=[0, -3, -5],
    wrong_type=[2.0, "9"],
)
case(
    "put_object.bucket",
    lambda c, v: c.put_object(v, K, b"x"),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "put_object.key",
    lambda c, v: c.put_object(B, v, b"x"),
    "object key",
    invalid=BAD_KEYS,
    wrong_type=KEY_TYPES,
)
case(
    "put_object.data",
    lambda c, v: c.put_object(B, K, v),
    "data must be",
    wrong_type=[None, 12, 42, 3.5, ["a"], {"a": 1}],
)
case(
    "put_object.size",
    lambda c, v: c.put_object(B, K, b"x" * 3, v),
    "size",
    invalid=[-1, 4],
    wrong_type=["3", 2.0],
)


async def _one_byte() -> Any:
    yield b"x"


case(
    "put_object.size.maximum",
    lambda c, v: c.put_object(B, K, _one_byte(), v),
    "5 TiB",
    invalid=[5 * 1024 * GiB + 1],
)
case(
    "put_object.part_size",
    lambda c, v: c.put_object(B, K, b"x", part_size=v),
    "part_size",
    invalid=[1024, 5 * 1024 * 1024 - 1, 5 * GiB + 1, 6 * GiB],
    wrong_type=["big", 6.0],
)
case(
    "put_object.concurrency",
    lambda c, v: c.put_object(B, K, b"x", concurrency=v),
    "concurrency",
    invalid=[0, -1, 65],
    wrong_type=["4"],
)
#: Header injection: CR, LF, NUL or another control in a value, a name with one, names that
#: are one header once lower-cased.
BAD_METADATA = [
    {"bad name": "v"},
    {"k": "ünï"},
    {"k": "a\nb"},
    {"k": "a\r\nX-Injected: 1"},
    {"k": "a\rb"},
    {"k": "a\0b"},
    {"k": "a\x1bb"},
    {"k": "ab\n"},
    {"k": "a\u2028"},
    {"k\r\nX-Injected": "v"},
    {"k\0": "v"},
    {"Foo": "1", "foo": "2"},
    {"foo": "1", "X-Amz-Meta-Foo": "2"},
    {"x-amz-meta-": "v"},
]
BAD_CONTENT_TYPES = ["text/plain\r\nX-Injected: 1", "text/plain\n", "text/\0plain", "a\x7f"]
case(
    "put_object.metadata",
    lambda c, v: c.put_object(B, K, b"x", metadata=v),
    "metadata",
    invalid=BAD_METADATA,
    wrong_type=[{"k": 1}],
)
case(
    "put_object.content_type",
    lambda c, v: c.put_object(B, K, b"x", content_type=v),
    "content_type",
    invalid=["", "tëxt/plain", None, *BAD_CONTENT_TYPES],
)
case(
    "fput_object.metadata",
    lambda c, v: c.fput_object(B, K, "/dev/null", metadata=v),
    "metadata",
    invalid=BAD_METADATA,
)
case(
    "fput_object.content_type",
    lambda c, v: c.fput_object(B, K, "/dev/null", v),
    "content_type",
    invalid=BAD_CONTENT_TYPES,
)
case(
    "copy_object.metadata",
    lambda c, v: c.copy_object(B, K, B, "src", metadata=v),
    "metadata",
    invalid=BAD_METADATA,
)
case(
    "copy_object.content_type",
    lambda c, v: c.copy_object(B, K, B, "src", content_type=v),
    "content_type",
    invalid=BAD_CONTENT_TYPES,
)
# -- tags and standard headers -----------------------------------------------------------------
#: Over S3's limits (10 tags per object, keys of 1-128 and values of 0-256 characters) or able
#: to break the header or document they travel in.
BAD_TAGS = [
    {f"k{i}": "v" for i in range(11)},
    {"": "v"},
    {"k" * 129: "v"},
    {"k": "v" * 257},
    {"k\n": "v"},
    {"k": "a\r\nX-Injected: 1"},
    {"k": "a\0b"},
    {"k": "a\ud800"},
    {"k\udc00": "v"},
]
TAG_TYPES: list[Any] = [[("k", "v")], "k=v", {"k": 1}, {1: "v"}]
for method in ("set_object_tags", "get_object_tags", "delete_object_tags"):
    extra: tuple[Any, ...] = ({"k": "v"},) if method == "set_object_tags" else ()
    case(
        method,
        lambda c, v, m=method, x=extra: getattr(c, m)(v, K, *x),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
    case(
        f"{method}.key",
        lambda c, v, m=method, x=extra: getattr(c, m)(B, v, *x),
        "object key",
        invalid=BAD_KEYS,
        wrong_type=KEY_TYPES,
    )
    case(
        f"{method}.version_id",
        lambda c, v, m=method, x=extra: getattr(c, m)(B, K, *x, version_id=v),
        "version_id",
        invalid=["", "v\n1", "v\x001"],
        wrong_type=[5, b"v1"],
    )
for method in ("set_bucket_tags", "get_bucket_tags", "delete_bucket_tags"):
    extra = ({"k": "v"},) if method == "set_bucket_tags" else ()
    case(
        method,
        lambda c, v, m=method, x=extra: getattr(c, m)(v, *x),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
case(
    "set_object_tags.tags",
    lambda c, v: c.set_object_tags(B, K, v),
    "tags",
    invalid=BAD_TAGS,
    wrong_type=[None, *TAG_TYPES],
)
case(
    "set_bucket_tags.tags",
    lambda c, v: c.set_bucket_tags(B, v),
    "tags",
    invalid=[{f"k{i}": "v" for i in range(51)}, *BAD_TAGS[1:]],
    wrong_type=[None, *TAG_TYPES],
)
#: Each standard-header keyword, with values it must refuse and values of a wrong type.
BAD_STANDARD_HEADERS: dict[str, tuple[list[Any], list[Any]]] = {
    "cache_control": (["", "no-cache\r\nX-Injected: 1", "max-age=\x00", "ünï"], [5, b"x"]),
    "content_disposition": (["", 'attachment; filename="a\nb"', "inline\r"], [["inline"]]),
    "content_encoding": (["", "gzip\n", "gzïp"], [1]),
    "content_language": (["", "en\r\nX: y"], [b"en"]),
    "expires": ([datetime(2030, 1, 1)], ["Tue, 01 Jan 2030 00:00:00 GMT", 1893456000]),
    "storage_class": (["", "STANDARD IA", "GLACIER\n", "a/b"], [3]),
}
#: Metadata names that are standard headers, each refused with the keyword that sets it.
STANDARD_METADATA = {
    "Cache-Control": "cache_control",
    "content-type": "content_type",
    "Content-Disposition": "content_disposition",
    "Content-Encoding": "content_encoding",
    "CONTENT-LANGUAGE": "content_language",
    "Expires": "expires",
    "x-amz-storage-class": "storage_class",
    "X-Amz-Tagging": "tags",
}
UPLOADS: dict[str, Callable[..., Any]] = {
    "put_object": lambda c, **kw: c.put_object(B, K, b"x", **kw),
    "fput_object": lambda c, **kw: c.fput_object(B, K, "/dev/null", **kw),
    "copy_object": lambda c, **kw: c.copy_object(B, K, B, "src", **kw),
    "compose_object": lambda c, **kw: c.compose_object(
        B, K, [aiominio.ComposeSource(B, "s")], **kw
    ),
}
for method, upload in UPLOADS.items():
    case(
        f"{method}.tags",
        lambda c, v, u=upload: u(c, tags=v),
        "tags",
        invalid=BAD_TAGS,
        wrong_type=TAG_TYPES,
    )
    for keyword, (invalid, wrong_type) in BAD_STANDARD_HEADERS.items():
        case(
            f"{method}.{keyword}",
            lambda c, v, u=upload, k=keyword: u(c, **{k: v}),
            keyword,
            invalid=invalid,
            wrong_type=wrong_type,
        )
    for name, keyword in STANDARD_METADATA.items():
        case(
            f"{method}.metadata.standard",
            lambda c, v, u=upload: u(c, metadata=v),
            f"{keyword}= keyword",
            invalid=[{name: "v"}],
        )
for keyword, (invalid, wrong_type) in BAD_STANDARD_HEADERS.items():
    # The URL's lifetime is ``expires``; the Expires header is ``expires_header`` here.
    argument = "expires_header" if keyword == "expires" else keyword
    case(
        f"presigned_put_object.{argument}",
        lambda c, v, a=argument: c.presigned_put_object(B, K, **{a: v}),
        keyword,
        invalid=invalid,
        wrong_type=wrong_type,
    )
case(
    "fput_object.key",
    lambda c, v: c.fput_object(B, v, "/dev/null"),
    "object key",
    invalid=BAD_KEYS,
    wrong_type=KEY_TYPES,
)
case(
    "fput_object.part_size",
    lambda c, v: c.fput_object(B, K, "/dev/null", part_size=v),
    "part_size",
    invalid=[1, 10 * GiB],
)
case(
    "fget_object.bucket",
    lambda c, v: c.fget_object(v, K, "/tmp/x"),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "fget_object.key",
    lambda c, v: c.fget_object(B, v, "/tmp/x"),
    "object key",
    invalid=BAD_KEYS,
    wrong_type=KEY_TYPES,
)
case(
    "fget_object.concurrency",
    lambda c, v: c.fget_object(B, K, "/tmp/x", concurrency=v),
    "concurrency",
    invalid=[0, -1, 65],
    wrong_type=["4", 2.0],
)
case(
    "fget_object.part_size",
    lambda c, v: c.fget_object(B, K, "/tmp/x", part_size=v),
    "part_size",
    invalid=[0, 1024 * 1024 - 1, 5 * GiB + 1],
    wrong_type=["16M", 8.0],
)
#: Progress callbacks: anything not callable is refused before a request is sent.
NOT_CALLABLE: list[Any] = [42, "print", [print], b"x"]
case(
    "put_object.progress",
    lambda c, v: c.put_object(B, K, b"x", progress=v),
    "progress",
    wrong_type=NOT_CALLABLE,
)
case(
    "fput_object.progress",
    lambda c, v: c.fput_object(B, K, "/dev/null", progress=v),
    "progress",
    wrong_type=NOT_CALLABLE,
)
case(
    "fget_object.progress",
    lambda c, v: c.fget_object(B, K, "/tmp/x", progress=v),
    "progress",
    wrong_type=NOT_CALLABLE,
)
case(
    "get_object.progress",
    lambda c, v: c.get_object(B, K, progress=v),
    "progress",
    wrong_type=NOT_CALLABLE,
)
case(
    "get_partial_object.progress",
    lambda c, v: c.get_partial_object(B, K, 0, 1, progress=v),
    "progress",
    wrong_type=NOT_CALLABLE,
)
case(
    "copy_object.source_bucket",
    lambda c, v: c.copy_object(B, K, v, K),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "copy_object.source_key",
    lambda c, v: c.copy_object(B, K, B, v),
    "object key",
    invalid=BAD_KEYS,
    wrong_type=KEY_TYPES,
)
case(
    "copy_object.part_size",
    lambda c, v: c.copy_object(B, K, B, K, part_size=v),
    "part_size",
    invalid=[1, 6 * GiB],
)
case(
    "remove_objects.keys",
    lambda c, v: c.remove_objects(B, v),
    "key",
    invalid=[[""], ["k" * 1025]],
    wrong_type=["single-string", [None]],
)

# -- versions and conditions -------------------------------------------------------------------
for method in ("get_bucket_versioning", "set_bucket_versioning", "list_object_versions"):
    case(
        method,
        lambda c, v, m=method: (
            c.set_bucket_versioning(v, aiominio.Versioning.ENABLED)
            if m == "set_bucket_versioning"
            else getattr(c, m)(v)
        ),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
case(
    "set_bucket_versioning.state",
    lambda c, v: c.set_bucket_versioning(B, v),
    "state",
    invalid=[aiominio.Versioning.OFF],
    wrong_type=["Enabled", None, True],
)
case(
    "list_object_versions.prefix",
    lambda c, v: c.list_object_versions(B, v),
    "prefix",
    invalid=["p" * 1025],
    wrong_type=[None, 3],
)
case(
    "list_object_versions.recursive",
    lambda c, v: c.list_object_versions(B, recursive=v),
    "recursive",
    wrong_type=["yes", 1, None],
)
case(
    "list_object_versions.page_size",
    lambda c, v: c.list_object_versions(B, page_size=v),
    "page_size",
    invalid=[0, 1001],
    wrong_type=["10", 2.5],
)
BAD_VERSION_IDS = ["", "vé", "v\r\nX-Injected: 1", "v\0"]
VERSION_ID_TYPES: list[Any] = [3, b"v1"]
for method, call in {
    "get_object": lambda c, v: c.get_object(B, K, version_id=v),
    "get_partial_object": lambda c, v: c.get_partial_object(B, K, 0, 1, version_id=v),
    "fget_object": lambda c, v: c.fget_object(B, K, "/tmp/x", version_id=v),
    "stat_object": lambda c, v: c.stat_object(B, K, version_id=v),
    "remove_object": lambda c, v: c.remove_object(B, K, version_id=v),
    "presigned_get_object": lambda c, v: c.presigned_get_object(B, K, version_id=v),
    "copy_object": lambda c, v: c.copy_object(B, K, B, "src", source_version_id=v),
}.items():
    case(
        f"{method}.version_id",
        call,
        "version_id",
        invalid=BAD_VERSION_IDS,
        wrong_type=VERSION_ID_TYPES,
    )
case(
    "remove_objects.versions",
    lambda c, v: c.remove_objects(B, v),
    "version_id|common prefix|key",
    invalid=[
        [("k", "")],
        [("k", "v\nX")],
        [("", "v1")],
        [aiominio.ObjectVersion("dir/", "", is_dir=True)],
        [aiominio.ObjectVersion("k", "")],
    ],
    wrong_type=[[("k", 5)], [("k",)], [("k", "v", "x")], [(None, "v")], [["k", "v"]]],
)
BAD_ETAGS = ["", "   ", "étag", 'a"b', "e\r\nX-Injected: 1"]
NAIVE = datetime(2024, 1, 1)
for method, call in {
    "get_object": lambda c, kw: c.get_object(B, K, **kw),
    "get_partial_object": lambda c, kw: c.get_partial_object(B, K, 1, **kw),
    "fget_object": lambda c, kw: c.fget_object(B, K, "/tmp/x", **kw),
    "stat_object": lambda c, kw: c.stat_object(B, K, **kw),
}.items():
    case(
        f"{method}.conditions",
        call,
        lambda kw: next(iter(kw)),
        invalid=[
            *({"if_match": e} for e in BAD_ETAGS),
            *({"if_none_match": e} for e in BAD_ETAGS),
            {"if_modified_since": NAIVE},
            {"if_unmodified_since": NAIVE},
        ],
        wrong_type=[
            {"if_match": 5},
            {"if_none_match": b"e"},
            {"if_modified_since": "2024-01-01"},
            {"if_unmodified_since": 1700000000},
        ],
    )
case(
    "copy_object.source_conditions",
    lambda c, kw: c.copy_object(B, K, B, "src", **kw),
    lambda kw: next(iter(kw)),
    invalid=[
        {"source_if_match": ""},
        {"source_if_none_match": "x\ny"},
        {"source_if_modified_since": NAIVE},
        {"source_if_unmodified_since": NAIVE},
    ],
    wrong_type=[
        {"source_if_match": 1},
        {"source_if_none_match": 0.5},
        {"source_if_modified_since": "yesterday"},
        {"source_if_unmodified_since": 0},
    ],
)
for method, call in {
    "put_object": lambda c, kw: c.put_object(B, K, b"x", **kw),
    "copy_object": lambda c, kw: c.copy_object(B, K, B, "src", **kw),
}.items():
    case(
        f"{method}.conditions",
        call,
        lambda kw: "if_match|if_none_match",
        invalid=[
            {"if_none_match": "etag"},
            {"if_none_match": ""},
            {"if_match": "*"},
            {"if_match": ""},
            {"if_match": "e\r\nX: 1"},
            {"if_match": "abc", "if_none_match": "*"},
        ],
        wrong_type=[{"if_none_match": True}, {"if_match": 5}],
    )
case(
    "remove_object.if_match",
    lambda c, v: c.remove_object(B, K, if_match=v),
    "if_match",
    invalid=["*", "", "   ", "e\r\nX: 1", 'a"b'],
    wrong_type=[5, b"etag"],
)

for method, call in {
    "get_object_acl": lambda c, b, k: c.get_object_acl(b, k),
    "set_object_acl": lambda c, b, k: c.set_object_acl(b, k, "private"),
    "restore_object": lambda c, b, k: c.restore_object(b, k),
}.items():
    case(
        f"{method}.bucket",
        lambda c, v, f=call: f(c, v, K),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
    case(
        f"{method}.key",
        lambda c, v, f=call: f(c, B, v),
        "object key",
        invalid=BAD_KEYS,
        wrong_type=KEY_TYPES,
    )
case(
    "set_object_acl.acl",
    lambda c, v: c.set_object_acl(B, K, v),
    "acl",
    invalid=["", "public", "PRIVATE", "private\r\nX: 1"],
    wrong_type=[None, 1],
)
case(
    "restore_object.days",
    lambda c, v: c.restore_object(B, K, days=v),
    "days",
    invalid=[0, -1, 36_501],
    wrong_type=["1", 1.5, True],
)
case(
    "restore_object.tier",
    lambda c, v: c.restore_object(B, K, tier=v),
    "tier",
    invalid=["", "Fast", "bulk"],
    wrong_type=[1],
)
for method, call in {
    "get_object_acl": lambda c, v: c.get_object_acl(B, K, version_id=v),
    "set_object_acl": lambda c, v: c.set_object_acl(B, K, "private", version_id=v),
    "restore_object": lambda c, v: c.restore_object(B, K, version_id=v),
}.items():
    case(
        f"{method}.version_id",
        call,
        "version_id",
        invalid=BAD_VERSION_IDS,
        wrong_type=VERSION_ID_TYPES,
    )

# -- presigning --------------------------------------------------------------------------------
case(
    "presigned_get_object.expires",
    lambda c, v: c.presigned_get_object(B, K, v),
    "expir",
    invalid=[0, -1, 604801, timedelta(days=8), timedelta(0)],
    wrong_type=["60", 1.5],
)
case(
    "presigned_put_object.expires",
    lambda c, v: c.presigned_put_object(B, K, v),
    "expir",
    invalid=[0, timedelta(days=7, seconds=1)],
)
case(
    "presigned_get_object.response_headers",
    lambda c, v: c.presigned_get_object(B, K, response_headers=v),
    "response",
    invalid=[
        {"content-type": "x"},
        {"response-content-disposition": "attachment\r\nSet-Cookie: a=b"},
        {"response-content-type": "text/plain\n"},
        {"response-cache-control": "no\0cache"},
        {"response-content-type": "a", "Response-Content-Type": "b"},
    ],
    wrong_type=[{"response-content-type": 1}],
)
case(
    "presigned_get_object.anonymous",
    lambda c, v: c.presigned_get_object(B, K, v),
    "credentials",
    invalid=[60],
    client=ANONYMOUS,
)
#: The query parameters the signer of a presigned URL sets, in any case.
SIGNER_PARAMS = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Signature",
    "X-Amz-Security-Token",
]
case(
    "presigned_url.query",
    lambda c, v: c.presigned_url("GET", B, K, query=v),
    "query",
    invalid=[
        *({name: "1"} for name in SIGNER_PARAMS),
        *({name.lower(): "1"} for name in SIGNER_PARAMS),
        {"x-AMZ-expires": "5"},
        {"versionId": "\ud800"},
        {"": "v"},
    ],
    wrong_type=[{"versionId": 1}, {1: "v"}, "versionId=1"],
)
case(
    "presigned_get_object.response_headers",
    lambda c, v: c.presigned_get_object(B, K, response_headers=v),
    "response",
    invalid=[{name: "1"} for name in SIGNER_PARAMS],
)


def _post_policy(**fields: str) -> aiominio.PostPolicy:
    policy = aiominio.PostPolicy().set_bucket(B).set_key(K)
    policy.set_expires(datetime.now(timezone.utc) + timedelta(hours=1))
    policy.form_data.update(fields)
    return policy


def _post_condition(field: str) -> aiominio.PostPolicy:
    policy = _post_policy()
    policy.conditions.append(["eq", f"${field}", "1"])
    return policy


case(
    "presigned_post_policy.signer_fields",
    lambda c, v: c.presigned_post_policy(v),
    "signer",
    invalid=[
        *(_post_policy(**{name: "1"}) for name in [*SIGNER_PARAMS[:3], "X-Amz-Signature"]),
        _post_policy(**{"x-amz-security-token": "t", "Policy": "p"}),
        _post_policy(Policy="p"),
        *(_post_condition(name) for name in ["X-Amz-Date", "x-amz-credential", "policy"]),
    ],
)
case(
    "presigned_url.method",
    lambda c, v: c.presigned_url(v, B, K),
    "method",
    invalid=["PATCH", "get"],
)
case(
    "presigned_post_policy",
    lambda c, v: c.presigned_post_policy(v),
    "[Pp]olicy|bucket",
    invalid=[aiominio.PostPolicy()],
    wrong_type=[None, "policy"],
)

# -- compose and object attributes -------------------------------------------------------------
MiB = 1024 * 1024
ONE = [aiominio.ComposeSource(B, "src")]


def compose_source(**kw: Any) -> aiominio.ComposeSource:
    return aiominio.ComposeSource(**{"bucket": B, "key": "src", **kw})


case(
    "compose_object",
    lambda c, v: c.compose_object(v, K, ONE),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "compose_object.key",
    lambda c, v: c.compose_object(B, v, ONE),
    "object key",
    invalid=BAD_KEYS,
    wrong_type=KEY_TYPES,
)
case(
    "compose_object.sources",
    lambda c, v: c.compose_object(B, K, v),
    "sources",
    invalid=[
        [],
        ONE * 10_001,
        # A piece that is not the last under 5 MiB, known without asking the server.
        [compose_source(length=5 * MiB - 1), compose_source()],
        [compose_source(), compose_source(offset=9, length=1), compose_source()],
        [compose_source(bucket="Bad_Bucket")],
        [compose_source(key="")],
        [compose_source(key="k" * 1025)],
        [compose_source(offset=-1)],
        [compose_source(length=0)],
        [compose_source(version_id="")],
        [compose_source(version_id="v\n1")],
    ],
    wrong_type=[
        None,
        "b/k",
        aiominio.ComposeSource(B, "src"),
        [(B, "src")],
        [compose_source(bucket=None)],
        [compose_source(key=b"k")],
        [compose_source(offset="0")],
        [compose_source(length=1.5)],
        [compose_source(version_id=1)],
    ],
)
case(
    "compose_object.sources.index",
    lambda c, v: c.compose_object(B, K, v),
    r"sources\[2\]",
    invalid=[[*ONE, *ONE, compose_source(offset=-1)], [*ONE, *ONE, compose_source(key="")]],
    wrong_type=[[*ONE, *ONE, "b/k"]],
)
case(
    "compose_object.part_size",
    lambda c, v: c.compose_object(B, K, ONE, part_size=v),
    "part_size",
    invalid=[1, 5 * MiB - 1, 6 * GiB],
    wrong_type=["5MiB"],
)
case(
    "compose_object.concurrency",
    lambda c, v: c.compose_object(B, K, ONE, concurrency=v),
    "concurrency",
    invalid=[0, 65],
    wrong_type=["4", 2.0],
)
case(
    "compose_object.metadata",
    lambda c, v: c.compose_object(B, K, ONE, metadata=v),
    "metadata",
    invalid=BAD_METADATA,
    wrong_type=[{"k": 1}],
)
case(
    "compose_object.content_type",
    lambda c, v: c.compose_object(B, K, ONE, content_type=v),
    "content_type",
    invalid=["", *BAD_CONTENT_TYPES],
)
case(
    "get_object_attributes",
    lambda c, v: c.get_object_attributes(v, K),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "get_object_attributes.key",
    lambda c, v: c.get_object_attributes(B, v),
    "object key",
    invalid=BAD_KEYS,
    wrong_type=KEY_TYPES,
)
case(
    "get_object_attributes.version_id",
    lambda c, v: c.get_object_attributes(B, K, version_id=v),
    "version_id",
    invalid=["", "v\n1", "v\x001"],
    wrong_type=[5, b"v1"],
)


# -- directories and ranges -------------------------------------------------------------------
case(
    "upload_dir",
    lambda c, v: c.upload_dir(v, "p", "."),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "upload_dir.local_dir",
    lambda c, v: c.upload_dir(B, "p", v),
    "local_dir",
    invalid=["", "/dev/null", "/no/such/directory"],
    wrong_type=[None, 3, b"."],
)
case(
    "upload_dir.concurrency",
    lambda c, v: c.upload_dir(B, "p", ".", concurrency=v),
    "concurrency",
    invalid=[0, 257],
    wrong_type=[1.5, "8", True],
)
case(
    "upload_dir.include",
    lambda c, v: c.upload_dir(B, "p", ".", include=v),
    "glob|include",
    invalid=["", "[a", ["ok", "[z-a]"]],
    wrong_type=[3, [b"x"]],
)
case(
    "upload_dir.progress",
    lambda c, v: c.upload_dir(B, "p", ".", progress=v),
    "progress",
    wrong_type=[3, "bar"],
)
case(
    "download_dir",
    lambda c, v: c.download_dir(B, v, "."),
    "prefix",
    invalid=["\ud800", "k" * 1025],
    wrong_type=[None, 3],
)
case(
    "download_dir.local_dir",
    lambda c, v: c.download_dir(B, "p", v),
    "local_dir",
    invalid=["/dev/null"],
    wrong_type=[None, aiominio.S3Prefix(B, "p")],
)
case(
    "sync",
    lambda c, v: c.sync(v, "."),
    "bucket|source|one of source and destination",
    invalid=["s3://", "s3://Bad_Bucket/p", ".", "/no/such/directory"],
    wrong_type=[None, 3],
)
case(
    "sync.compare",
    lambda c, v: c.sync(".", f"s3://{B}/p", compare=v),
    "compare",
    invalid=["md5", ""],
)
case(
    "sync.delete",
    lambda c, v: c.sync(".", f"s3://{B}/p", delete=v),
    "delete",
    wrong_type=[1, "yes"],
)
case(
    "get_ranges",
    lambda c, v: c.get_ranges(v, K, [(0, 1)]),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "get_ranges.ranges",
    lambda c, v: c.get_ranges(B, K, v),
    "range",
    invalid=[[(5, 4)], [(-1, 2)]],
    wrong_type=[None, "ab", [(1, 2, 3)], [(0, 1.5)]],
)
case(
    "get_ranges.coalesce",
    lambda c, v: c.get_ranges(B, K, [(0, 1)], coalesce=v),
    "coalesce",
    invalid=[-1],
    wrong_type=["1", None],
)
case(
    "get_ranges.max_span",
    lambda c, v: c.get_ranges(B, K, [(0, 1)], max_span=v),
    "max_span",
    invalid=[0, 1023],
)

# -- server-side encryption -------------------------------------------------------------------
case(
    "SseCustomerKey",
    lambda c, v: aiominio.SseCustomerKey(v),
    "SSE-C key",
    invalid=[b"", b"k" * 31, b"k" * 33, bytearray(16)],
    wrong_type=[None, "k" * 32, 32],
)
case(
    "SseKms",
    lambda c, v: aiominio.SseKms(*v),
    "key_id|context",
    invalid=[("",), *((bad,) for bad in HEADER_BREAKERS), ("k", {"a": "\ud800"})],
    wrong_type=[(None,), (b"arn",), ("arn", {"a": 1}), ("arn", [("a", "b")])],
)
SSE_C = aiominio.SseCustomerKey(bytes(32))
SSE_TYPES: list[Any] = ["AES256", bytes(32), {"key": "k"}]
# The client of these rows speaks plain HTTP: an SSE-C key is refused before anything is sent.
for method, call in {
    "put_object": lambda c, v: c.put_object(B, K, b"x", sse=v),
    "fput_object": lambda c, v: c.fput_object(B, K, "/tmp/x", sse=v),
    "copy_object": lambda c, v: c.copy_object(B, K, B, "src", sse=v),
    "compose_object": lambda c, v: c.compose_object(B, K, ONE, sse=v),
    "presigned_put_object": lambda c, v: c.presigned_put_object(B, K, sse=v),
}.items():
    case(f"{method}.sse", call, "sse", invalid=[SSE_C], wrong_type=SSE_TYPES)
for method, call in {
    "get_object": lambda c, v: c.get_object(B, K, sse=v),
    "get_partial_object": lambda c, v: c.get_partial_object(B, K, 0, 1, sse=v),
    "fget_object": lambda c, v: c.fget_object(B, K, "/tmp/x", sse=v),
    "stat_object": lambda c, v: c.stat_object(B, K, sse=v),
    "presigned_get_object": lambda c, v: c.presigned_get_object(B, K, sse=v),
    "copy_object.source": lambda c, v: c.copy_object(B, K, B, "src", source_sse=v),
    "compose_object.source": lambda c, v: c.compose_object(B, K, [*ONE, compose_source(sse=v)]),
}.items():
    # Only an SSE-C key is given to read: SSE-S3 and SSE-KMS objects need none.
    case(
        f"{method}.sse",
        call,
        "sse|SSE-C|needs no key",
        invalid=[SSE_C, aiominio.SseS3(), aiominio.SseKms("arn:key")],
        wrong_type=SSE_TYPES,
    )


# -- policies and notifications ----------------------------------------------------------------
case(
    "set_bucket_policy.policy",
    lambda c, v: c.set_bucket_policy(B, "", v),
    "policy",
    invalid=["public", "", None, 3],
)
case(
    "set_bucket_policy_json",
    lambda c, v: c.set_bucket_policy_json(B, v),
    "policy",
    invalid=["{not json", "[1,2]"],
)
case(
    "set_bucket_notification",
    lambda c, v: c.set_bucket_notification(B, v),
    "config",
    wrong_type=[None, {"Queue": "arn"}],
)
case(
    "get_bucket_policy",
    lambda c, v: c.get_bucket_policy(v, ""),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "get_bucket_policy.prefix",
    lambda c, v: c.get_bucket_policy(B, v),
    "prefix",
    wrong_type=[None, 5],
)

# -- object lock -------------------------------------------------------------------------------
GOV = aiominio.RetentionMode.GOVERNANCE
LATER = datetime(2030, 1, 1, tzinfo=timezone.utc)
HOLD = aiominio.Retention(GOV, LATER)
LOCK_METHODS: dict[str, Callable[..., Any]] = {
    "set_object_retention": lambda c, b, k, **kw: c.set_object_retention(b, k, HOLD, **kw),
    "get_object_retention": lambda c, b, k, **kw: c.get_object_retention(b, k, **kw),
    "clear_object_retention": lambda c, b, k, **kw: c.clear_object_retention(b, k, **kw),
    "enable_object_legal_hold": lambda c, b, k, **kw: c.enable_object_legal_hold(b, k, **kw),
    "disable_object_legal_hold": lambda c, b, k, **kw: c.disable_object_legal_hold(b, k, **kw),
    "is_object_legal_hold_enabled": lambda c, b, k, **kw: c.is_object_legal_hold_enabled(
        b, k, **kw
    ),
}
for method, call in LOCK_METHODS.items():
    case(
        method,
        lambda c, v, f=call: f(c, v, K),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
    case(f"{method}.key", lambda c, v, f=call: f(c, B, v), "object key", invalid=BAD_KEYS)
    case(
        f"{method}.version_id",
        lambda c, v, f=call: f(c, B, K, version_id=v),
        "version_id",
        invalid=["", "v\n1"],
        wrong_type=[5],
    )
for method in ("set_object_lock_config", "get_object_lock_config"):
    extra = (aiominio.ObjectLockConfig(),) if method == "set_object_lock_config" else ()
    case(
        method,
        lambda c, v, m=method, x=extra: getattr(c, m)(v, *x),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
case(
    "set_object_lock_config.config",
    lambda c, v: c.set_object_lock_config(B, v),
    "config",
    wrong_type=[None, {"mode": "GOVERNANCE", "days": 1}, HOLD],
)
case(
    "set_object_lock_config.config",
    lambda c, v: c.set_object_lock_config(B, aiominio.ObjectLockConfig(**v)),
    lambda v: "days|years" if "mode" not in v or len(v) != 2 else next(iter(v.keys() - {"mode"})),
    invalid=[
        {"mode": GOV},
        {"mode": GOV, "days": 1, "years": 1},
        {"days": 1},
        {"years": 2},
        {"mode": GOV, "days": 0},
        {"mode": GOV, "days": 36501},
        {"mode": GOV, "years": 101},
        {"mode": GOV, "years": -1},
    ],
)
case(
    "set_object_lock_config.config",
    lambda c, v: c.set_object_lock_config(B, aiominio.ObjectLockConfig(**v)),
    lambda v: "days" if isinstance(v["mode"], aiominio.RetentionMode) else "mode",
    wrong_type=[
        {"mode": "GOVERNANCE", "days": 1},
        {"mode": GOV, "days": "1"},
        {"mode": GOV, "days": True},
    ],
)
case(
    "set_object_retention.retention",
    lambda c, v: c.set_object_retention(B, K, v),
    "retention",
    wrong_type=[None, {"mode": GOV}, aiominio.ObjectLockConfig()],
)
case(
    "set_object_retention.retention",
    lambda c, v: c.set_object_retention(B, K, aiominio.Retention(*v)),
    lambda v: "retain_until" if isinstance(v[0], aiominio.RetentionMode) else "mode",
    invalid=[(GOV, datetime(2030, 1, 1))],
    wrong_type=[("GOVERNANCE", LATER), (GOV, "2030-01-01"), (GOV, 1893456000)],
)
case(
    "set_object_retention.bypass_governance",
    lambda c, v: c.set_object_retention(B, K, HOLD, bypass_governance=v),
    "bypass_governance",
    wrong_type=[None, "yes", 1],
)
case(
    "remove_object.bypass_governance",
    lambda c, v: c.remove_object(B, K, bypass_governance=v),
    "bypass_governance",
    wrong_type=[None, "yes", 1],
)
case(
    "make_bucket.object_lock",
    lambda c, v: c.make_bucket(B, object_lock=v),
    "object_lock",
    wrong_type=[None, "true", 1],
)
for method, upload in (
    ("put_object", UPLOADS["put_object"]),
    ("fput_object", UPLOADS["fput_object"]),
):
    case(
        f"{method}.retention",
        lambda c, v, u=upload: u(c, retention=v),
        "retention",
        wrong_type=["GOVERNANCE", {"mode": GOV}, LATER, aiominio.ObjectLockConfig()],
    )
    case(
        f"{method}.legal_hold",
        lambda c, v, u=upload: u(c, legal_hold=v),
        "legal_hold",
        wrong_type=["ON", 1],
    )

# -- S3 Select ---------------------------------------------------------------------------------
QUERY = aiominio.SelectRequest("SELECT * FROM S3Object", aiominio.CSVInput(), aiominio.CSVOutput())
case(
    "select_object_content",
    lambda c, v: c.select_object_content(v, K, QUERY),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
case(
    "select_object_content.key",
    lambda c, v: c.select_object_content(B, v, QUERY),
    "object key",
    invalid=BAD_KEYS,
    wrong_type=KEY_TYPES,
)
case(
    "select_object_content.request",
    lambda c, v: c.select_object_content(B, K, v),
    "request",
    wrong_type=[None, "SELECT * FROM S3Object", QUERY.input_serialization],
)
case(
    "select_object_content.request",
    lambda c, v: c.select_object_content(B, K, aiominio.SelectRequest(*v)),
    lambda v: "expression" if isinstance(v[1], aiominio.CSVInput) else "serialization",
    invalid=[("", aiominio.CSVInput(), aiominio.CSVOutput())],
    wrong_type=[
        (None, aiominio.CSVInput(), aiominio.CSVOutput()),
        ("SELECT 1", "CSV", aiominio.CSVOutput()),
        ("SELECT 1", aiominio.JSONOutput(), aiominio.CSVOutput()),
    ],
)
case(
    "select_object_content.request",
    lambda c, v: c.select_object_content(
        B, K, aiominio.SelectRequest("SELECT 1", aiominio.CSVInput(**v), aiominio.CSVOutput())
    ),
    lambda v: next(iter(v)),
    invalid=[
        {"file_header_info": "FIRST"},
        {"field_delimiter": "::"},
        {"record_delimiter": ""},
        {"compression": "ZIP"},
    ],
    wrong_type=[{"quote_character": 1}, {"allow_quoted_record_delimiter": "yes"}],
)
case(
    "select_object_content.request",
    lambda c, v: c.select_object_content(
        B, K, aiominio.SelectRequest("SELECT 1", aiominio.JSONInput(v), aiominio.JSONOutput())
    ),
    "type",
    invalid=["ARRAY", None],
)


# -- MinIO's event listening -------------------------------------------------------------------
case(
    "listen_bucket_notification",
    lambda c, v: c.listen_bucket_notification(v),
    "bucket name",
    invalid=BAD_BUCKETS,
    wrong_type=BUCKET_TYPES,
)
for argument in ("prefix", "suffix"):
    case(
        f"listen_bucket_notification.{argument}",
        lambda c, v, a=argument: c.listen_bucket_notification(B, **{a: v}),
        argument,
        invalid=["a\nb", "x" * 1025, "a\ud800"],
        wrong_type=[None, b"p", 3],
    )
case(
    "listen_bucket_notification.events",
    lambda c, v: c.listen_bucket_notification(B, events=v),
    "events",
    invalid=[[], ["ObjectCreated:*"], ["s3:"], ["s3:ObjectCreated:*\r\nX: 1"], ["s3:\ud800"]],
    wrong_type=["s3:ObjectCreated:*", None, [1], 5],
)


# -- the low-level multipart calls ------------------------------------------------------------
#: Each call, with the bucket and key it is given.
MULTIPART_CALLS: dict[str, Callable[[aiominio.Client, Any, Any], Any]] = {
    "initiate_new_multipart_upload": lambda c, b, k: c.initiate_new_multipart_upload(b, k),
    "upload_part": lambda c, b, k: c.upload_part(b, k, "u", 1, b"x"),
    "complete_multipart_upload": lambda c, b, k: c.complete_multipart_upload(b, k, "u", [(1, "e")]),
    "abort_multipart_upload": lambda c, b, k: c.abort_multipart_upload(b, k, "u"),
    "list_parts": lambda c, b, k: c.list_parts(b, k, "u"),
    "presigned_upload_part_url": lambda c, b, k: c.presigned_upload_part_url(b, k, "u", 1),
}
#: Each call that names an upload, with the upload id it is given.
UPLOAD_ID_CALLS: dict[str, Callable[[aiominio.Client, Any], Any]] = {
    "upload_part": lambda c, u: c.upload_part(B, K, u, 1, b"x"),
    "complete_multipart_upload": lambda c, u: c.complete_multipart_upload(B, K, u, [(1, "e")]),
    "abort_multipart_upload": lambda c, u: c.abort_multipart_upload(B, K, u),
    "list_parts": lambda c, u: c.list_parts(B, K, u),
    "presigned_upload_part_url": lambda c, u: c.presigned_upload_part_url(B, K, u, 1),
}
for method, call in MULTIPART_CALLS.items():
    case(
        method,
        lambda c, v, m=call: m(c, v, K),
        "bucket name",
        invalid=BAD_BUCKETS,
        wrong_type=BUCKET_TYPES,
    )
    case(
        f"{method}.key",
        lambda c, v, m=call: m(c, B, v),
        "object key",
        invalid=BAD_KEYS,
        wrong_type=KEY_TYPES,
    )
for method, call in UPLOAD_ID_CALLS.items():
    case(
        f"{method}.upload_id",
        lambda c, v, m=call: m(c, v),
        "upload_id",
        invalid=["", "u\nX-Injected: 1", "u\0", "u\ud800"],
        wrong_type=[None, b"u", 1],
    )
for method, call in (
    ("upload_part", lambda c, v: c.upload_part(B, K, "u", v, b"x")),
    ("presigned_upload_part_url", lambda c, v: c.presigned_upload_part_url(B, K, "u", v)),
):
    case(
        f"{method}.part_number",
        call,
        "part_number",
        invalid=[0, -1, 10_001],
        wrong_type=["1", 1.0, True, None],
    )
case(
    "upload_part.data",
    lambda c, v: c.upload_part(B, K, "u", 1, v),
    "data",
    wrong_type=["text", None, 5, [b"x"], memoryview(b"abcd")[::2]],
)
case(
    "upload_part.sse",
    lambda c, v: c.upload_part(B, K, "u", 1, b"x", sse=v),
    "sse",
    invalid=[aiominio.SseS3(), aiominio.SseCustomerKey(b"k" * 32)],  # the latter over HTTP
    wrong_type=["AES256"],
)
case(
    "complete_multipart_upload.parts",
    lambda c, v: c.complete_multipart_upload(B, K, "u", v),
    "part",
    invalid=[[], [(1, "a"), (1, "a")], [(0, "a")], [(10_001, "a")], [(1, "")], [(1, "a\nb")]],
    wrong_type=["1a", None, [1], [(1, "a", 2)], [("1", "a")], [(1, b"a")]],
)
case(
    "complete_multipart_upload.if_none_match",
    lambda c, v: c.complete_multipart_upload(B, K, "u", [(1, "e")], if_none_match=v),
    "if_none_match",
    invalid=["etag", ""],
    wrong_type=[1],
)
case(
    "list_parts.page_size",
    lambda c, v: c.list_parts(B, K, "u", page_size=v),
    "page_size",
    invalid=[0, 1001],
    wrong_type=["10", 2.5],
)
case(
    "presigned_upload_part_url.expires",
    lambda c, v: c.presigned_upload_part_url(B, K, "u", 1, v),
    "expir",
    invalid=[0, 7 * 24 * 3600 + 1, timedelta(days=8)],
    wrong_type=["60", 1.5],
)
case(
    "initiate_new_multipart_upload.metadata",
    lambda c, v: c.initiate_new_multipart_upload(B, K, metadata=v),
    "metadata",
    invalid=BAD_METADATA,
)
case(
    "initiate_new_multipart_upload.tags",
    lambda c, v: c.initiate_new_multipart_upload(B, K, tags=v),
    "tags",
    invalid=BAD_TAGS,
    wrong_type=TAG_TYPES,
)
for keyword, (invalid, wrong_type) in BAD_STANDARD_HEADERS.items():
    case(
        f"initiate_new_multipart_upload.{keyword}",
        lambda c, v, k=keyword: c.initiate_new_multipart_upload(B, K, **{k: v}),
        keyword,
        invalid=invalid,
        wrong_type=wrong_type,
    )


# -- lifecycle, default encryption, CORS and replication ---------------------------------------
UTC = timezone.utc
RULE_DOCUMENTS: dict[str, Any] = {
    "lifecycle": aiominio.LifecycleConfig(
        rules=[aiominio.LifecycleRule(expiration=aiominio.Expiration(days=1))]
    ),
    "encryption": aiominio.SseConfig.sse_s3(),
    "cors": aiominio.CorsConfig(rules=[aiominio.CorsRule(["GET"], ["*"])]),
    "replication": aiominio.ReplicationConfig(
        "arn:aws:iam::123456789012:role/r", [aiominio.ReplicationRule("arn:aws:s3:::dest")]
    ),
}
for document, good in RULE_DOCUMENTS.items():
    for verb in ("set", "get", "delete"):
        method = f"{verb}_bucket_{document}"
        extra = (good,) if verb == "set" else ()
        case(
            method,
            lambda c, v, m=method, x=extra: getattr(c, m)(v, *x),
            "bucket name",
            invalid=BAD_BUCKETS,
            wrong_type=BUCKET_TYPES,
        )
    others = [d for d in RULE_DOCUMENTS.values() if d is not good]
    case(
        f"set_bucket_{document}.config",
        lambda c, v, m=f"set_bucket_{document}": getattr(c, m)(B, v),
        "config must be",
        wrong_type=[None, {"rules": []}, "<xml/>", *others],
    )


def lifecycle(**rule: Any) -> aiominio.LifecycleConfig:
    """A configuration of one rule: ``rule`` over a rule that expires objects after a day."""
    fields: dict[str, Any] = {"expiration": aiominio.Expiration(days=1), **rule}
    return aiominio.LifecycleConfig(rules=[aiominio.LifecycleRule(**fields)])


MIDNIGHT = datetime(2030, 1, 1, tzinfo=UTC)
for name, match, invalid, wrong_type in [
    (
        "rules",
        "rules",
        [
            aiominio.LifecycleConfig(rules=[]),
            aiominio.LifecycleConfig(rules=[lifecycle().rules[0]] * 1001),
        ],
        [aiominio.LifecycleConfig(rules="r"), aiominio.LifecycleConfig(rules=[{"ID": "a"}])],
    ),
    (
        "id",
        "id",
        [lifecycle(id=""), lifecycle(id="x" * 256), lifecycle(id="a\nb")],
        [lifecycle(id=5)],
    ),
    ("enabled", "enabled", [], [lifecycle(enabled="Enabled"), lifecycle(enabled=1)]),
    (
        "filter",
        "filter|tags|prefix",
        [
            lifecycle(filter=aiominio.LifecycleFilter(prefix="p" * 1025)),
            lifecycle(filter=aiominio.LifecycleFilter(tags={"": "v"})),
            lifecycle(filter=aiominio.LifecycleFilter(tags={f"k{i}": "v" for i in range(11)})),
            lifecycle(filter=aiominio.LifecycleFilter(object_size_greater_than=-1)),
            lifecycle(filter=aiominio.LifecycleFilter(object_size_less_than=0)),
            lifecycle(
                filter=aiominio.LifecycleFilter(object_size_greater_than=9, object_size_less_than=5)
            ),
        ],
        [lifecycle(filter="logs/"), lifecycle(filter=aiominio.LifecycleFilter(prefix=3))],
    ),
    (
        "expiration",
        "expiration",
        [
            lifecycle(expiration=aiominio.Expiration(days=0)),
            lifecycle(expiration=aiominio.Expiration()),
            lifecycle(expiration=aiominio.Expiration(days=1, date=MIDNIGHT)),
            lifecycle(expiration=aiominio.Expiration(date=MIDNIGHT + timedelta(minutes=1))),
            lifecycle(expiration=aiominio.Expiration(date=datetime(2030, 1, 1))),
        ],
        [
            lifecycle(expiration=30),
            lifecycle(expiration=aiominio.Expiration(days="30")),
            lifecycle(expiration=aiominio.Expiration(date="2030-01-01")),
        ],
    ),
    (
        "transitions",
        "transition",
        [
            lifecycle(transitions=[aiominio.Transition("GLACIER")]),
            lifecycle(transitions=[aiominio.Transition("GLACIER", days=-1)]),
            lifecycle(transitions=[aiominio.Transition("", days=1)]),
        ],
        [lifecycle(transitions=[("GLACIER", 30)]), lifecycle(transitions="GLACIER")],
    ),
    (
        "noncurrent_version_expiration",
        "noncurrent",
        [
            lifecycle(noncurrent_version_expiration=aiominio.NoncurrentVersionExpiration(0)),
            lifecycle(noncurrent_version_expiration=aiominio.NoncurrentVersionExpiration(1, 0)),
            lifecycle(noncurrent_version_expiration=aiominio.NoncurrentVersionExpiration(1, 101)),
        ],
        [lifecycle(noncurrent_version_expiration=7)],
    ),
    (
        "noncurrent_version_transitions",
        "noncurrent",
        [
            lifecycle(
                noncurrent_version_transitions=[aiominio.NoncurrentVersionTransition(-1, "X")]
            ),
            lifecycle(noncurrent_version_transitions=[aiominio.NoncurrentVersionTransition(1, "")]),
        ],
        [lifecycle(noncurrent_version_transitions=[aiominio.Transition("X", days=1)])],
    ),
    (
        "abort_incomplete_multipart_upload_days",
        "abort_incomplete|tag filter",
        [
            lifecycle(abort_incomplete_multipart_upload_days=0),
            lifecycle(
                filter=aiominio.LifecycleFilter(tags={"a": "b"}),
                abort_incomplete_multipart_upload_days=1,
            ),
        ],
        [lifecycle(abort_incomplete_multipart_upload_days="7")],
    ),
    ("actions", "no action", [lifecycle(expiration=None)], []),
]:
    case(
        f"set_bucket_lifecycle.{name}",
        lambda c, v: c.set_bucket_lifecycle(B, v),
        match,
        invalid=invalid,
        wrong_type=wrong_type,
    )
case(
    "set_bucket_encryption.rules",
    lambda c, v: c.set_bucket_encryption(B, v),
    "rules|algorithm|kms_key_id|bucket_key_enabled|SseRule",
    invalid=[
        aiominio.SseConfig(rules=[]),
        aiominio.SseConfig(rules=[aiominio.SseRule("AES256")] * 2),
        aiominio.SseConfig(rules=[aiominio.SseRule("DES")]),
        aiominio.SseConfig(rules=[aiominio.SseRule("AES256", "key-1")]),
        aiominio.SseConfig(rules=[aiominio.SseRule("aws:kms", "key\n1")]),
    ],
    wrong_type=[
        aiominio.SseConfig(rules=["AES256"]),
        aiominio.SseConfig(rules=[aiominio.SseRule(256)]),
        aiominio.SseConfig(rules=[aiominio.SseRule("aws:kms", bucket_key_enabled="yes")]),
    ],
)


def cors(**rule: Any) -> aiominio.CorsConfig:
    fields: dict[str, Any] = {"allowed_methods": ["GET"], "allowed_origins": ["*"], **rule}
    return aiominio.CorsConfig(rules=[aiominio.CorsRule(**fields)])


case(
    "set_bucket_cors.rules",
    lambda c, v: c.set_bucket_cors(B, v),
    "rules|allowed_|max_age|id|control",
    invalid=[
        aiominio.CorsConfig(rules=[]),
        aiominio.CorsConfig(rules=cors().rules * 101),
        cors(allowed_methods=[]),
        cors(allowed_methods=["PATCH"]),
        cors(allowed_origins=[]),
        cors(allowed_origins=["https://*.*.example.com"]),
        cors(allowed_headers=["x-amz-*-*"]),
        cors(expose_headers=["x\r\nInjected: 1"]),
        cors(max_age_seconds=-1),
        cors(id="i" * 256),
    ],
    wrong_type=[
        cors(allowed_methods="GET"),
        cors(allowed_origins=[5]),
        cors(max_age_seconds=1.5),
        aiominio.CorsConfig(rules=[{"AllowedMethod": "GET"}]),
    ],
)


def replication(role: str = "arn:aws:iam::1:role/r", **rule: Any) -> aiominio.ReplicationConfig:
    fields: dict[str, Any] = {"destination_bucket": "arn:aws:s3:::dest", **rule}
    return aiominio.ReplicationConfig(role, [aiominio.ReplicationRule(**fields)])


case(
    "set_bucket_replication.rules",
    lambda c, v: c.set_bucket_replication(B, v),
    "rules|role|destination_bucket|priority|id|filter|tags|storage_class|delete_marker|enabled",
    invalid=[
        aiominio.ReplicationConfig("arn:aws:iam::1:role/r", []),
        replication(role="my-role"),
        replication(destination_bucket="dest"),
        replication(destination_bucket=""),
        replication(priority=-1),
        replication(id="r" * 256),
        replication(filter=aiominio.ReplicationFilter(tags={"k": "v" * 257})),
        replication(storage_class=""),
        replication(
            filter=aiominio.ReplicationFilter(tags={"k": "v"}), delete_marker_replication=True
        ),
        aiominio.ReplicationConfig(
            "arn:aws:iam::1:role/r",
            [aiominio.ReplicationRule("arn:aws:s3:::d", priority=1)] * 2,
        ),
    ],
    wrong_type=[
        replication(role=None),
        replication(destination_bucket=None),
        replication(priority="1"),
        replication(enabled="Enabled"),
        replication(filter=aiominio.LifecycleFilter()),
        aiominio.ReplicationConfig("arn:aws:iam::1:role/r", ["arn:aws:s3:::d"]),
    ],
)


@pytest.mark.parametrize("bad", CASES)
async def test_refused_before_the_network(traced: Traced, bad: Case) -> None:
    endpoint = f"http://127.0.0.1:{testing.find_free_port()}"
    kwargs: dict[str, Any] = {"access_key": "a", "secret_key": "b"}
    client, log = traced(
        endpoint, retry=aiominio.RetryPolicy(max_attempts=1), **(bad.client or kwargs)
    )
    async with client:
        with pytest.raises((TypeError, ValueError), match=bad.match) as info:
            result = bad.call(client)
            if not inspect.iscoroutine(result):
                pytest.fail(f"{bad.name} accepted its arguments and returned {result!r}")
            await result
    assert type(info.value) is bad.expected, repr(info.value)
    assert log.sent == []


def test_every_public_method_has_a_case() -> None:
    public = {
        n for n, m in inspect.getmembers(aiominio.Client) if callable(m) and not n.startswith("_")
    }
    no_arguments = {"close", "list_buckets", "new_post_policy", "with_options"}
    covered = {p.values[0].name.split(".")[0] for p in CASES}
    assert public - no_arguments - covered == set()
    assert "Client" in covered


@pytest.mark.parametrize("value", HEADER_BREAKERS)
async def test_the_requester_refuses_any_header_no_check_caught(traced: Traced, value: str) -> None:
    # The last safety net, under every argument check: a header value that reaches the
    # requester (one copied from an answer, say) is refused, typed, and nothing is sent.
    endpoint = f"http://127.0.0.1:{testing.find_free_port()}"
    retry = aiominio.RetryPolicy(max_attempts=1)
    client, log = traced(endpoint, access_key="a", secret_key="b", region="us-east-1", retry=retry)
    async with client:
        for headers in ({"x-amz-meta-copied": value}, {f"x-{value}": "v"}):
            with pytest.raises(aiominio.InvalidArgument, match=r"^header") as info:
                await client.requester.execute("GET", B, K, headers=headers)
            assert type(info.value) is aiominio.InvalidArgument
    assert log.sent == []
