"""Token attacks, key rotation, refresh rotation with family revocation, logout."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import text

from common.config import Settings
from common.services.auth_types import TokenError
from common.web.auth import KeyConfigError, KeyRing, TokenCodec, load_key_ring
from tests import api_helpers
from tests.api_helpers import call, login

world, w = api_helpers.world, api_helpers.w  # fixtures
KEY = "a" * 40


def _b64(doc: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(doc).encode()).decode().rstrip("=")


def _claims(w, role="owner") -> dict:
    return jwt.decode(w.a.tokens[role], options={"verify_signature": False})


def _sign(claims: dict, key=KEY, alg="HS256", kid="k1") -> str:
    return jwt.encode(claims, key, algorithm=alg, headers={"kid": kid} if kid else None)


def _me(w, token):
    return call(w.client, "GET", "/v1/auth/me", token)


def test_a_genuine_token_works(w):
    assert _me(w, _sign(_claims(w))).status_code == 200


def test_alg_none_is_refused(w):
    token = f"{_b64({'alg': 'none', 'typ': 'JWT', 'kid': 'k1'})}.{_b64(_claims(w))}."
    assert _me(w, token).status_code == 401


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
def test_other_hmac_algorithms_are_refused(w):
    assert _me(w, _sign(_claims(w), alg="HS512")).status_code == 401


def test_rs256_and_rs_hs_confusion_are_refused(w):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert _me(w, _sign(_claims(w), key=private, alg="RS256")).status_code == 401
    public_pem = private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    # The classic confusion: HS256 "signed" with the public key as the shared secret.
    header = _b64({"alg": "HS256", "typ": "JWT", "kid": "k1"})
    body = _b64(_claims(w))
    sig = hmac.new(public_pem, f"{header}.{body}".encode(), hashlib.sha256).digest()
    token = f"{header}.{body}.{base64.urlsafe_b64encode(sig).decode().rstrip('=')}"
    assert _me(w, token).status_code == 401


def test_wrong_key_and_unknown_or_missing_kid_are_refused(w):
    assert _me(w, _sign(_claims(w), key="z" * 40)).status_code == 401
    assert _me(w, _sign(_claims(w), kid="nope")).status_code == 401
    assert _me(w, _sign(_claims(w), kid=None)).status_code == 401


def test_tampered_claims_break_the_signature(w):
    header, _payload, signature = w.a.tokens["viewer"].split(".")
    forged = _claims(w, "viewer") | {"role": "owner", "cus": w.b.customer_id}
    assert _me(w, f"{header}.{_b64(forged)}.{signature}").status_code == 401


@pytest.mark.parametrize(
    "change",
    [
        {"exp": -60},
        {"nbf": 300},
        {"iat": 300},
        {"aud": "someone-else"},
        {"iss": "evil"},
        {"typ": "refresh"},
        {"role": "superuser"},
        {"sub": "not-a-uuid"},
    ],
    ids=lambda c: next(iter(c)),
)
def test_bad_claims_are_refused_even_when_signed(w, change):
    claims = _claims(w)
    now = int(time.time())
    for name, value in change.items():
        claims[name] = now + value if name in ("exp", "nbf", "iat") else value
    response = _me(w, _sign(claims))
    assert response.status_code == 401
    if "exp" in change:
        assert response.json["error"]["message"] == "token expired"


def test_missing_required_claims_are_refused(w):
    claims = _claims(w)
    del claims["jti"]
    assert _me(w, _sign(claims)).status_code == 401


def test_the_second_key_still_verifies_during_rotation(w):
    assert _me(w, _sign(_claims(w), key="b" * 40, kid="k0")).status_code == 200
    ring = KeyRing.parse("k1:" + KEY)
    codec = TokenCodec(ring, "upstream", "upstream-api")
    with pytest.raises(TokenError):
        codec.verify(_sign(_claims(w), key="b" * 40, kid="k0"), "access")


def test_short_or_malformed_keys_are_configuration_errors(tmp_path):
    for spec in ("k1:short", "no-colon", "", "k1:" + "a" * 40 + ",:x"):
        with pytest.raises(KeyConfigError):
            KeyRing.parse(spec)
    with pytest.raises(KeyConfigError):
        load_key_ring(Settings(backend="cloud", home=tmp_path), allow_key_file=False)


def test_locally_a_key_file_is_made_once_and_reused(tmp_path):
    first = load_key_ring(Settings(home=tmp_path), allow_key_file=True)
    path = tmp_path / "jwt.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert load_key_ring(Settings(home=tmp_path), allow_key_file=True) == first
    assert len(first.signing[1]) >= 32


def _pair(w, role="analyst"):
    response = login(w.client, w.a.email(role))
    assert response.status_code == 200
    doc = response.json
    assert doc["token_type"] == "Bearer" and doc["expires_in"] == 900
    assert doc["refresh_expires_in"] == 7 * 24 * 3600
    return doc


def _refresh(w, token):
    return call(w.client, "POST", "/v1/auth/refresh", body={"refresh_token": token})


def test_refresh_rotates_and_reuse_revokes_the_whole_family(w):
    first = _pair(w)
    second = _refresh(w, first["refresh_token"])
    assert second.status_code == 200
    third = _refresh(w, second.json["refresh_token"])
    assert third.status_code == 200
    reuse = _refresh(w, first["refresh_token"])  # a thief replays the first one
    assert reuse.status_code == 401
    assert _refresh(w, third.json["refresh_token"]).status_code == 401  # family revoked
    with w.owner.connect() as conn:
        actions = conn.execute(
            text("SELECT action FROM audit_events WHERE action LIKE 'auth.refresh%'")
        ).scalars()
        assert "auth.refresh_reuse" in set(actions)


def test_token_types_cannot_stand_in_for_each_other(w):
    pair = _pair(w)
    assert _me(w, pair["refresh_token"]).status_code == 401
    assert _refresh(w, pair["access_token"]).status_code == 401


def test_logout_revokes_the_access_jti_and_the_refresh_family(w):
    pair = _pair(w)
    assert _me(w, pair["access_token"]).status_code == 200
    out = call(
        w.client,
        "POST",
        "/v1/auth/logout",
        pair["access_token"],
        {"refresh_token": pair["refresh_token"]},
    )
    assert out.status_code == 204
    revoked = _me(w, pair["access_token"])
    assert revoked.status_code == 401 and revoked.json["error"]["message"] == "token revoked"
    assert _refresh(w, pair["refresh_token"]).status_code == 401
    assert call(w.client, "POST", "/v1/auth/logout", body={}).status_code == 401


def test_a_deactivated_users_tokens_stop_working_at_once(w):
    pair = _pair(w, "viewer")
    patch = call(
        w.client,
        "PATCH",
        f"/v1/users/{w.a.users['viewer']}",
        w.a.tokens["admin"],
        {"active": False},
    )
    assert patch.status_code == 200 and patch.json["active"] is False
    try:
        assert _me(w, pair["access_token"]).status_code == 401
        assert _refresh(w, pair["refresh_token"]).status_code == 401
        assert login(w.client, w.a.email("viewer")).status_code == 401
    finally:
        call(
            w.client,
            "PATCH",
            f"/v1/users/{w.a.users['viewer']}",
            w.a.tokens["admin"],
            {"active": True},
        )
    assert _me(w, w.a.tokens["viewer"]).status_code == 200
