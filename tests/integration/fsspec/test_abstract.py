"""fsspec's own conformance suites (shipped in its wheel: ``fsspec.tests.abstract``), derived
for the filesystem and run on SeaweedFS and moto: copy, get, put, pipe and open.

S3 keeps no empty directories, so the fixtures say ``supports_empty_directories = False``
(the suites then check that a directory with nothing in it does not exist). SeaweedFS keeps an
emptied prefix as a directory of its own; the filesystem clears those, so both servers answer
alike.
"""

from __future__ import annotations

import fsspec.tests.abstract as abstract
import pytest

from aiominio.fsspec import AiominioFileSystem


class AiominioFixtures(abstract.AbstractFixtures):  # type: ignore[misc]
    @pytest.fixture
    def fs(self, fs: AiominioFileSystem) -> AiominioFileSystem:
        return fs

    @pytest.fixture
    def fs_path(self, fs_root: str) -> str:
        return fs_root

    @pytest.fixture
    def supports_empty_directories(self) -> bool:
        return False


class TestCopy(abstract.AbstractCopyTests, AiominioFixtures):  # type: ignore[misc]
    pass


class TestGet(abstract.AbstractGetTests, AiominioFixtures):  # type: ignore[misc]
    pass


class TestPut(abstract.AbstractPutTests, AiominioFixtures):  # type: ignore[misc]
    pass


class TestPipe(abstract.AbstractPipeTests, AiominioFixtures):  # type: ignore[misc]
    pass


class TestOpen(abstract.AbstractOpenTests, AiominioFixtures):  # type: ignore[misc]
    pass
