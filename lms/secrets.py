"""Development secrets that are generated once and kept under ``var/``.

Production never reaches this module: ``lms.settings.production`` requires every
secret from the environment and refuses to start without it.
"""

import base64
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def kept_secret(var_dir: Path, name: str, factory: Callable[[], str]) -> str:
    """Return the secret stored in ``var_dir/name``, creating it on first use."""
    path = var_dir / name
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        value = factory()
        path.write_text(value)
        path.chmod(0o600)
    return path.read_text()


def random_token() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def ed25519_pem() -> str:
    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
