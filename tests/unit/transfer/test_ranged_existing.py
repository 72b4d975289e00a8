"""The record of a ranged download: a FIFO planted where the record should be is not read.
(Existing tests, to be folded into test_ranged.py.)"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from aiominio.transfer import ranged


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
async def test_a_fifo_planted_at_the_ranges_record_is_not_read(tmp_path: Path) -> None:
    """Opening a FIFO for reading waits for a writer: a planted one would hold a thread for
    ever. It is opened without waiting, and is no record."""
    record = tmp_path / "x.part.ranges.json"
    os.mkfifo(record)
    loaded = await asyncio.wait_for(asyncio.to_thread(ranged.load_record, str(record)), 10)
    assert loaded is ranged.UNUSABLE
