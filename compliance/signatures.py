"""OpenSSF Model Signing (the `model-signing` package): publishers' signatures checked, the registry's own made.

A publisher's `model.sig` is a Sigstore bundle whose DSSE envelope holds an in-toto statement
listing every file with its SHA-256. We verify the envelope against the key, certificate chain or
Sigstore identity configured for the model version, then compare its digests with the ones
verification already computed (SHA-256 of LFS files, the manifest's own) instead of letting
model_signing hash the folder again; only small non-LFS files are read for their SHA-256.

After a passed verification the registry signs the manifest with its own key (MODEL_SIGNING_KEY,
an elliptic-curve PEM private key), in the same format, so that an enclave can check a copied
folder with `model_signing verify key --signature ... --public_key ...` alone.

model-signing's public API (`verifying.Config().verify`) always re-hashes the folder; verifying
only the envelope needs its signer/verifier classes under `model_signing._signing`, pinned in
pyproject (<2) for that reason.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pathlib
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from model_signing import manifest as oms_manifest
from model_signing._hashing import hashing as oms_hashing
from model_signing._signing import sign_certificate, sign_ec_key, sign_sigstore, sign_sigstore_pb
from model_signing._signing import signing as oms_signing

logger = logging.getLogger(__name__)

SIGNATURE_PATH = "model.sig"
# Paths model_signing leaves out of a signature by default (its --ignore-git-paths).
IGNORED_PREFIXES = (".git/", ".github/")
IGNORED_FILES = {".gitattributes", ".gitignore"}
KEY, CERTIFICATE, SIGSTORE = "key", "certificate", "sigstore"


@dataclass(frozen=True)
class SignatureTrust:
    """Who may sign a model version: a public key, a certificate chain, or a Sigstore identity."""

    method: str
    public_key: str = ""
    certificate_chain: str = ""
    identity: str = ""
    oidc_issuer: str = ""


@dataclass(frozen=True)
class SignatureResult:
    present: bool
    verified: bool | None
    signer: str = ""
    detail: str = ""

    def as_json(self) -> dict:
        return {
            "present": self.present,
            "verified": self.verified,
            "signer": self.signer or None,
            "detail": self.detail,
        }


NOT_PRESENT = SignatureResult(False, None, "", "the repo ships no model.sig")


def signed_paths(paths: Iterable[str], *, signature_path: str = SIGNATURE_PATH) -> list[str]:
    """The paths an OMS signature of the folder covers: all but git files and the signature itself."""
    return sorted(
        p for p in paths if p != signature_path and p not in IGNORED_FILES and not p.startswith(IGNORED_PREFIXES)
    )


def signature_check(*, bundle: bytes, trust: SignatureTrust | None, digests: dict[str, str]) -> SignatureResult:
    """Verify a publisher's bundle against `trust`, then its per-file digests against `digests` (path → sha256).

    `digests` must hold every file of the folder that the signature should cover (see signed_paths).
    """
    if trust is None:
        return SignatureResult(True, None, "", "no key, certificate chain or identity is configured for this model")
    try:
        verifier, signer = _verifier(trust, bundle)
        with tempfile.TemporaryDirectory() as tmp:
            path = pathlib.Path(tmp) / "model.sig"
            path.write_bytes(bundle)
            reader = sign_sigstore.Signature if trust.method == SIGSTORE else sign_sigstore_pb.Signature
            signed = verifier.verify(reader.read(path))
    except Exception as error:  # the library raises ValueError, InvalidSignature, OpenSSL and parse errors
        return SignatureResult(True, False, "", f"the signature does not verify: {_reason(error)}")
    params = signed.serialization_type
    if params.get("method") != "files" or params.get("hash_type") != "sha256":
        detail = f"signed per {params.get('method')}/{params.get('hash_type')}: only per-file sha256 is cross-checked"
        return SignatureResult(True, None, signer, detail)
    claimed = {rd.identifier: rd.digest.digest_hex for rd in signed.resource_descriptors()}
    problems = _compare(claimed, digests)
    if problems:
        return SignatureResult(True, False, signer, "; ".join(problems[:5]))
    return SignatureResult(True, True, signer, f"signature covers the {len(claimed)} files, digests match")


def _compare(claimed: dict[str, str], digests: dict[str, str]) -> list[str]:
    problems = [f"{p}: not covered by the signature" for p in sorted(set(digests) - set(claimed))]
    problems += [f"{p}: signed but not in the folder" for p in sorted(set(claimed) - set(digests))]
    problems += [
        f"{p}: digest differs from the signed one" for p in sorted(claimed) if p in digests and claimed[p] != digests[p]
    ]
    return problems


def _reason(error: Exception) -> str:
    return str(error) or type(error).__name__


def _verifier(trust: SignatureTrust, bundle: bytes):
    """The model_signing verifier for `trust`, built from PEM text, and a label for the signer."""
    with tempfile.TemporaryDirectory() as tmp:
        if trust.method == KEY:
            path = pathlib.Path(tmp) / "key.pub"
            path.write_text(trust.public_key)
            digest = hashlib.sha256(
                serialization.load_pem_public_key(trust.public_key.encode()).public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            ).hexdigest()
            return sign_ec_key.Verifier(path), f"key sha256:{digest[:16]}"
        if trust.method == CERTIFICATE:
            if not trust.certificate_chain.strip():
                raise ValueError("no certificate chain configured (the system roots are never trusted for this)")
            path = pathlib.Path(tmp) / "chain.pem"
            path.write_text(trust.certificate_chain)
            return sign_certificate.Verifier([path]), _leaf_subject(bundle)
        if trust.method == SIGSTORE:
            # Needs Sigstore's trust root and transparency log: not reachable from an air-gapped enclave.
            verifier = sign_sigstore.Verifier(identity=trust.identity, oidc_issuer=trust.oidc_issuer)
            return verifier, f"{trust.identity} ({trust.oidc_issuer})"
    raise ValueError(f"unknown signature trust method {trust.method!r}")


def _leaf_subject(bundle: bytes) -> str:
    """The signing certificate's subject, read from the bundle (its chain is verified by model_signing)."""
    import base64

    from cryptography import x509

    try:
        material = json.loads(bundle)["verificationMaterial"]
        certificates = material.get("x509CertificateChain", {}).get("certificates") or [material["certificate"]]
        leaf = x509.load_der_x509_certificate(base64.b64decode(certificates[0]["rawBytes"]))
    except (KeyError, ValueError, TypeError, IndexError):
        return "certificate"
    return leaf.subject.rfc4514_string()


def sha256_of(path: pathlib.Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as stream:
        while chunk := stream.read(1024 * 1024):
            hasher.update(chunk)
    return hasher.hexdigest()


# -- the registry's own signature ---------------------------------------------------------------


def registry_key_path() -> pathlib.Path:
    """MODEL_SIGNING_KEY; in DEBUG a development key is generated under var/ when none is configured."""
    if settings.MODEL_SIGNING_KEY:
        return pathlib.Path(settings.MODEL_SIGNING_KEY)
    if not settings.DEBUG:
        raise ImproperlyConfigured("MODEL_SIGNING_KEY is not set: the registry cannot sign verified models.")
    path = pathlib.Path(settings.VAR_DIR) / "model-signing-dev-key.pem"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = ec.generate_private_key(ec.SECP256R1())
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(pem)
        logger.warning("Generated a development model-signing key at %s (DEBUG only)", path)
    return path


def registry_public_key_pem() -> str:
    key = serialization.load_pem_private_key(registry_key_path().read_bytes(), None)
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def registry_sign(*, model_name: str, digests: dict[str, str]) -> str:
    """An OMS signature (Sigstore bundle JSON) over `digests` (path → sha256), made with the registry's key.

    The serialization recorded is model_signing's default "files" method with sha256, so that
    `model_signing verify key` re-hashes the folder the same way and compares.
    """
    serialization_type = oms_manifest._FileSerialization("sha256", allow_symlinks=True)  # noqa: SLF001
    items = [
        serialization_type.new_item(path, oms_hashing.Digest("sha256", bytes.fromhex(digests[path])))
        for path in signed_paths(digests)
    ]
    payload = oms_signing.Payload(oms_manifest.Manifest(model_name, items, serialization_type))
    signature = sign_ec_key.Signer(registry_key_path()).sign(payload)
    return signature.bundle.to_json()
