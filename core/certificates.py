"""Self-signed certificates for keys the registry holds (imports no app).

Login.gov's dashboard takes a certificate for the registry's sign-in key, and DEBUG reports are signed
with a development key: both need a certificate whose only job is to carry the public key.
"""

from __future__ import annotations

import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes


def self_signed_certificate(
    key, *, name: x509.Name, days: int, extensions: tuple[tuple[x509.ExtensionType, bool], ...] = ()
) -> x509.Certificate:
    """A certificate of `key` signed by itself, valid from five minutes ago for `days` days."""
    now = dt.datetime.now(dt.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=days))
    )
    for extension, critical in extensions:
        builder = builder.add_extension(extension, critical=critical)
    return builder.sign(key, hashes.SHA256())
