"""What aiominio's ``pytest11`` entry point loads into every pytest run: a switch, no fixtures.

It adds the ini option ``aiominio_fixtures`` (false by default); when that is true, or when
``-p aiominio`` names the entry point, it enables :mod:`aiominio.testing.plugin`. Nothing else
happens, and no server starts, unless a test asks for one of the plugin's fixtures. A test that
asks for one while the plugin is off gets, beside pytest's "fixture not found", a section that
says how to turn it on.

The switch is a module of its own so that loading it does not import the plugin: a plugin module
imported before pytest registers it could not have its asserts rewritten (pytest warns), and
``-p aiominio.testing.plugin`` would register one module under two names.
"""

from __future__ import annotations

from collections.abc import Generator

import pluggy
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


FIXTURES = ("s3_server", "s3_client", "s3_bucket")
HINT = (
    "s3_server, s3_client and s3_bucket are aiominio's fixtures, off until enabled: add\n"
    "    aiominio_fixtures = true\n"
    "to your pytest configuration ([tool.pytest.ini_options] of pyproject.toml, pytest.ini), or\n"
    "run pytest with -p aiominio. They need pip install 'aiominio[testing]' (SeaweedFS and\n"
    "pytest-asyncio)."
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pluggy.Result[pytest.TestReport], None]:
    outcome = yield
    report = outcome.get_result()
    if report.when != "setup" or not report.failed:
        return
    if item.config.pluginmanager.has_plugin(PLUGIN):
        return
    text = str(report.longrepr)
    if any(f"fixture '{name}' not found" in text for name in FIXTURES):
        report.sections.append(("aiominio", HINT))
