"""Where the next page of a listing starts: the cursor each page names, and a truncated page
that names none, or the one it was asked with, refused (the next request would repeat forever)."""

from __future__ import annotations

import pytest

from aiominio.core.versioning import VersionPage
from aiominio.core.xml import ObjectPage, PartPage, UploadPage
from aiominio.errors import InvalidResponseError
from aiominio.models import ObjectInfo


def _page(keys: list[str], truncated: bool, marker: str | None, token: str | None) -> ObjectPage:
    entries = [ObjectInfo(key=k) for k in keys]
    return ObjectPage(entries, truncated, marker, token)


def test_the_last_page_has_no_cursor() -> None:
    page = _page(["a"], False, "m", "t")
    assert page.cursor_after(None, v2=True) is None
    assert page.cursor_after("a", v2=False) is None


def test_v2_uses_the_continuation_token_only() -> None:
    assert _page(["a"], True, "marker", "tok").cursor_after(None, v2=True) == "tok"
    assert _page(["a"], True, None, "tok2").cursor_after("tok1", v2=True) == "tok2"
    for token, sent in ((None, None), ("", None), ("tok", "tok")):
        with pytest.raises(InvalidResponseError, match="ListObjectsV2 page that does not advance"):
            _page(["a"], True, "marker", token).cursor_after(sent, v2=True)


def test_v1_uses_the_next_marker_else_the_last_key() -> None:
    assert _page(["a", "b"], True, "m", None).cursor_after(None, v2=False) == "m"
    assert _page(["a", "b"], True, None, None).cursor_after(None, v2=False) == "b"
    assert _page(["a", "b"], True, "", "tok").cursor_after("a", v2=False) == "b"
    with pytest.raises(InvalidResponseError, match="ListObjects page"):
        _page([], True, None, "tok").cursor_after(None, v2=False)
    with pytest.raises(InvalidResponseError, match="'b'"):
        _page(["a", "b"], True, None, None).cursor_after("b", v2=False)


def test_upload_pages() -> None:
    def page(truncated: bool, key: str | None, upload: str | None) -> UploadPage:
        return UploadPage([], [], truncated, key, upload)

    assert page(False, "k", "u").cursor_after(None) is None
    assert page(True, "k", "u").cursor_after(None) == ("k", "u")
    assert page(True, "k", None).cursor_after(("j", "u")) == ("k", None)
    assert page(True, "k", "u2").cursor_after(("k", "u1")) == ("k", "u2")
    for key, upload, sent in (
        (None, "u", None),
        ("", "u", None),
        ("k", "u", ("k", "u")),
        ("k", None, ("k", None)),
    ):
        with pytest.raises(InvalidResponseError, match="ListMultipartUploads"):
            page(True, key, upload).cursor_after(sent)


def test_part_pages() -> None:
    assert PartPage([], False, 5).cursor_after(None) is None
    assert PartPage([], True, 5).cursor_after(None) == 5
    assert PartPage([], True, 5).cursor_after(4) == 5
    for marker, sent in ((None, None), (0, None), (5, 5), (4, 5)):
        with pytest.raises(InvalidResponseError, match="ListParts"):
            PartPage([], True, marker).cursor_after(sent)


def test_version_pages() -> None:
    def page(truncated: bool, key: str | None, version: str | None) -> VersionPage:
        return VersionPage([], truncated, key, version)

    assert page(False, "k", "v").cursor_after(None) is None
    assert page(True, "k", "v").cursor_after(None) == ("k", "v")
    assert page(True, "k", None).cursor_after(("j", None)) == ("k", None)
    assert page(True, "k", "v2").cursor_after(("k", "v1")) == ("k", "v2")
    for key, version, sent in ((None, "v", None), ("", None, None), ("k", "v", ("k", "v"))):
        with pytest.raises(InvalidResponseError, match="ListObjectVersions"):
            page(True, key, version).cursor_after(sent)
