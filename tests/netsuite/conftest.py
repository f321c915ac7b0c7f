"""Fixtures for the live-export tests: a fixture account, test credentials, keys and a
fake NetSuite listening on 127.0.0.1 (an ephemeral port)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import msgspec
import pytest

from netsuite.fakeserver import ClientCredentialKeys, FakeNetSuite, TbaKeys
from suitelint.model import Snapshot

ACCOUNT_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "netsuite" / "account.json"

# Canary values: a test greps every output for them. Long enough to be unmistakable.
CANARY = "CANARY7f3e9b1c5d"
TBA = TbaKeys(
    consumer_key=f"ck-{CANARY}-consumer-key-0001",
    consumer_secret=f"cs-{CANARY}-consumer-secret-0002",
    token_id=f"ti-{CANARY}-token-id-0003",
    token_secret=f"ts-{CANARY}-token-secret-0004",
)
CLIENT_ID = f"cid-{CANARY}-client-id-0005"
CERTIFICATE_ID = "cert-id-visible-0006"


def tba_env(keys: TbaKeys = TBA) -> dict[str, str]:
    return {
        "SUITELINT_CONSUMER_KEY": keys.consumer_key,
        "SUITELINT_CONSUMER_SECRET": keys.consumer_secret,
        "SUITELINT_TOKEN_ID": keys.token_id,
        "SUITELINT_TOKEN_SECRET": keys.token_secret,
    }


@pytest.fixture(scope="session")
def account() -> Snapshot:
    return msgspec.json.decode(ACCOUNT_FIXTURE.read_bytes(), type=Snapshot)


def _self_signed(key: object) -> tuple[bytes, bytes]:
    """(private key PEM, certificate PEM) for a throwaway certificate."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.x509.oid import NameOID

    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "suitelint test")])
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())  # type: ignore[attr-defined]
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .sign(key, hashes.SHA256())  # type: ignore[arg-type]
    )
    pem = key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem, cert.public_bytes(serialization.Encoding.PEM)


@pytest.fixture(scope="session")
def rsa_cert() -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.asymmetric import rsa

    return _self_signed(rsa.generate_private_key(public_exponent=65537, key_size=2048))


@pytest.fixture(scope="session")
def ec_cert() -> tuple[bytes, bytes]:
    from cryptography.hazmat.primitives.asymmetric import ec

    return _self_signed(ec.generate_private_key(ec.SECP256R1()))


@pytest.fixture
def server(account: Snapshot, rsa_cert: tuple[bytes, bytes]) -> Iterator[FakeNetSuite]:
    fake = FakeNetSuite(
        account,
        tba=TBA,
        client_credentials=ClientCredentialKeys(CLIENT_ID, CERTIFICATE_ID, rsa_cert[1]),
    )
    with fake:
        yield fake
