"""Default bucket encryption in detail: the exact refusals of rules and answers, every
algorithm on both sides of the KMS key check, and the bucket key flag present, absent or
malformed."""

from __future__ import annotations

import pytest

from aiominio.core.bucket_encryption import SseConfig, SseRule
from aiominio.errors import InvalidArgument, InvalidResponseError
from tests.unit.core.rule_documents import NS, compact

NS_BYTES = b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'


def test_algorithm_refusals() -> None:
    with pytest.raises(TypeError, match=r"^algorithm must be a str, not bytes$"):
        SseRule(b"AES256").validate()  # type: ignore[arg-type]
    with pytest.raises(
        InvalidArgument,
        match=r"^algorithm must be one of AES256, aws:kms, aws:kms:dsse: 'aes256'$",
    ):
        SseRule("aes256").validate()
    for algorithm in ("AES256", "aws:kms", "aws:kms:dsse"):
        SseRule(algorithm).validate()


def test_kms_key_refusals() -> None:
    SseRule("aws:kms", "key").validate()
    SseRule("aws:kms:dsse", "key", bucket_key_enabled=True).validate()
    with pytest.raises(
        InvalidArgument, match=r"^kms_key_id is for aws:kms encryption, not AES256$"
    ):
        SseRule("AES256", "key").validate()
    with pytest.raises(InvalidArgument, match=r"^kms_key_id must not be empty$"):
        SseRule("aws:kms", "").validate()
    with pytest.raises(TypeError, match=r"^kms_key_id must be a str, not int$"):
        SseRule("aws:kms", 5).validate()  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"^bucket_key_enabled must be a bool, not str$"):
        SseRule("aws:kms", bucket_key_enabled="true").validate()  # type: ignore[arg-type]


def test_config_refusals() -> None:
    with pytest.raises(TypeError, match=r"^rules must be a list or tuple, not SseRule$"):
        SseConfig(rules=SseRule("AES256")).validate()  # type: ignore[arg-type]
    with pytest.raises(InvalidArgument, match=r"^rules: exactly one encryption rule, got 0$"):
        SseConfig(rules=[]).validate()
    with pytest.raises(InvalidArgument, match=r"^rules: exactly one encryption rule, got 2$"):
        SseConfig(rules=[SseRule("AES256")] * 2).validate()
    with pytest.raises(TypeError, match=r"^rules\[\] must be an SseRule, not str$"):
        SseConfig(rules=["AES256"]).validate()  # type: ignore[list-item]
    with pytest.raises(InvalidArgument, match=r"^algorithm must be one of "):
        SseConfig(rules=[SseRule("none")]).validate()


def test_constructors_and_rule() -> None:
    assert SseConfig.sse_s3() == SseConfig(rules=(SseRule("AES256", None, False),))
    assert SseConfig.sse_kms() == SseConfig(rules=(SseRule("aws:kms", None, False),))
    assert SseConfig.sse_kms("k", bucket_key_enabled=True).rule == SseRule("aws:kms", "k", True)
    assert SseConfig(rules=[SseRule("AES256"), SseRule("aws:kms")]).rule == SseRule("AES256")


def test_a_false_bucket_key_flag_is_not_sent() -> None:
    body = SseConfig(rules=[SseRule("aws:kms:dsse", None, False)]).to_xml()
    assert body == (
        b"<ServerSideEncryptionConfiguration " + NS_BYTES + b"><Rule>"
        b"<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms:dsse</SSEAlgorithm>"
        b"</ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>"
    )


def doc(rules: str) -> bytes:
    return (
        f"<ServerSideEncryptionConfiguration>{rules}</ServerSideEncryptionConfiguration>".encode()
    )


def rule(inner: str = "<SSEAlgorithm>AES256</SSEAlgorithm>", extra: str = "") -> str:
    return (
        f"<Rule><ApplyServerSideEncryptionByDefault>{inner}"
        f"</ApplyServerSideEncryptionByDefault>{extra}</Rule>"
    )


def test_answers_read_every_field() -> None:
    assert SseConfig.from_xml(doc(rule())).rules == (SseRule("AES256"),)
    assert SseConfig.from_xml(
        doc(
            rule(
                "<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID>k1</KMSMasterKeyID>",
                "<BucketKeyEnabled> TRUE </BucketKeyEnabled>",
            )
        )
    ).rules == (SseRule("aws:kms", "k1", True),)
    # An empty key id is the default key; false said aloud is false.
    assert SseConfig.from_xml(
        doc(
            rule(
                "<SSEAlgorithm>aws:kms</SSEAlgorithm><KMSMasterKeyID/>",
                "<BucketKeyEnabled>false</BucketKeyEnabled>",
            )
        )
    ).rules == (SseRule("aws:kms", None, False),)
    # A value this client would not send is kept as it is, and every rule is read.
    assert SseConfig.from_xml(doc(rule("<SSEAlgorithm>SM4</SSEAlgorithm>") + rule())).rules == (
        SseRule("SM4"),
        SseRule("AES256"),
    )


def test_malformed_answers_exact_messages() -> None:
    no_default = doc("<Rule><BucketKeyEnabled>true</BucketKeyEnabled></Rule>")
    with pytest.raises(
        InvalidResponseError, match=r"^an encryption rule without its default$"
    ) as info:
        SseConfig.from_xml(no_default)
    assert info.value.body == no_default
    empty = doc("")
    with pytest.raises(
        InvalidResponseError, match=r"^an encryption configuration without a rule$"
    ) as info:
        SseConfig.from_xml(empty)
    assert info.value.body == empty
    with pytest.raises(
        InvalidResponseError, match=r"^the server sent a malformed BucketKeyEnabled: 'yes'$"
    ):
        SseConfig.from_xml(doc(rule(extra="<BucketKeyEnabled>yes</BucketKeyEnabled>")))
    with pytest.raises(
        InvalidResponseError,
        match=r"^<ApplyServerSideEncryptionByDefault> without the <SSEAlgorithm> it must have$",
    ):
        SseConfig.from_xml(doc(rule("<SSEAlgorithm/>")))
    with pytest.raises(
        InvalidResponseError, match=r"^expected <ServerSideEncryptionConfiguration>, got <Rule>$"
    ):
        SseConfig.from_xml(rule().encode())


def test_encryption_documents() -> None:
    assert SseConfig.sse_s3().to_xml() == compact(f"""
        <ServerSideEncryptionConfiguration{NS}><Rule>
          <ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>
          </ApplyServerSideEncryptionByDefault>
        </Rule></ServerSideEncryptionConfiguration>""")
    kms = SseConfig.sse_kms("arn:aws:kms:us-east-1:1234/5678example", bucket_key_enabled=True)
    kms.validate()
    assert kms.to_xml() == compact(f"""
        <ServerSideEncryptionConfiguration{NS}><Rule>
          <ApplyServerSideEncryptionByDefault>
            <SSEAlgorithm>aws:kms</SSEAlgorithm>
            <KMSMasterKeyID>arn:aws:kms:us-east-1:1234/5678example</KMSMasterKeyID>
          </ApplyServerSideEncryptionByDefault>
          <BucketKeyEnabled>true</BucketKeyEnabled>
        </Rule></ServerSideEncryptionConfiguration>""")
    assert SseConfig.from_xml(kms.to_xml()) == kms
    assert SseConfig.from_xml(SseConfig.sse_kms().to_xml()).rule == SseRule("aws:kms")


def test_parse_the_aws_example_encryption_answer() -> None:
    body = f"""<ServerSideEncryptionConfiguration{NS}>
  <Rule>
    <ApplyServerSideEncryptionByDefault>
      <SSEAlgorithm>aws:kms</SSEAlgorithm>
      <KMSMasterKeyID>arn:aws:kms:us-east-1:1234/5678example</KMSMasterKeyID>
    </ApplyServerSideEncryptionByDefault>
  </Rule>
</ServerSideEncryptionConfiguration>""".encode()
    config = SseConfig.from_xml(body)
    assert config.rule == SseRule("aws:kms", "arn:aws:kms:us-east-1:1234/5678example")
    for bad in (
        f"<ServerSideEncryptionConfiguration{NS}/>",
        f"<ServerSideEncryptionConfiguration{NS}><Rule/></ServerSideEncryptionConfiguration>",
        f"<ServerSideEncryptionConfiguration{NS}><Rule><ApplyServerSideEncryptionByDefault/>"
        "</Rule></ServerSideEncryptionConfiguration>",
    ):
        with pytest.raises(InvalidResponseError):
            SseConfig.from_xml(bad.encode())


@pytest.mark.parametrize(
    ("config", "error", "match"),
    [
        (SseConfig(rules=[]), InvalidArgument, "exactly one"),
        (SseConfig(rules=[SseRule("AES256")] * 2), InvalidArgument, "exactly one"),
        (SseConfig(rules=[SseRule("aes256")]), InvalidArgument, "algorithm"),
        (SseConfig(rules=[SseRule("AES256", "key")]), InvalidArgument, "kms_key_id"),
        (SseConfig(rules=[SseRule("aws:kms", "")]), InvalidArgument, "kms_key_id"),
        (SseConfig(rules=[SseRule("aws:kms", bucket_key_enabled=1)]), TypeError, "bucket_key"),  # type: ignore[arg-type]
        (SseConfig(rules=["AES256"]), TypeError, "SseRule"),  # type: ignore[list-item]
    ],
)
def test_encryption_rules_are_checked(
    config: SseConfig, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        config.validate()
