"""The ``pytest11`` switch: the fixtures plugin is loaded only when asked for."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from aiominio.testing import opt_in


class Manager:
    def __init__(self) -> None:
        self.imported: list[str] = []

    def import_plugin(self, name: str) -> None:
        self.imported.append(name)


@pytest.mark.parametrize(
    ("ini", "plugins", "loaded"),
    [
        (False, None, []),
        (False, ["other"], []),
        (True, None, ["aiominio.testing.plugin"]),
        (False, ["aiominio"], ["aiominio.testing.plugin"]),
    ],
)
def test_the_plugin_is_loaded_only_when_asked_for(
    ini: bool, plugins: list[str] | None, loaded: list[str]
) -> None:
    manager = Manager()
    config = SimpleNamespace(
        option=SimpleNamespace(plugins=plugins),
        getini=lambda name: ini if name == "aiominio_fixtures" else None,
        pluginmanager=manager,
    )
    opt_in.pytest_configure(config)  # type: ignore[arg-type]
    assert manager.imported == loaded
