"""The development signing key: a self-signed certificate that says it is one.

Production signs report PDFs with the key in REPORT_SIGNING_P12 (settings refuse to start without
it when DEBUG is off). A laptop running `make run` (DEBUG on) has none, so the first report creates
a key and a self-signed certificate under var/signing/. Its subject says DEVELOPMENT, and every PDF
signed with it says "development signature" in its visible signature block, so such a PDF can never
pass for an attestation.

This module imports only `cryptography`: config/settings_test.py uses it before Django is set up.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from core.certificates import self_signed_certificate

DEVELOPMENT_ORGANIZATION = "OneGov AI Registry DEVELOPMENT"
DEVELOPMENT_COMMON_NAME = "Development signing key (not for attestations)"
DEVELOPMENT_P12 = "signing/development-signing.p12"


def is_development_subject(organization_names: list[str]) -> bool:
    """Whether a certificate's organization names mark it as the development key."""
    return DEVELOPMENT_ORGANIZATION in organization_names


def development_p12_ensure(var_dir: Path) -> Path:
    """Create the development key and certificate (PKCS#12, no password) under var_dir once; return its path."""
    path = Path(var_dir) / DEVELOPMENT_P12
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, DEVELOPMENT_ORGANIZATION),
            x509.NameAttribute(NameOID.COMMON_NAME, DEVELOPMENT_COMMON_NAME),
        ]
    )
    certificate = self_signed_certificate(
        key,
        name=name,
        days=3650,
        extensions=(
            (x509.BasicConstraints(ca=False, path_length=None), True),
            (
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=True,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                True,
            ),
        ),
    )
    data = pkcs12.serialize_key_and_certificates(
        b"registry-development", key, certificate, None, serialization.NoEncryption()
    )
    # Written to a temporary name and renamed, so two processes starting at once never read half a file.
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_bytes(data)
    temporary.chmod(0o600)
    temporary.replace(path)
    return path
