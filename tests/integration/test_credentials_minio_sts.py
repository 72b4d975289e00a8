"""MinIO's STS flavours against a fake MinIO STS endpoint: an aiohttp server on loopback that
this test runs in place of MinIO (plain HTTP, and HTTPS asking for a client certificate, with
certificates from trustme). It checks what each flavour proves and answers as MinIO does, with
the keys of the session's SeaweedFS, so that what it hands out signs real requests."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator
from datetime import datetime, timedelta, timezone
from xml.sax.saxutils import escape

import pytest
import trustme
from aiohttp import web
from aiohttp.test_utils import TestServer

import aiominio
from aiominio import credentials as cr
from aiominio import testing
from aiominio.errors import TransportError
from tests.integration.conftest import StartWebServer, WebServer, unique_bucket
from tests.unit.credentials.test_basic import assert_no_secret

PASSWORD = "ldap password &= value"
JWT = "eyJhbGciOiJSUzI1NiJ9.a-token.sig"
ROLE = "arn:minio:iam:::role/idmp-fake-plugin"
CLIENT_NAME = "s3-uploader"
STS_NS = "https://sts.amazonaws.com/doc/2011-06-15/"


def fake_minio_sts(keys: tuple[str, str]) -> web.Application:
    """A fake MinIO STS endpoint (``POST /``): it accepts the LDAP user alice with
    :data:`PASSWORD`, the token :data:`JWT` (with :data:`ROLE` for a custom token), and a client
    certificate named :data:`CLIENT_NAME`; it answers with ``keys`` (no session token:
    SeaweedFS refuses one with its static keys) for the lifetime asked, else an hour."""

    def refuse(message: str) -> web.Response:
        return web.Response(
            status=400,
            content_type="application/xml",
            text=f'<ErrorResponse xmlns="{STS_NS}"><Error><Type></Type><Code>'
            f"InvalidParameterValue</Code><Message>{escape(message)}</Message></Error>"
            "<RequestId>17F</RequestId></ErrorResponse>",
        )

    async def sts(request: web.Request) -> web.Response:
        form = {name: str(value) for name, value in (await request.post()).items()}
        action = form.get("Action")
        if form.get("Version") != "2011-06-15":
            return refuse("Version")
        if action == "AssumeRoleWithLDAPIdentity":
            if (form.get("LDAPUsername"), form.get("LDAPPassword")) != ("alice", PASSWORD):
                return refuse(f"LDAP server login failed for {form.get('LDAPPassword')}")
        elif action == "AssumeRoleWithClientGrants":
            if form.get("Token") != JWT:
                return refuse("Token is invalid")
        elif action == "AssumeRoleWithCustomToken":
            if (form.get("Token"), form.get("RoleArn")) != (JWT, ROLE):
                return refuse("the identity plugin refused the token")
        elif action == "AssumeRoleWithCertificate":
            assert request.transport is not None
            peer = request.transport.get_extra_info("peercert") or {}
            names = [value for rdn in peer.get("subject", ()) for key, value in rdn]
            if CLIENT_NAME not in names:
                return refuse("no client certificate")
        else:
            return refuse(f"unknown action {action}")
        lifetime = int(form.get("DurationSeconds") or 3600)
        expires = datetime.now(timezone.utc) + timedelta(seconds=lifetime)
        return web.Response(
            content_type="application/xml",
            text=f'<?xml version="1.0" encoding="UTF-8"?>\n<{action}Response xmlns="{STS_NS}">'
            f"<{action}Result><Credentials><AccessKeyId>{keys[0]}</AccessKeyId>"
            f"<SecretAccessKey>{keys[1]}</SecretAccessKey>"
            f"<Expiration>{expires.strftime('%Y-%m-%dT%H:%M:%SZ')}</Expiration>"
            f"</Credentials></{action}Result><ResponseMetadata><RequestId>17F</RequestId>"
            f"</ResponseMetadata></{action}Response>",
        )

    app = web.Application()
    app.router.add_post("/", sts)
    return app


@pytest.fixture
async def minio_sts(web_server: StartWebServer, seaweedfs_server: testing.LocalServer) -> WebServer:
    keys = (seaweedfs_server.access_key, seaweedfs_server.secret_key)
    return await web_server(app=fake_minio_sts(keys))


async def test_ldap_identity_signs_requests(
    minio_sts: WebServer, seaweedfs_server: testing.LocalServer
) -> None:
    provider = cr.LDAPIdentityProvider(minio_sts.url, "alice", PASSWORD, duration=900)
    async with aiominio.Client(seaweedfs_server.endpoint, credentials=provider) as client:
        name = unique_bucket("ldap")
        await client.make_bucket(name)
        assert await client.bucket_exists(name)
        await client.remove_bucket(name)
    creds = await provider.retrieve()
    assert creds is not None and creds.expiration is not None
    assert creds.expiration <= datetime.now(timezone.utc) + timedelta(seconds=900)
    assert [(r.method, r.path_qs) for r in minio_sts.received] == [("POST", "/")]
    assert "authorization" not in minio_sts.received[0].headers  # unsigned


async def test_a_wrong_password_is_refused_without_saying_it(minio_sts: WebServer) -> None:
    provider = cr.LDAPIdentityProvider(minio_sts.url, "alice", "not " + PASSWORD)
    with pytest.raises(cr.CredentialsError) as exc:
        await provider.retrieve()
    assert str(exc.value) == (
        "STS refused: InvalidParameterValue (HTTP 400) LDAP server login failed for <hidden>"
    )
    assert_no_secret(exc.value, PASSWORD)


async def test_client_grants_and_custom_tokens(
    minio_sts: WebServer, seaweedfs_server: testing.LocalServer
) -> None:
    async def token() -> str:
        return JWT

    for provider in (
        cr.ClientGrantsProvider(minio_sts.url, token),
        cr.CustomTokenProvider(minio_sts.url, JWT, ROLE, duration=1800),
    ):
        async with aiominio.Client(seaweedfs_server.endpoint, credentials=provider) as client:
            await client.list_buckets()
    with pytest.raises(cr.CredentialsError, match="Token is invalid") as exc:
        await cr.ClientGrantsProvider(minio_sts.url, "expired." + JWT).retrieve()
    assert_no_secret(exc.value, JWT)


@pytest.fixture
async def tls_minio_sts(
    tls_ca: trustme.CA, seaweedfs_server: testing.LocalServer
) -> AsyncIterator[str]:
    """The fake MinIO STS over HTTPS, asking every client for a certificate of ``tls_ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    tls_ca.issue_cert("127.0.0.1").configure_cert(context)
    tls_ca.configure_trust(context)
    context.verify_mode = ssl.CERT_OPTIONAL  # the handler says what a missing one means
    keys = (seaweedfs_server.access_key, seaweedfs_server.secret_key)
    server = TestServer(fake_minio_sts(keys), host="127.0.0.1")
    await server.start_server(ssl=context)
    yield f"https://127.0.0.1:{server.port}"
    await server.close()


async def test_a_client_certificate(
    tls_minio_sts: str, tls_ca: trustme.CA, seaweedfs_server: testing.LocalServer
) -> None:
    context = ssl.create_default_context()
    tls_ca.configure_trust(context)
    tls_ca.issue_cert("uploader.example", common_name=CLIENT_NAME).configure_cert(context)
    provider = cr.CertificateIdentityProvider(tls_minio_sts, context, duration=3600)
    async with aiominio.Client(seaweedfs_server.endpoint, credentials=provider) as client:
        await client.list_buckets()
    # Another name, or no certificate at all: refused.
    for name in ("someone-else", None):
        context = ssl.create_default_context()
        tls_ca.configure_trust(context)
        if name is not None:
            tls_ca.issue_cert("other.example", common_name=name).configure_cert(context)
        with pytest.raises(cr.CredentialsError, match="no client certificate"):
            await cr.CertificateIdentityProvider(tls_minio_sts, context).retrieve()
    # A server the context does not trust: no request goes out.
    with pytest.raises(TransportError):
        await cr.CertificateIdentityProvider(tls_minio_sts, ssl.create_default_context()).retrieve()


async def test_a_connection_cut_holds_no_password(web_server: StartWebServer) -> None:
    async def cut(request: web.Request) -> web.Response:
        assert request.transport is not None
        request.transport.close()  # the connection breaks with the password sent
        return web.Response()

    server = await web_server(web.post("/", cut))
    with pytest.raises(aiominio.AiominioError) as exc:
        await cr.LDAPIdentityProvider(server.url, "alice", PASSWORD).retrieve()
    assert_no_secret(exc.value, PASSWORD)
