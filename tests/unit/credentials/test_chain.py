"""The chain of providers (:mod:`aiominio.credentials.chain`): the order of the default chain,
a client's arguments made a provider, and one chain serving several event loops at once."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from aiominio import credentials as cr
from aiominio.errors import InvalidArgument
from tests.unit.credentials.test_basic import SlowProvider, burst, run_in_threads


async def test_chain_order_and_anonymous(tmp_path: Path) -> None:
    (tmp_path / ".aws").mkdir()
    (tmp_path / ".aws" / "credentials").write_text(
        "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n"
    )
    env = {"HOME": str(tmp_path)}
    assert (await cr.default_chain(environ=env).retrieve()) == cr.Credentials(
        "FILEKEY", "filesecret"
    )
    env_first = env | {"AWS_ACCESS_KEY_ID": "ENVKEY", "AWS_SECRET_ACCESS_KEY": "envsecret"}
    found = await cr.default_chain(environ=env_first).retrieve()
    assert found is not None and found.access_key == "ENVKEY"
    minio = {"HOME": str(tmp_path / "none"), "MINIO_ACCESS_KEY": "m", "MINIO_SECRET_KEY": "n"}
    assert await cr.default_chain(environ=minio).retrieve() == cr.Credentials("m", "n")
    assert await cr.default_chain(environ={"HOME": str(tmp_path / "none")}).retrieve() is None


async def test_a_web_identity_from_the_environment_joins_the_chain(tmp_path: Path) -> None:
    token = tmp_path / "token"
    token.write_text("oidc")
    env = {
        "HOME": str(tmp_path),
        "AWS_WEB_IDENTITY_TOKEN_FILE": str(token),
        "AWS_ROLE_ARN": "arn:aws:iam::1:role/r",
        "AWS_REGION": "eu-west-3",
    }
    chain = cr.default_chain(environ=env, imds=True)
    kinds = [type(p) for p in chain._providers]
    assert kinds == [  # the AWS SDKs' order: web identity before the shared files
        cr.EnvironmentProvider,
        cr.WebIdentityProvider,
        cr.SharedFileProvider,
        cr.IMDSProvider,
    ]
    web = chain._providers[1]
    assert isinstance(web, cr.WebIdentityProvider)
    assert web._endpoint == "https://sts.eu-west-3.amazonaws.com"
    assert (web._role_arn, web._token_file) == ("arn:aws:iam::1:role/r", token)
    # Without both the token file and the role, no web identity; IMDS only when asked.
    del env["AWS_ROLE_ARN"]
    kinds = [type(p) for p in cr.default_chain(environ=env)._providers]
    assert kinds == [cr.EnvironmentProvider, cr.SharedFileProvider]


async def test_a_clients_arguments_make_its_provider() -> None:
    static = cr.provider_for("AK", "SK", "TK", None)
    assert await static.retrieve() == cr.Credentials("AK", "SK", "TK")
    given = cr.StaticProvider(None)
    assert cr.provider_for(None, None, None, given) is given
    assert isinstance(cr.provider_for(None, None, None, None), cr.ChainProvider)
    for half in (("AK", None), (None, "SK")):
        with pytest.raises(InvalidArgument, match="both access_key and secret_key"):
            cr.provider_for(*half, None, None)
    with pytest.raises(InvalidArgument, match="not both"):
        cr.provider_for("AK", "SK", None, given)
    with pytest.raises(InvalidArgument, match="session_token needs"):
        cr.provider_for(None, None, "TK", None)
    with pytest.raises(TypeError, match="must be a provider"):
        cr.provider_for(None, None, None, object())  # type: ignore[arg-type]


async def test_the_chain_remembers_the_provider_that_answered() -> None:
    class Counting:
        def __init__(self, found: cr.Credentials | None) -> None:
            self.found, self.calls = found, 0

        async def retrieve(self) -> cr.Credentials | None:
            self.calls += 1
            return self.found

    empty, full = Counting(None), Counting(cr.Credentials("AK", "SK"))
    chain = cr.ChainProvider([empty, full])
    for _ in range(3):
        assert await chain.retrieve() == cr.Credentials("AK", "SK")
    assert (empty.calls, full.calls) == (1, 3)


# -- one provider, many event loops -------------------------------------------------------------


def test_a_chain_serves_loops_in_threads_at_once() -> None:
    slow = SlowProvider()
    chain = cr.ChainProvider([cr.StaticProvider(None), slow])
    results = run_in_threads(2, lambda: asyncio.run(burst(chain)))
    assert slow.fetches <= 2 and set().union(*results) <= {"AK1", "AK2"}
    chain._chosen = None  # as if new: the chain is walked again, in yet another loop
    assert asyncio.run(burst(chain)) <= {"AK1", "AK2"}
