"""Credentials and request signing for the NetSuite REST API.

Credentials come only from environment variables or from files (DESIGN.md §8), never
from the command line. Every variable ``NAME`` may instead be given as ``NAME_FILE``,
the path of a file holding the value (the Docker/Kubernetes secrets convention).

Token-based authentication (OAuth 1.0a), ``--auth tba``:

* ``SUITELINT_CONSUMER_KEY``, ``SUITELINT_CONSUMER_SECRET`` — from the integration record;
* ``SUITELINT_TOKEN_ID``, ``SUITELINT_TOKEN_SECRET`` — from the access token.

OAuth 2.0 client credentials (machine to machine), ``--auth client-credentials``:

* ``SUITELINT_CLIENT_ID`` — the integration record's client id;
* ``SUITELINT_CERTIFICATE_ID`` — the Certificate ID NetSuite generated when the
  certificate was mapped (OAuth 2.0 Client Credentials Setup); sent as the JWT ``kid``;
* the certificate's private key, PEM: ``--private-key-file PATH``, or
  ``SUITELINT_PRIVATE_KEY_FILE``, or ``SUITELINT_PRIVATE_KEY`` (the PEM text itself);
  ``SUITELINT_PRIVATE_KEY_PASSPHRASE`` if the key is encrypted.

Secret values are wrapped in :class:`Secret`, whose ``repr``/``str`` never show them,
and the loggers of oauthlib and requests-oauthlib (which log signed headers at DEBUG)
are held at WARNING, so ``--debug`` cannot leak them either.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import requests
from requests.auth import AuthBase

from suitelint.errors import ConfigError, SourceError
from suitelint.netsuite.responses import error_detail

log = logging.getLogger(__name__)

# oauthlib and requests-oauthlib log the consumer key, token id and the signed
# Authorization header at DEBUG ("Collected params", "Updated headers"): keep them quiet
# even when --debug turns the root logger to DEBUG.
for _noisy in ("oauthlib", "requests_oauthlib"):
    logging.getLogger(_noisy).setLevel(logging.WARNING)

ENV_CONSUMER_KEY = "SUITELINT_CONSUMER_KEY"
ENV_CONSUMER_SECRET = "SUITELINT_CONSUMER_SECRET"
ENV_TOKEN_ID = "SUITELINT_TOKEN_ID"
ENV_TOKEN_SECRET = "SUITELINT_TOKEN_SECRET"
ENV_CLIENT_ID = "SUITELINT_CLIENT_ID"
ENV_CERTIFICATE_ID = "SUITELINT_CERTIFICATE_ID"
ENV_PRIVATE_KEY = "SUITELINT_PRIVATE_KEY"
ENV_PRIVATE_KEY_FILE = "SUITELINT_PRIVATE_KEY_FILE"
ENV_PRIVATE_KEY_PASSPHRASE = "SUITELINT_PRIVATE_KEY_PASSPHRASE"

AuthKind = Literal["tba", "client-credentials"]
JwtAlgorithm = Literal["PS256", "ES256", "ES384", "ES512"]

#: Re-assert this many seconds before the cached access token expires.
TOKEN_EXPIRY_MARGIN = 300.0
#: Lifetime of the JWT assertion itself; Oracle allows at most 60 minutes between
#: ``iat`` and ``exp`` (section_162790605110.html, suiteql-and-rest.md §7).
ASSERTION_LIFETIME = 300
MAX_SECRET_BYTES = 64 * 1024
GRANT_ATTEMPTS = 4


class Secret:
    """A credential value that never shows itself in ``repr``, ``str`` or pickles."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)

    def __reduce__(self) -> Any:
        raise TypeError("a Secret cannot be pickled")


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every credential value in it replaced by ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def _read_file(path: Path, what: str) -> str:
    from suitelint.errors import SourceError
    from suitelint.fsutil import read_input

    try:  # the one input opener: no FIFO hangs, no device is read, the limit holds
        data = read_input(path, limit=MAX_SECRET_BYTES, what=what)
    except SourceError as error:
        raise ConfigError(error.problems[0].message, str(path)) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"cannot read {what}: not UTF-8 text", str(path)) from None
    return text.strip()


def read_setting(env: Mapping[str, str], name: str, *, required: bool = True) -> Secret | None:
    """``NAME`` from the environment, or the contents of the file ``NAME_FILE`` names."""
    value = env.get(name)
    file_name = env.get(name + "_FILE")
    if value and file_name:
        raise ConfigError(f"both {name} and {name}_FILE are set; set only one")
    if file_name:
        value = _read_file(Path(file_name), f"{name}_FILE")
    if not value:
        if not required:
            return None
        raise ConfigError(
            f"{name} is not set; set it (or {name}_FILE, a file holding it) in the environment"
        )
    return Secret(value.strip())


@dataclass(frozen=True, slots=True)
class TbaCredentials:
    """Token-based authentication: integration keys plus an access token."""

    consumer_key: Secret
    consumer_secret: Secret
    token_id: Secret
    token_secret: Secret

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TbaCredentials:
        missing = [
            name
            for name in (ENV_CONSUMER_KEY, ENV_CONSUMER_SECRET, ENV_TOKEN_ID, ENV_TOKEN_SECRET)
            if not env.get(name) and not env.get(name + "_FILE")
        ]
        if missing:
            raise ConfigError(
                "token-based authentication needs "
                + ", ".join(missing)
                + " in the environment (or *_FILE naming a file that holds each)"
            )

        def get(name: str) -> Secret:
            found = read_setting(env, name)
            assert found is not None
            return found

        return cls(
            get(ENV_CONSUMER_KEY),
            get(ENV_CONSUMER_SECRET),
            get(ENV_TOKEN_ID),
            get(ENV_TOKEN_SECRET),
        )

    def secrets(self) -> tuple[str, ...]:
        return tuple(
            s.reveal()
            for s in (self.consumer_key, self.consumer_secret, self.token_id, self.token_secret)
        )


@dataclass(frozen=True, slots=True)
class PrivateKey:
    """A loaded certificate private key and the JWT algorithm it signs with."""

    pem: Secret
    algorithm: JwtAlgorithm
    key: Any  # a cryptography private key object; its repr shows no key material

    def __repr__(self) -> str:
        return f"PrivateKey(algorithm={self.algorithm!r}, pem=Secret('***'))"


def load_private_key(pem: Secret, passphrase: Secret | None, source: str) -> PrivateKey:
    """Load a PEM private key; RSA signs with PS256 and EC with ES256/384/512, the
    algorithms NetSuite accepts (no RS256: section_162790605110.html, §7)."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    try:
        key = serialization.load_pem_private_key(
            pem.reveal().encode("utf-8"),
            password=passphrase.reveal().encode("utf-8") if passphrase else None,
        )
    except (ValueError, TypeError) as exc:
        # cryptography's messages do not echo key material, but keep only the class.
        hint = (
            "; is it encrypted? set SUITELINT_PRIVATE_KEY_PASSPHRASE"
            if "password" in str(exc).lower() and passphrase is None
            else ""
        )
        raise ConfigError(
            f"the private key is not a PEM private key NetSuite can use ({type(exc).__name__}){hint}",
            source,
        ) from None
    algorithm: JwtAlgorithm
    if isinstance(key, rsa.RSAPrivateKey):
        algorithm = "PS256"
    elif isinstance(key, ec.EllipticCurvePrivateKey):
        curves: dict[str, JwtAlgorithm] = {
            "secp256r1": "ES256",
            "secp384r1": "ES384",
            "secp521r1": "ES512",
        }
        if key.curve.name not in curves:
            raise ConfigError(
                f"EC curve {key.curve.name} is not accepted by NetSuite; use P-256, P-384 or P-521",
                source,
            )
        algorithm = curves[key.curve.name]
    else:
        raise ConfigError("the private key must be RSA (PS256) or EC (ES256/ES384/ES512)", source)
    return PrivateKey(pem, algorithm, key)


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    """OAuth 2.0 client credentials: client id, certificate id (JWT ``kid``), key."""

    client_id: Secret
    certificate_id: str
    private_key: PrivateKey

    @classmethod
    def from_env(
        cls, env: Mapping[str, str], private_key_file: Path | None = None
    ) -> ClientCredentials:
        client_id = read_setting(env, ENV_CLIENT_ID)
        certificate_id = read_setting(env, ENV_CERTIFICATE_ID)
        assert client_id is not None and certificate_id is not None
        if private_key_file is not None:
            if env.get(ENV_PRIVATE_KEY) or env.get(ENV_PRIVATE_KEY_FILE):
                raise ConfigError(
                    f"--private-key-file and {ENV_PRIVATE_KEY}/{ENV_PRIVATE_KEY_FILE} are both "
                    "given; use one"
                )
            pem = Secret(_read_file(private_key_file, "private key file"))
            source = str(private_key_file)
        else:
            found = read_setting(env, ENV_PRIVATE_KEY, required=False)
            if found is None:
                raise ConfigError(
                    "client credentials need the certificate's private key: "
                    f"--private-key-file PATH, {ENV_PRIVATE_KEY_FILE} or {ENV_PRIVATE_KEY}"
                )
            pem = found
            source = env.get(ENV_PRIVATE_KEY_FILE) or ENV_PRIVATE_KEY
        passphrase = read_setting(env, ENV_PRIVATE_KEY_PASSPHRASE, required=False)
        return cls(client_id, certificate_id.reveal(), load_private_key(pem, passphrase, source))

    def secrets(self) -> tuple[str, ...]:
        return (self.client_id.reveal(), self.private_key.pem.reveal())


class TbaAuth(AuthBase):
    """Signs each request with OAuth 1.0a HMAC-SHA256, realm = account id.

    NetSuite TBA supports only HMAC-SHA256 (section_156338994830.html); the realm is
    sent in the header but is not part of the signature base string, and query
    parameters (``limit``, ``offset``) are (suiteql-and-rest.md §6). requests-oauthlib
    signs exactly that way.
    """

    def __init__(self, credentials: TbaCredentials, realm: str) -> None:
        from oauthlib.oauth1 import SIGNATURE_HMAC_SHA256
        from requests_oauthlib import OAuth1

        self.realm = realm
        self._credentials = credentials
        self._oauth = OAuth1(
            credentials.consumer_key.reveal(),
            client_secret=credentials.consumer_secret.reveal(),
            resource_owner_key=credentials.token_id.reveal(),
            resource_owner_secret=credentials.token_secret.reveal(),
            signature_method=SIGNATURE_HMAC_SHA256,
            realm=realm,
        )

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        signed: requests.PreparedRequest = self._oauth(r)
        return signed

    def __repr__(self) -> str:
        return f"TbaAuth(realm={self.realm!r})"

    def secrets(self) -> tuple[str, ...]:
        return self._credentials.secrets()

    def invalidate(self) -> bool:
        """TBA has nothing cached to refresh."""
        return False


class ClientCredentialsAuth(AuthBase):
    """Bearer tokens from the client-credentials grant, cached until shortly before
    they expire (an access token is valid 60 minutes, section_162755359851.html).

    The grant: POST ``grant_type=client_credentials``,
    ``client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer`` and
    ``client_assertion=<JWT>`` to ``/services/rest/auth/oauth2/v1/token``. The JWT header
    has ``typ``, ``alg`` (PS256/ES256/...) and ``kid`` = Certificate ID; the payload
    ``iss`` = client id, ``scope``, ``aud`` = the token endpoint URL, ``iat`` and ``exp``
    (section_162790605110.html; suiteql-and-rest.md §7). There is no refresh token in this
    flow: a new assertion is made when the access token runs out.
    """

    def __init__(
        self,
        credentials: ClientCredentials,
        token_url: str,
        *,
        timeout: float = 60.0,
        clock: Callable[[], float] = time.time,
        post: Callable[..., requests.Response] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.token_url = token_url
        self._credentials = credentials
        self._timeout = timeout
        self._clock = clock
        self._sleep = sleep
        self._post = post or requests.post
        self._lock = threading.Lock()
        self._token: Secret | None = None
        self._expires_at = 0.0
        self.grants = 0  # how many times a token was fetched (for tests and logs)

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(token_url={self.token_url!r})"

    def secrets(self) -> tuple[str, ...]:
        extra = (self._token.reveal(),) if self._token is not None else ()
        return self._credentials.secrets() + extra

    def assertion(self) -> str:
        """A freshly signed JWT client assertion."""
        import jwt

        now = int(self._clock())
        key = self._credentials.private_key
        payload = {
            "iss": self._credentials.client_id.reveal(),
            # Oracle's example token request carries scope as a list
            # (section_162755359851.html); REST web services covers SuiteQL.
            "scope": ["rest_webservices"],
            "aud": self.token_url,
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
        }
        headers = {"typ": "JWT", "kid": self._credentials.certificate_id}
        return jwt.encode(payload, key.key, algorithm=key.algorithm, headers=headers)

    def invalidate(self) -> bool:
        """Forget the cached access token (after a 401); True if there was one."""
        with self._lock:
            had = self._token is not None
            self._token = None
            self._expires_at = 0.0
            return had

    def access_token(self) -> str:
        with self._lock:
            if self._token is not None and self._clock() < self._expires_at - TOKEN_EXPIRY_MARGIN:
                return self._token.reveal()
            self._token, lifetime = self._grant()
            self._expires_at = self._clock() + lifetime
            self.grants += 1
            log.info("client credentials: got an access token valid for %d s", lifetime)
            return self._token.reveal()

    def _grant(self) -> tuple[Secret, float]:
        """POST a fresh assertion; 429, 5xx and network failures are retried a few times
        with jittered exponential backoff, as SuiteQL pages are."""
        response: requests.Response | None = None
        for attempt in range(GRANT_ATTEMPTS):
            if attempt:
                self._sleep(min(30.0, 0.5 * 2.0**attempt) * random.random())
            data = {
                "grant_type": "client_credentials",
                "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                "client_assertion": self.assertion(),
            }
            try:
                response = self._post(self.token_url, data=data, timeout=self._timeout)
            except requests.RequestException as exc:
                if attempt + 1 < GRANT_ATTEMPTS:
                    log.info("token endpoint: %s; retrying", type(exc).__name__)
                    continue
                raise SourceError(
                    f"cannot reach the token endpoint: {type(exc).__name__}", self.token_url
                ) from None
            if response.status_code == 429 or response.status_code >= 500:
                log.info("token endpoint: HTTP %d; retrying", response.status_code)
                continue
            break
        assert response is not None
        if response.status_code != 200:
            code, detail = error_detail(response)
            detail = scrub(detail, self.secrets())  # in case the server echoes a credential
            raise SourceError(
                f"the token endpoint refused the client-credentials grant (HTTP "
                f"{response.status_code}{' ' + code if code else ''}"
                f"{': ' + detail if detail else ''}); check {ENV_CLIENT_ID}, "
                f"{ENV_CERTIFICATE_ID} and the private key, that the certificate is mapped to "
                "this integration, entity and role in OAuth 2.0 Client Credentials Setup, and "
                "that the role has 'Log in using OAuth 2.0 Access Tokens' (ADMI_LOGIN_OAUTH2) "
                "and 'REST Web Services' (ADMI_RESTWEBSERVICES)",
                self.token_url,
            )
        try:
            body = response.json()
            token = str(body["access_token"])
            # Oracle documents expires_in (3600); accept a number or a numeric string.
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise SourceError(
                "the token endpoint answered without a usable access_token", self.token_url
            ) from None
        return Secret(token), lifetime

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        r.headers["Authorization"] = "Bearer " + self.access_token()
        return r
