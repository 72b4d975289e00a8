"""The container agent's provider (:mod:`aiominio.credentials.container`), driven by an in-test
fake fetcher standing in for the ECS / EKS Pod Identity agent: which URLs it may ask (never a
token in clear to another host), the Authorization token and its file, the JSON answer, the
retries, and no secret in any message."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from aiominio import credentials as cr
from aiominio.errors import ConnectError, InvalidArgument, InvalidResponseError, RequestTimeout
from tests.unit.credentials.test_basic import BREAKERS, SECRET, TOKEN, assert_no_secret

AGENT_TOKEN = "agent-authorization-token-value"


@dataclass
class FakeAnswer:
    status: int
    body: bytes


def agent_document(expires: datetime | None = None, **fields: object) -> bytes:
    doc: dict[str, object] = {
        "AccessKeyId": "ASIACONTAINER",
        "SecretAccessKey": SECRET,
        "Token": TOKEN,
        "RoleArn": "arn:aws:iam::1:role/task",
    }
    if expires is not None:
        doc["Expiration"] = expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    return json.dumps(doc | fields).encode()


@dataclass
class FakeAgent:
    """A fake container agent: answers each GET with the next of ``answers`` (the last one
    again when they run out); an exception among them is raised instead."""

    answers: list[FakeAnswer | Exception] = field(
        default_factory=lambda: [FakeAnswer(200, agent_document())]
    )
    sent: list[tuple[str, str, dict[str, str], float]] = field(default_factory=list)

    async def __call__(self, method: str, url: str, **kwargs: object) -> FakeAnswer:
        headers = kwargs.get("headers") or {}
        assert isinstance(headers, dict)
        timeout = kwargs.get("timeout")
        assert isinstance(timeout, float)
        self.sent.append((method, url, dict(headers), timeout))
        answer = self.answers[min(len(self.sent), len(self.answers)) - 1]
        if isinstance(answer, Exception):
            raise answer
        return answer


# -- where the agent may be asked ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:51679/credentials",
        "http://127.9.8.7/creds",
        "http://[::1]:8080/creds",
        "http://localhost/creds",
        "http://169.254.170.2/v2/credentials/abc",  # the ECS agent
        "http://169.254.170.23/v1/credentials",  # the EKS Pod Identity agent
        "http://[fd00:ec2::23]/v1/credentials",  # the same, on IPv6
        "https://credentials.example.com/for/me",  # any host over TLS
        "HTTPS://CREDENTIALS.EXAMPLE.COM/x",
    ],
)
async def test_full_uris_allowed(url: str) -> None:
    agent = FakeAgent()
    provider = cr.ContainerProvider(full_uri=url, fetch=agent)
    assert await provider.retrieve() == cr.Credentials("ASIACONTAINER", SECRET, TOKEN)
    assert [(m, u) for m, u, _, _ in agent.sent] == [("GET", url)]


@pytest.mark.parametrize(
    ("url", "match"),
    [
        ("http://169.254.169.254/latest/meta-data/", "names the host '169.254.169.254'"),
        ("http://example.com/creds", "names the host 'example.com'"),
        ("http://10.0.0.1/creds", "names the host '10.0.0.1'"),
        ("http://127.0.0.1.nip.io/creds", "names the host '127.0.0.1.nip.io'"),  # a name
        ("http://[fd00:ec2::24]/creds", "names the host 'fd00:ec2::24'"),
        ("ftp://127.0.0.1/creds", "is not an http or https URL"),
        ("127.0.0.1/creds", "is not an http or https URL"),
        ("http:///creds", "is not an http or https URL"),
        ("http://[::1/creds", "is not an http or https URL"),
        ("http://127.0.0.1:port/creds", "is not an http or https URL"),
    ],
)
async def test_full_uris_refused(url: str, match: str) -> None:
    with pytest.raises(InvalidArgument, match=f"^full_uri {match}"):
        cr.ContainerProvider(full_uri=url, fetch=FakeAgent())
    env = {"AWS_CONTAINER_CREDENTIALS_FULL_URI": url}
    with pytest.raises(InvalidArgument, match=f"^AWS_CONTAINER_CREDENTIALS_FULL_URI {match}"):
        cr.ContainerProvider(environ=env, fetch=FakeAgent())


async def test_a_relative_uri_is_asked_of_the_ecs_agent() -> None:
    agent = FakeAgent()
    env = {
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/task-id",
        # The SDKs' precedence: the relative URI wins over a full one.
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/other",
    }
    provider = cr.ContainerProvider(environ=env, fetch=agent)
    assert repr(provider) == "ContainerProvider(host='169.254.170.2')"
    await provider.retrieve()
    assert agent.sent == [("GET", "http://169.254.170.2/v2/credentials/task-id", {}, 1.0)]
    # A stand-in agent elsewhere, for tests.
    agent = FakeAgent()
    provider = cr.ContainerProvider(
        relative_uri="/creds", base_url="http://127.0.0.1:8000/", fetch=agent
    )
    await provider.retrieve()
    assert agent.sent[0][1] == "http://127.0.0.1:8000/creds"


@pytest.mark.parametrize("path", ["creds", ".evil.example/creds", "@evil.example/x", "/a b", ""])
def test_relative_uris_that_are_no_path(path: str) -> None:
    # Appended to the agent's address: anything but a path could change the host.
    env = {"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": path}
    if not path:  # an empty setting is no setting
        with pytest.raises(InvalidArgument, match=r"^set AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"):
            cr.ContainerProvider(environ=env)
        return
    with pytest.raises(InvalidArgument, match=r"RELATIVE_URI must be a path of visible ASCII"):
        cr.ContainerProvider(environ=env)


def test_no_uri_at_all() -> None:
    with pytest.raises(InvalidArgument, match=r"^set AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or "):
        cr.ContainerProvider(environ={"AWS_CONTAINER_AUTHORIZATION_TOKEN": AGENT_TOKEN})
    with pytest.raises(InvalidArgument, match=r"attempts must be"):
        cr.ContainerProvider(full_uri="http://127.0.0.1/", attempts=0)


# -- the Authorization token ---------------------------------------------------------------------


async def test_the_token_and_its_file(tmp_path: Path) -> None:
    agent = FakeAgent()
    env = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://169.254.170.23/v1/credentials",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": AGENT_TOKEN,
    }
    provider = cr.ContainerProvider(environ=env, fetch=agent)
    await provider.retrieve()
    assert agent.sent[0][2] == {"authorization": AGENT_TOKEN}
    assert AGENT_TOKEN not in repr(provider)
    # The file wins over the variable, and is read again at each refresh (EKS rotates it);
    # the line end a file ends with is not part of the token.
    token_file = tmp_path / "eks-pod-identity-token"
    token_file.write_text("first-token\n")
    agent = FakeAgent()
    provider = cr.ContainerProvider(
        environ=env | {"AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": str(token_file)}, fetch=agent
    )
    await provider.retrieve()
    token_file.write_text("second-token")
    provider._refresh_at = datetime.now(timezone.utc)  # due: the next call refreshes
    await provider.retrieve()
    assert [headers for _, _, headers, _ in agent.sent] == [
        {"authorization": "first-token"},
        {"authorization": "second-token"},
    ]


@pytest.mark.parametrize("char", BREAKERS)
async def test_a_token_that_would_break_its_header(tmp_path: Path, char: str) -> None:
    bad = f"{AGENT_TOKEN}{char}x-injected: 1"
    env = {
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/creds",
        "AWS_CONTAINER_AUTHORIZATION_TOKEN": bad,
    }
    with pytest.raises(
        InvalidArgument, match=r"^AWS_CONTAINER_AUTHORIZATION_TOKEN may hold only visible ASCII"
    ) as exc:
        cr.ContainerProvider(environ=env)
    assert_no_secret(exc.value, AGENT_TOKEN)
    with pytest.raises(InvalidArgument, match=r"^authorization_token may hold only"):
        cr.ContainerProvider(full_uri="http://127.0.0.1/", authorization_token=bad)
    # In the file, read at each refresh: refused then, and nothing is sent.
    token_file = tmp_path / "token"
    token_file.write_text(bad)
    agent = FakeAgent()
    provider = cr.ContainerProvider(
        full_uri="http://127.0.0.1/", authorization_token_file=token_file, fetch=agent
    )
    with pytest.raises(
        cr.CredentialsError, match=r"^the container authorization token file "
    ) as ex:
        await provider.retrieve()
    assert_no_secret(ex.value, AGENT_TOKEN)
    assert agent.sent == []


async def test_token_file_errors_hold_no_token(tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_bytes(AGENT_TOKEN.encode() + b"\xff\xfe")  # the decode error holds it
    agent = FakeAgent()
    provider = cr.ContainerProvider(
        full_uri="http://127.0.0.1/", authorization_token_file=token_file, fetch=agent
    )
    with pytest.raises(cr.CredentialsError, match=r"^cannot read the container authoriz") as exc:
        await provider.retrieve()
    assert_no_secret(exc.value, AGENT_TOKEN)
    token_file.write_text("\n")
    with pytest.raises(cr.CredentialsError, match=r" is empty$"):
        await provider.retrieve()
    token_file.unlink()
    with pytest.raises(cr.CredentialsError, match=r"FileNotFoundError No such file"):
        await provider.retrieve()
    assert agent.sent == []


# -- the answer ----------------------------------------------------------------------------------


async def test_the_answer_is_read() -> None:
    expires = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(hours=6)
    agent = FakeAgent([FakeAnswer(200, agent_document(expires))])
    provider = cr.ContainerProvider(full_uri="http://127.0.0.1/", fetch=agent)
    creds = await provider.retrieve()
    assert creds == cr.Credentials("ASIACONTAINER", SECRET, TOKEN, expires)
    assert await provider.retrieve() is creds and len(agent.sent) == 1  # cached


@pytest.mark.parametrize(
    "document",
    [
        f'{{"AccessKeyId": "ASIA", "SecretAccessKey": "{SECRET}", "Token": "{TOKEN}"'.encode(),
        f'["{SECRET}"]'.encode(),
        f'{{"SecretAccessKey": "{SECRET}", "Token": "{TOKEN}"}}'.encode(),
        f'{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}", "Expiration": "soon"}}'.encode(),
        f'{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}", "Token": ["{TOKEN}"]}}'.encode(),
        f'{{"AccessKeyId": "A", "SecretAccessKey": "{SECRET}\\n"}}'.encode(),
    ],
)
async def test_malformed_answers_hold_no_secret(document: bytes) -> None:
    agent = FakeAgent([FakeAnswer(200, document)])
    provider = cr.ContainerProvider(
        full_uri="http://127.0.0.1/", authorization_token=AGENT_TOKEN, fetch=agent
    )
    with pytest.raises((cr.CredentialsError, InvalidResponseError)) as exc:
        await provider.retrieve()
    assert str(exc.value).startswith("the container credentials agent ")
    assert_no_secret(exc.value, SECRET, TOKEN, AGENT_TOKEN)


async def test_a_refusal_says_what_the_agent_said_without_the_token() -> None:
    said = {"code": "AccessDenied", "message": f"token {AGENT_TOKEN} expired\r\nx: 1"}
    agent = FakeAgent([FakeAnswer(403, json.dumps(said).encode())])
    provider = cr.ContainerProvider(
        full_uri="http://127.0.0.1/", authorization_token=AGENT_TOKEN, fetch=agent
    )
    with pytest.raises(cr.CredentialsError) as exc:
        await provider.retrieve()
    assert str(exc.value) == (
        "the container credentials agent at 127.0.0.1 refused (HTTP 403): "
        "AccessDenied token <hidden> expired x: 1"
    )
    assert len(agent.sent) == 1  # a refusal is not tried again
    # Only the code and message of a JSON error: any other body is not quoted at all.
    for body in (agent_document(), b"<html>" + SECRET.encode() + b"</html>"):
        agent = FakeAgent([FakeAnswer(404, body)])
        provider = cr.ContainerProvider(full_uri="http://127.0.0.1/", fetch=agent)
        with pytest.raises(cr.CredentialsError) as exc:
            await provider.retrieve()
        assert str(exc.value) == "the container credentials agent at 127.0.0.1 refused (HTTP 404)"


# -- retries -------------------------------------------------------------------------------------

Answers = list[FakeAnswer | Exception]
LATER: Callable[[], FakeAnswer] = lambda: FakeAnswer(200, agent_document())  # noqa: E731


@pytest.mark.parametrize(
    ("answers", "asked"),
    [
        ([ConnectError("refused"), LATER()], 2),
        ([RequestTimeout("slow"), ConnectError("refused"), LATER()], 3),
        ([FakeAnswer(500, b""), FakeAnswer(503, b""), LATER()], 3),
        ([FakeAnswer(429, b""), LATER()], 2),
    ],
)
async def test_failures_are_tried_again(answers: Answers, asked: int) -> None:
    agent = FakeAgent(answers)
    provider = cr.ContainerProvider(full_uri="http://127.0.0.1/", fetch=agent)
    assert await provider.retrieve() == cr.Credentials("ASIACONTAINER", SECRET, TOKEN)
    assert len(agent.sent) == asked


async def test_retries_end() -> None:
    agent = FakeAgent([ConnectError("refused")])
    provider = cr.ContainerProvider(full_uri="http://127.0.0.1/", fetch=agent)
    # A credentials error, not the transport's: the request that wanted them does not retry
    # it (each retry would be another round of agent attempts).
    with pytest.raises(cr.CredentialsError, match="did not answer 3 times: refused"):
        await provider.retrieve()
    assert len(agent.sent) == 3
    agent = FakeAgent([FakeAnswer(503, b"")])
    provider = cr.ContainerProvider(full_uri="http://127.0.0.1/", attempts=2, fetch=agent)
    with pytest.raises(cr.CredentialsError, match=r"refused \(HTTP 503\)$"):
        await provider.retrieve()
    assert len(agent.sent) == 2
    agent = FakeAgent([RequestTimeout("slow")])
    provider = cr.ContainerProvider(
        full_uri="http://127.0.0.1/", attempts=1, timeout=0.5, fetch=agent
    )
    with pytest.raises(cr.CredentialsError, match="did not answer 1 times: slow"):
        await provider.retrieve()
    assert [timeout for *_, timeout in agent.sent] == [0.5]


# -- in the default chain ------------------------------------------------------------------------


def test_the_container_in_the_default_chain(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/x"}
    kinds = [type(p) for p in cr.default_chain(environ=env, imds=True)._providers]
    assert kinds == [
        cr.EnvironmentProvider,
        cr.SharedFileProvider,
        cr.ContainerProvider,
        cr.IMDSProvider,
    ]
    token = tmp_path / "token"
    token.write_text("oidc")
    env |= {"AWS_WEB_IDENTITY_TOKEN_FILE": str(token), "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"}
    kinds = [type(p) for p in cr.default_chain(environ=env)._providers]
    assert kinds == [
        cr.EnvironmentProvider,
        cr.WebIdentityProvider,
        cr.SharedFileProvider,
        cr.ContainerProvider,
    ]
    # A misconfigured agent fails when the chain reaches it (keys before it still serve),
    # with the same message.
    bad = {"HOME": str(tmp_path), "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://example.com/"}
    with pytest.raises(
        cr.CredentialsError, match=r"^container credentials: AWS_CONTAINER_CREDENTIALS_FULL_URI "
    ):
        asyncio.run(cr.default_chain(environ=bad).retrieve())


def test_a_misconfigured_agent_fails_only_when_the_chain_reaches_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = {
        "AWS_ACCESS_KEY_ID": "AK",
        "AWS_SECRET_ACCESS_KEY": "SK",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://metadata.internal/creds",
        "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        "AWS_CONFIG_FILE": "/nonexistent",
    }
    chain = cr.default_chain(environ=env)  # no error: the keys come first
    assert asyncio.run(chain.retrieve()) == cr.Credentials("AK", "SK")
    without_keys = {k: v for k, v in env.items() if not k.startswith("AWS_ACCESS")}
    del without_keys["AWS_SECRET_ACCESS_KEY"]
    with pytest.raises(cr.CredentialsError, match="container credentials: "):
        asyncio.run(cr.default_chain(environ=without_keys).retrieve())
