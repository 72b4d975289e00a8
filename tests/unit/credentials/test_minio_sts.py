"""MinIO's STS flavours (:mod:`aiominio.credentials.minio_sts`), driven by an in-test fake
fetcher standing in for MinIO's STS endpoint: the form each sends, the answer read as MinIO
writes it, the arguments checked, and no password or token in any repr or message."""

from __future__ import annotations

import ssl
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

import pytest

from aiominio import credentials as cr
from aiominio.errors import InvalidArgument, InvalidResponseError
from tests.unit.credentials.test_basic import SECRET, TOKEN, assert_no_secret

PASSWORD = "ldap-password-value &=+%"
JWT = "eyJhbGciOiJSUzI1NiJ9.client-grants-token.sig"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def minio_answer(action: str, key: str = "MINIOTEMP", expires: datetime | None = None) -> bytes:
    """An STS answer as MinIO writes it (with its namespace and request metadata)."""
    expires = expires or datetime.now(timezone.utc) + timedelta(hours=1)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{STS_NS}">'
        f"<{action}Result><AssumedRoleUser><Arn></Arn><AssumeRoleId></AssumeRoleId>"
        f"</AssumedRoleUser><Credentials><AccessKeyId>{key}</AccessKeyId>"
        f"<SecretAccessKey>{SECRET}</SecretAccessKey><SessionToken>{TOKEN}</SessionToken>"
        f"<Expiration>{expires.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration></Credentials>"
        f"</{action}Result><ResponseMetadata><RequestId>17F</RequestId></ResponseMetadata>"
        f"</{action}Response>"
    ).encode()


@dataclass
class FakeAnswer:
    status: int
    body: bytes


@dataclass
class FakeMinioSTS:
    """A fake MinIO STS endpoint: records each request, answers the action it was asked."""

    status: int = 200
    body: bytes | None = None
    sent: list[tuple[str, str, dict[str, str], dict[str, list[str]]]] = field(default_factory=list)

    async def __call__(self, method: str, url: str, **kwargs: object) -> FakeAnswer:
        headers, body = kwargs.get("headers") or {}, kwargs.get("body")
        assert isinstance(headers, dict) and isinstance(body, bytes)
        form = parse_qs(body.decode(), keep_blank_values=True, strict_parsing=True)
        self.sent.append((method, url, dict(headers), form))
        return FakeAnswer(self.status, self.body or minio_answer(form["Action"][0]))


FORM = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}


async def test_ldap_identity() -> None:
    sts = FakeMinioSTS()
    provider = cr.LDAPIdentityProvider(
        "https://minio:9000/", "alice", PASSWORD, duration=3600, policy='{"Version":"x"}', fetch=sts
    )
    creds = await provider.retrieve()
    assert creds is not None and creds.access_key == "MINIOTEMP"
    assert (creds.secret_key, creds.session_token) == (SECRET, TOKEN)
    assert creds.expiration is not None
    assert sts.sent == [
        (
            "POST",
            "https://minio:9000/",
            FORM,  # unsigned: the password is the proof
            {
                "Action": ["AssumeRoleWithLDAPIdentity"],
                "Version": ["2011-06-15"],
                "LDAPUsername": ["alice"],
                "LDAPPassword": [PASSWORD],
                "Policy": ['{"Version":"x"}'],
                "DurationSeconds": ["3600"],
            },
        )
    ]
    assert repr(provider) == "LDAPIdentityProvider('https://minio:9000', username='alice')"


async def test_client_grants_asks_for_a_token_at_each_refresh() -> None:
    tokens = iter(["first.jwt", "second.jwt"])
    sts = FakeMinioSTS()
    provider = cr.ClientGrantsProvider("https://minio", lambda: next(tokens), fetch=sts)
    await provider.retrieve()
    provider._refresh_at = datetime.now(timezone.utc)  # due: the next call refreshes
    await provider.retrieve()
    assert [form["Token"] for *_, form in sts.sent] == [["first.jwt"], ["second.jwt"]]
    assert all("DurationSeconds" not in form for *_, form in sts.sent)  # the token's lifetime
    assert {form["Action"][0] for *_, form in sts.sent} == {"AssumeRoleWithClientGrants"}

    async def from_idp() -> str:
        return JWT

    sts = FakeMinioSTS()
    await cr.ClientGrantsProvider("https://minio", from_idp, duration=900, fetch=sts).retrieve()
    assert sts.sent[0][3]["Token"] == [JWT] and sts.sent[0][3]["DurationSeconds"] == ["900"]
    sts = FakeMinioSTS()
    await cr.ClientGrantsProvider("https://minio", JWT, fetch=sts).retrieve()
    assert sts.sent[0][3]["Token"] == [JWT]


async def test_custom_token() -> None:
    sts = FakeMinioSTS()
    role = "arn:minio:iam:::role/idmp-plugin"
    provider = cr.CustomTokenProvider("https://minio", JWT, role, duration=7200, fetch=sts)
    await provider.retrieve()
    assert sts.sent[0][3] == {
        "Action": ["AssumeRoleWithCustomToken"],
        "Version": ["2011-06-15"],
        "Token": [JWT],
        "RoleArn": [role],
        "DurationSeconds": ["7200"],
    }
    assert JWT not in repr(provider)
    with pytest.raises(InvalidArgument, match=r"role_arn is not an ARN"):
        cr.CustomTokenProvider("https://minio", JWT, "plugin")


async def test_certificate() -> None:
    sts = FakeMinioSTS()
    context = ssl.create_default_context()
    provider = cr.CertificateIdentityProvider("https://minio:9000", context, fetch=sts)
    await provider.retrieve()
    assert sts.sent[0][3] == {"Action": ["AssumeRoleWithCertificate"], "Version": ["2011-06-15"]}
    with pytest.raises(InvalidArgument, match=r"https"):
        cr.CertificateIdentityProvider("http://minio:9000", context)
    with pytest.raises(TypeError, match=r"ssl.SSLContext"):
        cr.CertificateIdentityProvider("https://minio", "client.pem")  # type: ignore[arg-type]


@pytest.mark.parametrize("duration", [899, 365 * 24 * 3600 + 1, True])
def test_arguments_are_checked(duration: int) -> None:
    with pytest.raises(InvalidArgument, match=r"duration must be 900 to 31536000 seconds"):
        cr.LDAPIdentityProvider("https://minio", "u", "p", duration=duration)
    with pytest.raises(InvalidArgument, match=r"sts_endpoint must be an http or https URL"):
        cr.LDAPIdentityProvider("minio:9000", "u", "p")
    with pytest.raises(InvalidArgument, match=r"username and password"):
        cr.LDAPIdentityProvider("https://minio", "u", "")
    with pytest.raises(InvalidArgument, match=r"token must not be empty"):
        cr.ClientGrantsProvider("https://minio", "")
    with pytest.raises(TypeError, match=r"token must be a str or a function"):
        cr.ClientGrantsProvider("https://minio", 5)  # type: ignore[arg-type]


async def test_a_token_function_that_gives_no_token() -> None:
    sts = FakeMinioSTS()
    provider = cr.ClientGrantsProvider("https://minio", lambda: "", fetch=sts)
    with pytest.raises(cr.CredentialsError, match=r"^the token function of AssumeRoleWithClient"):
        await provider.retrieve()
    assert sts.sent == []


# -- no password or token in any message --------------------------------------------------------


def providers(sts: FakeMinioSTS) -> list[tuple[cr.RefreshingProvider, str]]:
    """Each flavour that sends a secret, and that secret."""
    return [
        (cr.LDAPIdentityProvider("https://minio", "alice", PASSWORD, fetch=sts), PASSWORD),
        (cr.ClientGrantsProvider("https://minio", lambda: JWT, fetch=sts), JWT),
        (cr.CustomTokenProvider("https://minio", JWT, "arn:minio:iam:::role/x", fetch=sts), JWT),
    ]


async def test_a_refusal_quoting_the_secret_is_cut() -> None:
    # MinIO's refusals are STS error documents; a hostile one quotes what it was sent, as
    # sent and form-encoded.
    quoted = f"{PASSWORD} {JWT} LDAPPassword=ldap-password-value+%26%3D%2B%25"
    body = (
        f'<ErrorResponse xmlns="{STS_NS}"><Error><Type></Type><Code>InvalidParameterValue'
        f"</Code><Message>{quoted.replace('&', '&amp;')}</Message></Error></ErrorResponse>"
    ).encode()
    sts = FakeMinioSTS(status=400, body=body)
    for provider, secret in providers(sts):
        with pytest.raises(cr.CredentialsError, match=r"^STS refused: InvalidParameterValue ") as e:
            await provider.retrieve()
        assert_no_secret(e.value, secret)
        assert "<hidden>" in str(e.value)
        assert secret not in repr(provider)


@pytest.mark.parametrize(
    "body",
    [
        minio_answer("AssumeRoleWithLDAPIdentity")[:-30],
        b"<AssumeRoleWithLDAPIdentityResponse>" + SECRET.encode() + b"<<",
        b"<Other><Credentials><SecretAccessKey>" + SECRET.encode() + b"</SecretAccessKey>"
        b"</Credentials></Other>",
    ],
)
async def test_malformed_answers_hold_no_secret(body: bytes) -> None:
    sts = FakeMinioSTS(body=body)
    for provider, _ in providers(sts):
        with pytest.raises((cr.CredentialsError, InvalidResponseError)) as exc:
            await provider.retrieve()
        assert_no_secret(exc.value, SECRET, TOKEN, PASSWORD, JWT)


@pytest.mark.parametrize(
    ("endpoint", "refused"),
    [
        ("http://minio.internal:9000", True),
        ("http://10.0.0.5:9000", True),
        ("http://127.0.0.1:9000", False),
        ("http://localhost:9000", False),
        ("https://minio.internal:9000", False),
    ],
)
def test_a_secret_goes_over_plain_http_only_to_loopback(endpoint: str, refused: bool) -> None:
    if refused:
        with pytest.raises(InvalidArgument, match="must be https"):
            cr.LDAPIdentityProvider(endpoint, "alice", PASSWORD)
    else:
        cr.LDAPIdentityProvider(endpoint, "alice", PASSWORD)
