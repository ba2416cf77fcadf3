import json
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from agencies.oidc import oidc_public_jwk, oidc_redirect_uri
from core import certificates


class Command(BaseCommand):
    help = (
        "Print the public key of OIDC_PRIVATE_KEY_FILE for registering the registry with Login.gov or an agency IdP: "
        "a JWK (default), a JWKS, or a self-signed PEM certificate (Login.gov's dashboard asks for one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--key", type=Path, help="The private key (PEM); default: OIDC_PRIVATE_KEY_FILE.")
        output = parser.add_mutually_exclusive_group()
        output.add_argument("--jwks", action="store_true", help='Print {"keys": [JWK]}.')
        output.add_argument("--certificate", action="store_true", help="Print a self-signed certificate (PEM).")

    def handle(self, *args, key: Path | None, jwks: bool, certificate: bool, **options):
        path = key or (Path(settings.OIDC_PRIVATE_KEY_FILE) if settings.OIDC_PRIVATE_KEY_FILE else None)
        if path is None:
            raise CommandError("Give --key or set OIDC_PRIVATE_KEY_FILE.")
        try:
            pem = path.read_text()
            jwk = oidc_public_jwk(pem)
        except (OSError, ValueError) as error:
            raise CommandError(f"{path} is not a readable RSA private key (PEM): {error}") from None
        if certificate:
            self.stdout.write(self_signed_certificate(pem.encode()), ending="")
        else:
            self.stdout.write(json.dumps({"keys": [jwk]} if jwks else jwk, indent=2))
        self.stderr.write(f"Redirect URI to register: {oidc_redirect_uri()}")


def self_signed_certificate(key_pem: bytes) -> str:
    """A certificate for the key, valid a year, naming the registry's site: only its public key matters to the IdP."""
    key = serialization.load_pem_private_key(key_pem, password=None)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"OneGov AI Registry {settings.OIDC_CLIENT_ID}"[:64])])
    certificate = certificates.self_signed_certificate(key, name=name, days=365)
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
