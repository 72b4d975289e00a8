"""Misuse that is refused before any request: files in text mode or already closed."""

from __future__ import annotations

from pathlib import Path

import aiofiles
import pytest

import aiominio
from tests.conftest import Traced

DEAD = "http://127.0.0.1:9"  # nothing is sent, so nothing needs to listen


async def test_text_mode_and_closed_files_are_refused(tmp_path: Path, traced: Traced) -> None:
    path = tmp_path / "data.txt"
    path.write_text("hello")
    client, log = traced(DEAD, access_key="a" * 8, secret_key="s" * 8, region="us-east-1")
    with open(path) as text, pytest.raises(TypeError, match=r"text mode.*'rb'"):
        await client.put_object("bkt", "k", text)
    async with aiofiles.open(path) as atext:
        with pytest.raises(TypeError, match="text mode"):
            await client.put_object("bkt", "k", atext)
    with open(path, "rb") as f:
        pass
    with pytest.raises(aiominio.InvalidArgument, match="closed") as info:
        await client.put_object("bkt", "k", f)
    assert str(path) in str(info.value)
    async with aiofiles.open(path, "rb") as af:
        pass
    with pytest.raises(aiominio.InvalidArgument, match="closed"):
        await client.put_object("bkt", "k", af)
    assert log.sent == []
