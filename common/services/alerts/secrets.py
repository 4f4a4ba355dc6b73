"""Webhook secrets: generated once, stored encrypted (Fernet), shown only at creation."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

SECRET_PREFIX = "whsec_"  # noqa: S105  # nosec B105 - a label, not a secret


class SecretError(RuntimeError):
    """A stored secret cannot be decrypted (wrong or rotated-away key)."""


def generate_secret() -> str:
    """A new webhook signing secret (256 bits, URL-safe)."""
    return SECRET_PREFIX + secrets.token_urlsafe(32)


class SecretBox:
    """Encrypts secrets at rest. Several comma-separated keys: the first encrypts, all decrypt."""

    def __init__(self, keys: str | bytes) -> None:
        raw = keys.decode() if isinstance(keys, bytes) else keys
        parts = [k.strip() for k in raw.split(",") if k.strip()]
        if not parts:
            raise SecretError("no encryption key configured")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in parts])

    def encrypt(self, plain: str) -> str:
        """Ciphertext (a Fernet token) for `plain`."""
        return self._fernet.encrypt(plain.encode()).decode()

    def decrypt(self, token: str) -> str:
        """The plain secret; SecretError when no configured key opens it."""
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken:
            raise SecretError("secret cannot be decrypted with the configured keys") from None


def load_or_create_key(path: Path) -> str:
    """Local only: the key stored in `path`, generated (mode 0600) on first use."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process created it first; read theirs
        else:
            with os.fdopen(fd, "w") as out:
                out.write(Fernet.generate_key().decode())
    return path.read_text().strip()
