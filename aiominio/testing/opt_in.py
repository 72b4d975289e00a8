"""What aiominio's ``pytest11`` entry point loads into every pytest run: a switch, no fixtures.

It adds the ini option ``aiominio_fixtures`` (false by default); when that is true, or when
``-p aiominio`` names the entry point, it enables :mod:`aiominio.testing.plugin`. Nothing else
happens, and no server starts, unless a test asks for one of the plugin's fixtures.

The switch is a module of its own so that loading it does not import the plugin: a plugin module
imported before pytest registers it could not have its asserts rewritten (pytest warns), and
``-p aiominio.testing.plugin`` would register one module under two names.
"""

from __future__ import annotations

import pytest

PLUGIN = "aiominio.testing.plugin"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "aiominio_fixtures",
        type="bool",
        default=False,
        help="enable aiominio's s3_server, s3_client and s3_bucket fixtures "
        "(the same as -p aiominio.testing.plugin)",
    )


def pytest_configure(config: pytest.Config) -> None:
    named: list[str] = config.option.plugins or []
    if config.getini("aiominio_fixtures") or "aiominio" in named:
        config.pluginmanager.import_plugin(PLUGIN)
