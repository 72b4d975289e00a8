"""What a profile of the AWS shared files says: its keys, or the program that prints them
(``credential_process``): :class:`SharedFileProvider`, and :class:`ProcessProvider`, which runs
such a program."""

from __future__ import annotations

import asyncio
import configparser
import contextlib
import json
import os
import shlex
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from aiominio.awsconfig import aws_home, profile_name
from aiominio.awsconfig import config_file as shared_config_file
from aiominio.core.xmlparse import parse_iso_datetime
from aiominio.credentials.basic import Credentials, RefreshingProvider, credentials_from
from aiominio.errors import CredentialsError, InvalidArgument, InvalidResponseError

#: The most bytes a ``credential_process`` may print (a few KiB in practice).
PROCESS_OUTPUT_LIMIT = 64 * 1024
#: How long a ``credential_process`` may run, in seconds (the AWS SDK for Go's default).
PROCESS_TIMEOUT = 60.0
# The end of a failed program's stderr that its error quotes: the last line says what went
# wrong; the rest would make a log line of a traceback.
_STDERR_KEPT = 4096
_STDERR_QUOTED = 400


class SharedFileProvider:
    """The credentials of a profile in the AWS shared credentials and config files.

    The profile is ``profile``, else ``AWS_PROFILE``, else ``default``. Its keys
    (``aws_access_key_id``, ``aws_secret_access_key``, ``aws_session_token``) come first, from
    the credentials file (``[name]`` sections), then from the config file (``[profile name]``
    sections); a profile without keys may name a ``credential_process``, a program that prints
    them (see :class:`ProcessProvider`; the credentials file's wins)::

        [profile vault]
        credential_process = /usr/local/bin/vault-s3-creds --role uploader

    The files are read at each call, the program's credentials kept until they are due.
    """

    def __init__(
        self,
        profile: str | None = None,
        *,
        credentials_file: str | os.PathLike[str] | None = None,
        config_file: str | os.PathLike[str] | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> None:
        env = os.environ if environ is None else environ
        self.profile = profile_name(profile, env)
        self._credentials_file = Path(
            credentials_file
            or env.get("AWS_SHARED_CREDENTIALS_FILE")
            or aws_home(env) / "credentials"
        )
        self._config_file = Path(config_file or shared_config_file(env))
        self._process: ProcessProvider | None = None

    def __repr__(self) -> str:
        return f"SharedFileProvider(profile={self.profile!r})"

    def _read(self) -> Credentials | str | None:
        """The profile's keys, else its ``credential_process`` command, else ``None``."""
        command: str | None = None
        for path, section in (
            (self._credentials_file, self.profile),
            (
                self._config_file,
                self.profile if self.profile == "default" else f"profile {self.profile}",
            ),
        ):
            if not path.is_file():
                continue
            parser = configparser.RawConfigParser()
            try:
                parser.read(path, encoding="utf-8")
            except (configparser.Error, UnicodeDecodeError) as exc:
                # A parse error quotes the offending line, a decode error holds the file's
                # bytes: either may be a secret. Only the kind of error leaves this block, and
                # the error is raised outside it, so that not even __context__ keeps them.
                failure: str | None = type(exc).__name__
            else:
                failure = None
            if failure is not None:
                raise CredentialsError(f"cannot parse {path}: {failure}")
            if not parser.has_section(section):
                continue
            values = parser[section]
            access = values.get("aws_access_key_id")
            secret = values.get("aws_secret_access_key")
            if access and secret:
                token = values.get("aws_session_token") or None
                return credentials_from(
                    f"profile {self.profile!r} of {path}", access, secret, token
                )
            if command is None:
                command = (values.get("credential_process") or "").strip() or None
        return command

    async def retrieve(self) -> Credentials | None:
        found = await asyncio.to_thread(self._read)
        if not isinstance(found, str):
            return found
        process = self._process
        if process is None or process.command != found:
            # Made with no await since the check: concurrent callers of one loop share it.
            process = self._process = ProcessProvider(found)
        return await process.retrieve()


class ProcessProvider(RefreshingProvider):
    """Credentials printed by a program, as the AWS ``credential_process`` setting runs it.

    ``command`` is a command line, split as a POSIX shell splits words (no shell runs it: no
    pipes, variables or globs), or the list of its arguments. The program runs off the event
    loop with no stdin and the process's environment; within ``timeout`` seconds it must exit
    with status 0 after printing at most ``max_output`` bytes of JSON::

        {"Version": 1, "AccessKeyId": "...", "SecretAccessKey": "...",
         "SessionToken": "...", "Expiration": "2030-01-01T00:00:00Z"}

    ``SessionToken`` and ``Expiration`` may be left out. Without an expiration the credentials
    are kept for good (the program runs once); with one, the program runs again five minutes
    before it, once however many requests are waiting. A program that fails raises
    :class:`~aiominio.errors.CredentialsError` with the end of its stderr, never its output
    (which holds the keys); the command line appears in no message either (only the program),
    as it may hold a secret.

    Raises:
        InvalidArgument: an empty command, or a command line that cannot be split (an
            unbalanced quote), or a ``timeout`` or ``max_output`` that is not positive.
    """

    def __init__(
        self,
        command: str | Sequence[str],
        *,
        timeout: float = PROCESS_TIMEOUT,
        max_output: int = PROCESS_OUTPUT_LIMIT,
    ) -> None:
        super().__init__()
        if isinstance(command, str):
            try:
                argv = shlex.split(command)
            except ValueError as exc:
                problem: str | None = str(exc)  # "No closing quotation": never the command
            else:
                problem = None
            if problem is not None:
                raise InvalidArgument(f"the credential_process command cannot be split: {problem}")
        else:
            argv = list(command)
            if not all(isinstance(arg, str) for arg in argv):
                raise TypeError("the credential_process command's arguments must be str")
        if not argv or not argv[0]:
            raise InvalidArgument("the credential_process command is empty")
        if not timeout > 0 or not max_output > 0:
            raise InvalidArgument("timeout and max_output must be positive")
        self.command = command
        self._argv = argv
        self._timeout = timeout
        self._max_output = max_output
        self._name = f"credential_process {argv[0]!r}"

    def __repr__(self) -> str:
        return f"ProcessProvider(program={self._argv[0]!r})"

    async def _fetch(self) -> Credentials:
        return parse_process_output(self._name, await self._run())

    async def _run(self) -> bytes:
        """The program's output, if it printed no more than it may and exited with 0."""
        try:
            proc = await asyncio.create_subprocess_exec(
                *self._argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:
            failure = f"{type(exc).__name__} {exc.strerror or ''}".strip()
            raise CredentialsError(f"cannot run {self._name}: {failure}") from None
        assert proc.stdout is not None and proc.stderr is not None
        # Both pipes are read to their end, whatever is kept of them: a program blocked on a
        # full pipe would never exit, and before Python 3.12 wait() returns only once the
        # pipes have ended too. Past max_output the program is stopped at once.
        stdout = asyncio.ensure_future(
            _head(proc.stdout, self._max_output + 1, lambda: _stop(proc))
        )
        stderr = asyncio.ensure_future(_tail(proc.stderr, _STDERR_KEPT))
        timed_out = False
        try:
            await asyncio.wait_for(proc.wait(), self._timeout)
        except asyncio.TimeoutError:
            timed_out = True
        finally:
            _stop(proc)
            # The pipes end with the program, unless a child it left behind holds them open:
            # that one is not waited for.
            ended = asyncio.ensure_future(proc.wait())
            _, left = await asyncio.wait({stdout, stderr, ended}, timeout=1.0)
            for task in left:
                task.cancel()
        if timed_out:
            raise CredentialsError(f"{self._name} did not finish within {self._timeout:g} s")
        output = _result(stdout)
        if len(output) > self._max_output:
            raise CredentialsError(f"{self._name} printed more than {self._max_output:,} bytes")
        code = proc.returncode
        if code != 0:
            if code is None:
                status = "did not exit"
            elif code < 0:
                status = f"was killed by signal {-code}"
            else:
                status = f"exited with status {code}"
            said = _quoted_stderr(_result(stderr))
            raise CredentialsError(f"{self._name} {status}" + (f": {said}" if said else ""))
        return output


def _stop(proc: asyncio.subprocess.Process) -> None:
    """Kill ``proc`` if it still runs."""
    if proc.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            proc.kill()


def _result(task: asyncio.Future[bytes]) -> bytes:
    """What ``task`` read, or nothing if it did not finish."""
    if not task.done() or task.cancelled() or task.exception() is not None:
        return b""
    return task.result()


async def _head(stream: asyncio.StreamReader, keep: int, full: Callable[[], None]) -> bytes:
    """The first ``keep`` bytes of ``stream``, read to its end; ``full()`` is called once
    they are all there."""
    kept = b""
    while chunk := await stream.read(65536):
        if len(kept) < keep:
            kept += chunk[: keep - len(kept)]
            if len(kept) == keep:
                full()
    return kept


async def _tail(stream: asyncio.StreamReader, keep: int) -> bytes:
    """The last ``keep`` bytes of ``stream``, read to its end."""
    kept = b""
    while chunk := await stream.read(65536):
        kept = (kept + chunk)[-keep:]
    return kept


def _quoted_stderr(data: bytes) -> str:
    """The end of a program's stderr as one line of printable text."""
    text = data.decode("utf-8", "replace")
    text = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    return text if len(text) <= _STDERR_QUOTED else "..." + text[-_STDERR_QUOTED:]


def parse_process_output(source: str, output: bytes) -> Credentials:
    """The credentials a ``credential_process`` printed (see :class:`ProcessProvider`).

    Raises:
        CredentialsError: no JSON object, a ``Version`` other than 1, a key missing or of the
            wrong type, an ``Expiration`` that is no ISO 8601 time; the message names the
            field, never a value.
    """
    try:
        doc = json.loads(output)
    except ValueError as exc:
        # The decode error keeps the whole output (``exc.doc``), keys and all: only its message
        # leaves this block, raised outside it so that not even __context__ holds them.
        problem: str | None = str(exc)
    else:
        problem = None
    if problem is not None:
        raise CredentialsError(f"{source} printed no JSON ({problem})")
    if not isinstance(doc, dict):
        raise CredentialsError(f"{source} printed no JSON object")
    version = doc.get("Version")
    if version != 1 or isinstance(version, bool):
        raise CredentialsError(f"{source} printed Version {version!r}; only 1 is known")
    key, secret = doc.get("AccessKeyId"), doc.get("SecretAccessKey")
    if not (key and secret and isinstance(key, str) and isinstance(secret, str)):
        raise CredentialsError(f"{source} printed no AccessKeyId and SecretAccessKey strings")
    token, expiration = doc.get("SessionToken") or None, doc.get("Expiration") or None
    if not isinstance(token, (str, type(None))):
        raise CredentialsError(f"{source} printed a SessionToken that is no string")
    if not isinstance(expiration, (str, type(None))):
        raise CredentialsError(f"{source} printed an Expiration that is no string")
    expires = None
    if expiration is not None:
        try:
            expires = parse_iso_datetime(expiration)
        except InvalidResponseError:
            expires = None
        if expires is None:
            raise CredentialsError(f"{source} printed an Expiration that is no ISO 8601 time")
    return credentials_from(source, key, secret, token, expires)
