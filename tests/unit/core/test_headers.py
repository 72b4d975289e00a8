"""Object headers: exact names and values sent, every refusal's message, dates both ways, the
stat read off an answer."""

from __future__ import annotations

import platform
import time
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aiominio.core import headers
from aiominio.core import headers as h
from aiominio.core.conditions import http_date
from aiominio.core.headers import stat_from_headers
from aiominio.errors import InvalidArgument, InvalidResponseError
from aiominio.models import RestoreStatus
from aiominio.version import __version__

UTC = timezone.utc


def test_constants() -> None:
    assert h.META_PREFIX == "x-amz-meta-"
    assert h.DEFAULT_CONTENT_TYPE == "application/octet-stream"


@pytest.mark.parametrize(
    ("header", "keyword", "value"),
    [
        ("Cache-Control", "cache_control", "no-cache"),
        ("Content-Type", "content_type", None),
        ("Content-Disposition", "content_disposition", "inline"),
        ("Content-Encoding", "content_encoding", "gzip"),
        ("Content-Language", "content_language", "fr"),
        ("Expires", "expires", datetime(2030, 1, 1, tzinfo=UTC)),
        ("X-Amz-Storage-Class", "storage_class", "STANDARD"),
        ("X-Amz-Tagging", "tags", None),
    ],
)
def test_a_standard_header_as_metadata_names_the_keyword_that_sets_it(
    header: str, keyword: str, value: object
) -> None:
    with pytest.raises(InvalidArgument, match=rf"; use the {keyword}= keyword$"):
        h.metadata_headers({header.lower(): "v"})
    if value is not None:  # the keyword named does set that very header
        assert [k.lower() for k in h.standard_headers(**{keyword: value})] == [header.lower()]


@pytest.mark.parametrize(
    ("value", "bare"),
    [
        ('"abc"', "abc"),
        ("abc", "abc"),
        ("&quot;abc&quot;", "abc"),
        ('  "abc"  ', "abc"),
        ('""', ""),
        ('"', ""),
        ("", ""),
        ('W/"abc"', 'W/"abc'),
    ],
)
def test_unquote_etag(value: str, bare: str) -> None:
    assert h.unquote_etag(value) == bare


def test_a_quoted_header_etag_is_taken_verbatim_between_its_quotes() -> None:
    # "&quot;" is only an escape in XML; in a quoted header value it is the ETag's own text.
    assert h.unquote_etag('"a&quot;b"') == "a&quot;b"
    assert h.unquote_etag('"abc') == "abc"
    assert h.unquote_etag("Xabc") == "Xabc"
    assert h.unquote_etag("abcX") == "abcX"


TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_a_name_of_every_token_character_is_a_token() -> None:
    # RFC 9110 tchar, all of it in one name and one storage class.
    assert h.object_headers("t/t", {TOKEN_CHARS: "v"}) == {
        "Content-Type": "t/t",
        f"x-amz-meta-{TOKEN_CHARS.lower()}": "v",
    }
    assert h.standard_headers(storage_class=TOKEN_CHARS) == {"x-amz-storage-class": TOKEN_CHARS}


def test_dates_do_not_depend_on_the_local_zone(local_time_zone: Callable[[str], None]) -> None:
    local_time_zone("EST+5")  # UTC-5
    assert time.localtime(0).tm_hour == 19  # the machine's zone is UTC-5 now
    when = datetime(2026, 1, 5, 12, tzinfo=UTC)
    assert h.format_http_date(when) == "Mon, 05 Jan 2026 12:00:00 GMT"
    assert http_date(when) == "Mon, 05 Jan 2026 12:00:00 GMT"


# Every month and week day, by hand (2026-01-05 was a Monday).
DATES = [
    ("Mon, 05 Jan 2026 00:00:00 GMT", datetime(2026, 1, 5, tzinfo=UTC)),
    ("Tue, 10 Feb 2026 01:02:03 GMT", datetime(2026, 2, 10, 1, 2, 3, tzinfo=UTC)),
    ("Wed, 11 Mar 2026 23:59:59 GMT", datetime(2026, 3, 11, 23, 59, 59, tzinfo=UTC)),
    ("Thu, 16 Apr 2026 12:00:00 GMT", datetime(2026, 4, 16, 12, tzinfo=UTC)),
    ("Fri, 01 May 2026 00:00:00 GMT", datetime(2026, 5, 1, tzinfo=UTC)),
    ("Sat, 06 Jun 2026 00:00:00 GMT", datetime(2026, 6, 6, tzinfo=UTC)),
    ("Sun, 05 Jul 2026 00:00:00 GMT", datetime(2026, 7, 5, tzinfo=UTC)),
    ("Mon, 03 Aug 2026 00:00:00 GMT", datetime(2026, 8, 3, tzinfo=UTC)),
    ("Tue, 01 Sep 2026 00:00:00 GMT", datetime(2026, 9, 1, tzinfo=UTC)),
    ("Wed, 07 Oct 2026 00:00:00 GMT", datetime(2026, 10, 7, tzinfo=UTC)),
    ("Thu, 05 Nov 2026 00:00:00 GMT", datetime(2026, 11, 5, tzinfo=UTC)),
    ("Fri, 25 Dec 2026 00:00:00 GMT", datetime(2026, 12, 25, tzinfo=UTC)),
    ("Tue, 01 Jan 0999 00:00:00 GMT", datetime(999, 1, 1, tzinfo=UTC)),
]


@pytest.mark.parametrize(("text", "when"), DATES)
def test_http_dates_by_hand(text: str, when: datetime) -> None:
    assert h.format_http_date(when) == text
    parsed = h.parse_http_date(text)
    assert parsed == when
    assert parsed.utcoffset() == timedelta(0)


def test_format_converts_to_utc() -> None:
    tokyo = timezone(timedelta(hours=9))
    assert h.format_http_date(datetime(2026, 1, 1, 8, tzinfo=tokyo)) == (
        "Wed, 31 Dec 2025 23:00:00 GMT"
    )


def test_other_http_date_forms_are_read() -> None:
    # RFC 850 and asctime forms, which HTTP/1.1 recipients must accept.
    assert h.parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT") == datetime(
        1994, 11, 6, 8, 49, 37, tzinfo=UTC
    )
    naive_form = h.parse_http_date("Sun Nov  6 08:49:37 1994")
    assert naive_form == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    assert naive_form.tzinfo is UTC
    offset = h.parse_http_date("Sun, 06 Nov 1994 10:49:37 +0200")
    assert offset == datetime(1994, 11, 6, 8, 49, 37, tzinfo=UTC)
    assert offset.utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize(
    "bad",
    [
        "Mon, 31 Feb 2026 00:00:00 GMT",  # the fixed form, an impossible day
        "Mon, 05 Jan 2026 24:00:00 GMT",
        "yesterday",
        "",
    ],
)
def test_malformed_dates_are_named(bad: str) -> None:
    with pytest.raises(InvalidResponseError) as exc:
        h.parse_http_date(bad)
    assert str(exc.value) == f"the server sent a malformed date: {bad!r}"


def test_a_long_malformed_date_is_cut_to_64_characters() -> None:
    bad = "x" * 100
    with pytest.raises(InvalidResponseError) as exc:
        h.parse_http_date(bad)
    assert str(exc.value) == f"the server sent a malformed date: {'x' * 64!r}"
    fixed = "Mon, 31 Feb 2026 00:00:00 GMT"
    with pytest.raises(InvalidResponseError) as exc:
        h.parse_http_date(fixed)
    assert exc.value.__cause__ is not None


def test_parse_count() -> None:
    assert h.parse_count("0", "Size") == 0
    assert h.parse_count(" 42 ", "Size") == 42
    for bad in ("", "-1", "1_0", "١", "12abc", "+1"):
        with pytest.raises(InvalidResponseError) as exc:
            h.parse_count(bad, "Size")
        assert str(exc.value) == f"the server sent a malformed Size: {bad!r}"
    with pytest.raises(InvalidResponseError) as exc:
        h.parse_count("y" * 70, "Content-Length")
    assert str(exc.value) == f"the server sent a malformed Content-Length: {'y' * 64!r}"


def test_parse_count_refuses_numbers_no_size_can_be() -> None:
    assert h.parse_count("9" * 20, "Size") == 10**20 - 1
    # int() of over 4,300 digits is a bare ValueError; of a few thousand, slow.
    for digits in ("1" + "0" * 20, "9" * 5000):
        with pytest.raises(InvalidResponseError, match="malformed Content-Range"):
            h.stat_from_headers({"content-range": f"bytes 0-0/{digits}"})


def test_metadata_headers_exact() -> None:
    assert h.metadata_headers({}) == {}
    assert h.metadata_headers({"Color": "red", "X-Amz-Meta-Size": "L", "a": ""}) == {
        "x-amz-meta-color": "red",
        "x-amz-meta-size": "L",
        "x-amz-meta-a": "",
    }


def test_metadata_name_refusals() -> None:
    for name in ("x-amz-meta-", "X-AMZ-META-"):
        with pytest.raises(InvalidArgument) as exc:
            h.metadata_headers({name: "v"})
        assert str(exc.value) == f"metadata name must not be empty: {name!r}"
    with pytest.raises(InvalidArgument) as exc:
        h.metadata_headers({"Cache-Control": "v"})
    assert str(exc.value) == (
        "metadata name 'Cache-Control' is a standard header, not user metadata; "
        "use the cache_control= keyword"
    )
    with pytest.raises(InvalidArgument, match=r"use the tags= keyword$"):
        h.metadata_headers({"x-amz-tagging": "a=b"})
    with pytest.raises(
        InvalidArgument, match=r"^metadata names collide once lower-cased: 'x-amz-meta-foo'$"
    ):
        h.metadata_headers({"Foo": "1", "x-amz-meta-foo": "2"})
    with pytest.raises(InvalidArgument, match=r"^metadata names collide once lower-cased: 'foo'$"):
        h.metadata_headers({"FOO": "1", "foo": "2"})


def test_user_metadata_strips_the_prefix_only_where_it_starts() -> None:
    assert h.user_metadata(
        {"x-amz-meta-color": "red", "x-amz-meta-": "e", "content-type": "t", "a-x-amz-meta-b": "c"}
    ) == {"color": "red", "": "e"}


def test_object_headers_exact() -> None:
    assert h.object_headers("text/plain", None) == {"Content-Type": "text/plain"}
    assert h.object_headers("text/plain; charset=utf-8", {"Name!#$%&'*+-.^_`|~09": "v\tw"}) == {
        "Content-Type": "text/plain; charset=utf-8",
        "x-amz-meta-name!#$%&'*+-.^_`|~09": "v\tw",
    }


@pytest.mark.parametrize("bad", [None, "", "tëxt/plain", b"text/plain"])
def test_content_type_refusals(bad: object) -> None:
    with pytest.raises(InvalidArgument) as exc:
        h.object_headers(bad, None)
    assert str(exc.value) == f"content_type must be a non-empty ASCII string: {bad!r}"


def test_content_type_with_a_control() -> None:
    with pytest.raises(
        InvalidArgument, match=r"^content_type may hold only visible ASCII, spaces and tabs: "
    ):
        h.object_headers("text/plain\r\nX: y", None)


@pytest.mark.parametrize("name", ["", "a b", "a:b", "a/b", "é", 1, "a\x7f"])
def test_metadata_names_must_be_tokens(name: object) -> None:
    with pytest.raises(InvalidArgument) as exc:
        h.object_headers("t/t", {name: "v"})  # type: ignore[dict-item]
    assert str(exc.value) == f"metadata name must be an HTTP token: {name!r}"


def test_metadata_value_refusals() -> None:
    with pytest.raises(TypeError, match=r"^metadata value for 'k' must be a str$"):
        h.object_headers("t/t", {"k": 1})  # type: ignore[dict-item]
    with pytest.raises(InvalidArgument, match=r"^metadata value for 'k' must be ASCII$"):
        h.object_headers("t/t", {"k": "é"})
    with pytest.raises(InvalidArgument) as exc:
        h.object_headers("t/t", {"k": "a\nb"})
    assert str(exc.value) == (
        "metadata value for 'k' may hold only visible ASCII, spaces and tabs: '\\n' at position 1"
    )


def test_standard_header_refusals() -> None:
    with pytest.raises(TypeError, match=r"^cache_control must be a str, not int$"):
        h.standard_headers(cache_control=1)  # type: ignore[arg-type]
    for name in ("cache_control", "content_disposition", "content_encoding", "content_language"):
        for bad in ("", "é"):
            with pytest.raises(InvalidArgument) as exc:
                h.standard_headers(**{name: bad})  # type: ignore[arg-type]
            assert str(exc.value) == f"{name} must be a non-empty ASCII string: {bad!r}"
        with pytest.raises(InvalidArgument) as exc:
            h.standard_headers(**{name: "a\nb"})  # type: ignore[arg-type]
        assert str(exc.value) == (
            f"{name} may hold only visible ASCII, spaces and tabs: '\\n' at position 1"
        )


def test_each_standard_header_alone() -> None:
    assert h.standard_headers(cache_control="no-store") == {"Cache-Control": "no-store"}
    assert h.standard_headers(content_disposition="inline") == {"Content-Disposition": "inline"}
    assert h.standard_headers(content_encoding="br") == {"Content-Encoding": "br"}
    assert h.standard_headers(content_language="fr") == {"Content-Language": "fr"}
    assert h.standard_headers(storage_class="STANDARD") == {"x-amz-storage-class": "STANDARD"}


def test_expires() -> None:
    when = datetime(2026, 1, 5, 1, tzinfo=timezone(timedelta(hours=1)))
    assert h.standard_headers(expires=when) == {"Expires": "Mon, 05 Jan 2026 00:00:00 GMT"}
    with pytest.raises(TypeError, match=r"^expires must be a datetime, not str$"):
        h.standard_headers(expires="tomorrow")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"^expires must be a timezone-aware datetime$"):
        h.standard_headers(expires=datetime(2026, 1, 1))


def test_storage_class_refusals() -> None:
    with pytest.raises(TypeError, match=r"^storage_class must be a str, not int$"):
        h.standard_headers(storage_class=3)  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArgument, match=r"^storage_class must be a non-empty ASCII string: ''$"
    ):
        h.standard_headers(storage_class="")
    with pytest.raises(InvalidArgument, match=r"^storage_class must be an HTTP token: 'A B'$"):
        h.standard_headers(storage_class="A B")


def test_upload_headers_exact() -> None:
    when = datetime(2026, 1, 5, tzinfo=UTC)
    assert h.upload_headers(
        "image/png",
        {"k": "v"},
        tags={"a b": "c"},
        cache_control="no-cache",
        content_disposition="inline",
        content_encoding="gzip",
        content_language="en",
        expires=when,
        storage_class="GLACIER",
    ) == {
        "Content-Type": "image/png",
        "x-amz-meta-k": "v",
        "Cache-Control": "no-cache",
        "Content-Disposition": "inline",
        "Content-Encoding": "gzip",
        "Content-Language": "en",
        "Expires": "Mon, 05 Jan 2026 00:00:00 GMT",
        "x-amz-storage-class": "GLACIER",
        "x-amz-tagging": "a%20b=c",
    }
    assert h.upload_headers("t/t", None) == {"Content-Type": "t/t"}
    assert h.upload_headers("t/t", None, tags={}) == {"Content-Type": "t/t"}
    with pytest.raises(InvalidArgument, match=r"^tags: a key must be 1 to 128 characters$"):
        h.upload_headers("t/t", None, tags={"": "v"})


def test_stat_from_headers_exact() -> None:
    answer = {
        "content-length": "11",
        "etag": '"abc"',
        "content-type": "text/plain",
        "last-modified": "Mon, 05 Jan 2026 00:00:00 GMT",
        "x-amz-meta-color": "red",
        "x-amz-version-id": "v9",
    }
    stat = h.stat_from_headers(answer)
    assert stat.size == 11
    assert stat.etag == "abc"
    assert stat.content_type == "text/plain"
    assert stat.last_modified == datetime(2026, 1, 5, tzinfo=UTC)
    assert stat.metadata == {"color": "red"}
    assert stat.version_id == "v9"
    assert stat.headers == answer and stat.headers is not answer
    assert (stat.cache_control, stat.content_disposition) == (None, None)
    assert (stat.content_encoding, stat.content_language) == (None, None)
    assert (stat.expires, stat.storage_class) == (None, None)


def test_stat_of_an_empty_answer() -> None:
    stat = h.stat_from_headers({})
    assert (stat.size, stat.etag, stat.content_type) == (0, "", "")
    assert (stat.last_modified, stat.version_id, stat.metadata) == (None, None, {})


def test_stat_size_from_content_range() -> None:
    assert h.stat_from_headers({"content-length": "1", "content-range": "bytes 0-0/1234"}).size == (
        1234
    )
    assert h.stat_from_headers({"content-length": "1", "content-range": "bytes 0-0/*"}).size == 1
    assert h.stat_from_headers({"content-length": "1", "content-range": "bytes 0-0"}).size == 1
    assert h.stat_from_headers({"content-length": "1", "content-range": "a/b/7"}).size == 7
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed Content-Range"):
        h.stat_from_headers({"content-length": "1", "content-range": "bytes 0-0/x"})
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed Content-Length"):
        h.stat_from_headers({"content-length": "x"})


def test_stat_dates() -> None:
    with pytest.raises(InvalidResponseError, match=r"^the server sent a malformed date: 'x'$"):
        h.stat_from_headers({"last-modified": "x"})
    assert h.stat_from_headers({"last-modified": ""}).last_modified is None
    assert h.stat_from_headers({"expires": ""}).expires is None
    assert h.stat_from_headers({"expires": "0"}).expires is None
    assert h.stat_from_headers({"expires": "Fri, 25 Dec 2026 00:00:00 GMT"}).expires == datetime(
        2026, 12, 25, tzinfo=UTC
    )


def test_stat_from_headers() -> None:
    stat = stat_from_headers(
        {
            "content-length": "10",
            "content-range": "bytes 0-9/1234",
            "etag": '"abc"',
            "content-type": "image/png",
            "last-modified": "Wed, 21 Oct 2015 07:28:00 GMT",
            "x-amz-meta-owner": "alice",
            "x-amz-version-id": "v9",
        }
    )
    assert stat.size == 1234 and stat.etag == "abc" and stat.content_type == "image/png"
    assert stat.metadata == {"owner": "alice"} and stat.version_id == "v9"
    assert stat.last_modified is not None and stat.last_modified.year == 2015


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


# -- the User-Agent ---------------------------------------------------------------------------


def test_the_user_agent_names_aiominio_its_version_and_python() -> None:
    named = f"aiominio/{__version__} (Python {platform.python_version()})"
    assert h.user_agent() == h.user_agent(None) == h.USER_AGENT == named


@pytest.mark.parametrize(
    ("app_info", "suffix"),
    [
        (("photo-sync", "2.3"), "photo-sync/2.3"),
        (["my_app", "1.0.0-rc.1+build.7"], "my_app/1.0.0-rc.1+build.7"),
        (("A!#$%&'*+-.^_`|~z", "0"), "A!#$%&'*+-.^_`|~z/0"),
    ],
)
def test_app_info_is_appended(app_info: tuple[str, str], suffix: str) -> None:
    assert h.user_agent(app_info) == f"{h.USER_AGENT} {suffix}"


@pytest.mark.parametrize(
    ("app_info", "message"),
    [
        (("", "1"), "app_info's name must be a non-empty HTTP token"),
        (("app", ""), "app_info's version must be a non-empty HTTP token"),
        (("my app", "1"), r"'my app'"),
        (("app", "1 beta"), r"'1 beta'"),
        (("a/b", "1"), r"'a/b'"),
        (("app", "1\r\nX-Injected: yes"), r"'1\\r\\nX-Injected: yes'"),
        (("app", "1\n"), r"'1\\n'"),
        (("appé", "1"), r"'app\\xe9'"),
        (("(app)", "1"), r"'\(app\)'"),
        (("app", "1;2"), "'1;2'"),
    ],
)
def test_app_info_must_be_http_tokens(app_info: tuple[str, str], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        h.user_agent(app_info)


@pytest.mark.parametrize(
    ("app_info", "message"),
    [
        ("app/1.0", "app_info must be a pair of strings"),
        (("app",), "app_info must be a pair of strings"),
        (("app", "1", "x"), "app_info must be a pair of strings"),
        (("app", 1), "app_info's version must be a str, not int"),
        ((b"app", "1"), "app_info's name must be a str, not bytes"),
    ],
)
def test_app_info_of_the_wrong_type(app_info: object, message: str) -> None:
    with pytest.raises(TypeError, match=message):
        h.user_agent(app_info)  # type: ignore[arg-type]


def test_the_restore_header_reads_as_a_status() -> None:
    read = headers.parse_restore_header
    done = read('ongoing-request="false", expiry-date="Tue, 08 Dec 2026 22:22:40 GMT"')
    assert done == RestoreStatus(False, datetime(2026, 12, 8, 22, 22, 40, tzinfo=timezone.utc))
    assert read('ongoing-request="true"') == RestoreStatus(True, None)
    assert read('ongoing-request="false", expiry-date="soon"') == RestoreStatus(False, None)
    assert [read(v) for v in (None, "", 'ongoing-request="maybe"', "junk")] == [None] * 4
    stat = stat_from_headers({"content-length": "1", "x-amz-restore": 'ongoing-request="true"'})
    assert stat.restore == RestoreStatus(True, None)
