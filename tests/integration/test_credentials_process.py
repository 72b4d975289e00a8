"""``credential_process``: a small Python script written by this test plays the program a
profile names (printing the keys of the session's SeaweedFS, failing, hanging, flooding), run
by :class:`~aiominio.credentials.ProcessProvider` and, from a profile, by the default chain."""

from __future__ import annotations

import asyncio
import shlex
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

import aiominio
from aiominio import credentials as cr
from aiominio import testing
from tests.integration.conftest import unique_bucket
from tests.unit.credentials.test_basic import assert_no_secret

SECRET = "process-secret-key-value"

#: The program: ``helper.py MODE [ACCESS SECRET] [--expires SECONDS] [--count FILE]``.
HELPER = """
import json, sys, time
from datetime import datetime, timedelta, timezone

args = sys.argv[1:]
def option(name):
    return args[args.index(name) + 1] if name in args else None
if option("--count"):
    with open(option("--count"), "a") as counter:
        counter.write("run\\n")
mode = args[0]
doc = {"Version": 1, "AccessKeyId": "AKHELPER", "SecretAccessKey": "process-secret-key-value"}
if mode == "keys":
    doc["AccessKeyId"], doc["SecretAccessKey"] = args[1], args[2]
if option("--expires"):
    expires = datetime.now(timezone.utc) + timedelta(seconds=float(option("--expires")))
    doc["Expiration"] = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
if mode == "fail":
    print(json.dumps(doc))  # the keys on stdout: they must appear in no message
    print("Traceback (most recent call last):\\n  ...", file=sys.stderr)
    print("helper: the vault is sealed\\r\\n\\x1b[31m", file=sys.stderr)
    sys.exit(3)
if mode == "hang":
    time.sleep(60)
if mode == "flood":
    sys.stdout.write("x" * (1 << 20))
    sys.exit(0)
if mode == "noisy":
    sys.stderr.write("warning " * (1 << 18))  # 2 MiB on stderr: it must be read away
time.sleep(0.05)  # every caller of a burst is waiting when it ends
print(json.dumps(doc))
"""
assert SECRET in HELPER


@pytest.fixture
def helper(tmp_path: Path) -> list[str]:
    """The command that runs the helper script: ``[python, helper.py]``."""
    script = tmp_path / "helper.py"
    script.write_text(HELPER)
    return [sys.executable, str(script)]


async def test_a_profiles_credential_process_signs_requests(
    helper: list[str],
    seaweedfs_server: testing.LocalServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    counter = tmp_path / "runs"
    keys = [seaweedfs_server.access_key, seaweedfs_server.secret_key]
    command = shlex.join([*helper, "keys", *keys, "--count", str(counter)])
    config = tmp_path / "config"
    config.write_text(f"[profile ci]\nregion = us-east-1\ncredential_process = {command}\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_PROFILE", "ci")
    async with aiominio.Client(seaweedfs_server.endpoint) as client:
        name = unique_bucket("process")
        await client.make_bucket(name)
        await asyncio.gather(*(client.bucket_exists(name) for _ in range(20)))
        await client.remove_bucket(name)
    assert counter.read_text() == "run\n"  # no expiration: run once, kept for good


async def test_keys_in_the_profile_win_over_its_process(helper: list[str], tmp_path: Path) -> None:
    counter = tmp_path / "runs"
    command = shlex.join([*helper, "ok", "--count", str(counter)])
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[p]\ncredential_process = {command}\n")
    config = tmp_path / "config"
    config.write_text(
        "[profile p]\naws_access_key_id = AKCONFIG\naws_secret_access_key = sconfig\n"
        "credential_process = /nonexistent/other-helper\n"
    )
    provider = cr.SharedFileProvider("p", credentials_file=credentials, config_file=config)
    assert await provider.retrieve() == cr.Credentials("AKCONFIG", "sconfig")
    assert not counter.exists()
    # Without keys, the process: the credentials file's wins.
    config.write_text("[profile p]\ncredential_process = /nonexistent/other-helper\n")
    creds = await provider.retrieve()
    assert creds == cr.Credentials("AKHELPER", SECRET) and counter.read_text() == "run\n"


async def test_a_burst_in_an_expired_window_runs_the_program_once(
    helper: list[str], tmp_path: Path
) -> None:
    counter = tmp_path / "runs"
    # Credentials that are expired when printed: due again at once, still one run per burst.
    provider = cr.ProcessProvider([*helper, "ok", "--expires", "-5", "--count", str(counter)])
    found = await asyncio.gather(*(provider.retrieve() for _ in range(50)))
    assert counter.read_text() == "run\n" and len({id(c) for c in found}) == 1
    found = await asyncio.gather(*(provider.retrieve() for _ in range(50)))
    assert counter.read_text() == "run\n" * 2 and len({id(c) for c in found}) == 1
    # Credentials for an hour: kept until five minutes before they expire.
    provider = cr.ProcessProvider([*helper, "ok", "--expires", "3600", "--count", str(counter)])
    for _ in range(3):
        creds = await provider.retrieve()
    assert counter.read_text() == "run\n" * 3
    assert creds is not None and creds.expiration is not None
    assert creds.expiration > datetime.now(timezone.utc) + timedelta(minutes=59)


async def test_a_failing_program_says_why_without_its_output(helper: list[str]) -> None:
    provider = cr.ProcessProvider([*helper, "fail", "--token", "command-line-secret"])
    with pytest.raises(cr.CredentialsError) as exc:
        await provider.retrieve()
    assert str(exc.value) == (
        f"credential_process {sys.executable!r} exited with status 3: Traceback (most recent "
        "call last): ... helper: the vault is sealed [31m"
    )
    assert_no_secret(exc.value, SECRET, "command-line-secret")


async def test_a_program_that_hangs_is_stopped(helper: list[str]) -> None:
    provider = cr.ProcessProvider([*helper, "hang"], timeout=0.5)
    started = time.monotonic()
    with pytest.raises(cr.CredentialsError, match=r"^credential_process .* within 0.5 s$"):
        await provider.retrieve()
    assert time.monotonic() - started < 5


async def test_a_program_that_floods_is_stopped(helper: list[str]) -> None:
    provider = cr.ProcessProvider([*helper, "flood"])
    with pytest.raises(cr.CredentialsError, match=r" printed more than 65,536 bytes$"):
        await provider.retrieve()
    # A flood on stderr is read away (a full pipe would block the program), and not kept.
    creds = await cr.ProcessProvider([*helper, "noisy"]).retrieve()
    assert creds == cr.Credentials("AKHELPER", SECRET)


async def test_a_program_that_cannot_run(tmp_path: Path) -> None:
    provider = cr.ProcessProvider(f"{tmp_path}/no-such-helper --token s3cr3t")
    with pytest.raises(cr.CredentialsError) as exc:
        await provider.retrieve()
    assert str(exc.value) == (
        f"cannot run credential_process '{tmp_path}/no-such-helper': FileNotFoundError "
        "No such file or directory"
    )
    assert_no_secret(exc.value, "s3cr3t")
