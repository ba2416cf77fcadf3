"""A test PKI built with Certomancer and served over HTTP on 127.0.0.1 (CRLs, OCSP, RFC 3161 timestamps).

Two architectures:
- `registry`: a root CA; the registry's signing certificate (CRL and OCSP addresses in it); one revoked
  on 1 Jan 2021 and one that expired on 1 Jan 2022; a timestamp authority (TSA) under the same root.
- `rogue`: another root and its own TSA, which the registry does not trust ("a wrong timestamp").

Keys are generated for each test session; the certificates, CRLs, OCSP answers and timestamps are
made by Certomancer's Animator (a WSGI app) behind Werkzeug's server in a thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server

KEYS = ("root", "signer", "tsa", "rogue-root", "rogue-tsa")
P12_PASSWORD = "test-pki-password"


def _validity(start: str, end: str) -> dict:
    return {"valid-from": f"{start}T00:00:00+0000", "valid-to": f"{end}T00:00:00+0000"}


def _key_usage(*usages: str) -> dict:
    return {"id": "key_usage", "critical": True, "smart-value": {"schema": "key-usage", "params": list(usages)}}


def _smart(extension: str, schema: str, params: dict) -> dict:
    return {"id": extension, "smart-value": {"schema": schema, "params": params}}


def _ca(name: str) -> dict:
    return {
        "subject": name,
        "issuer": name,
        "validity": _validity("2000-01-01", "2500-01-01"),
        "extensions": [
            {"id": "basic_constraints", "critical": True, "value": {"ca": True}},
            _key_usage("digital_signature", "key_cert_sign", "crl_sign"),
        ],
    }


def _tsa(issuer: str, key: str) -> dict:
    return {
        "issuer": issuer,
        "subject-key": key,
        "validity": _validity("2000-01-01", "2100-01-01"),
        "extensions": [
            _key_usage("digital_signature"),
            {"id": "extended_key_usage", "critical": True, "value": ["time_stamping"]},
        ],
    }


def _signer(start: str, end: str, **extra) -> dict:
    return {
        "subject": "signer",
        "subject-key": "signer",
        "issuer": "root",
        "validity": _validity(start, end),
        "extensions": [
            _key_usage("digital_signature", "non_repudiation"),
            _smart("crl_distribution_points", "crl-dist-url", {"crl-repo-names": ["root"]}),
            _smart("authority_information_access", "aia-urls", {"ocsp-responder-names": ["root"]}),
        ],
        **extra,
    }


def _config(keys_dir: Path) -> dict:
    keysets = {"test-keys": {"path-prefix": str(keys_dir), "keys": {k: {"path": f"{k}.key.pem"} for k in KEYS}}}
    registry = {
        "keyset": "test-keys",
        "entity-defaults": {"country-name": "US", "organization-name": "Registry Test PKI"},
        "entities": {
            "root": {"common-name": "Test Root CA"},
            "signer": {"common-name": "OneGov AI Registry report signing (test)"},
            "tsa": {"common-name": "Test Timestamp Authority"},
        },
        "certs": {
            "root": _ca("root"),
            "signer": _signer("2020-01-01", "2100-01-01"),
            "signer-revoked": _signer(
                "2020-01-01",
                "2100-01-01",
                revocation={"revoked-since": "2021-01-01T00:00:00+0000", "reason": "key_compromise"},
            ),
            "signer-expired": _signer("2020-01-01", "2022-01-01"),
            "tsa": _tsa("root", "tsa"),
        },
        "services": {
            "ocsp": {"root": {"for-issuer": "root", "responder-cert": "root", "signing-key": "root"}},
            "crl-repo": {"root": {"for-issuer": "root", "signing-key": "root", "simulated-update-schedule": "P30D"}},
            "time-stamping": {"tsa": {"signing-key": "tsa", "signing-cert": "tsa"}},
        },
    }
    rogue = {
        "keyset": "test-keys",
        "entity-defaults": {"country-name": "US", "organization-name": "Rogue Test PKI"},
        "entities": {"rogue-root": {"common-name": "Rogue Root CA"}, "rogue-tsa": {"common-name": "Rogue TSA"}},
        "certs": {"rogue-root": _ca("rogue-root"), "rogue-tsa": _tsa("rogue-root", "rogue-tsa")},
        "services": {"time-stamping": {"rogue-tsa": {"signing-key": "rogue-tsa", "signing-cert": "rogue-tsa"}}},
    }
    return {"keysets": keysets, "pki-architectures": {"registry": registry, "rogue": rogue}}


@dataclass
class TestPki:
    """Files and addresses of the running test PKI."""

    url: str
    root_pem: Path
    signer_p12: Path
    revoked_p12: Path
    expired_p12: Path
    tsa_url: str
    rogue_tsa_url: str
    password: str = P12_PASSWORD


class _LateApp:
    """The WSGI app, set once the server's port (part of every URL in the certificates) is known."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


def pki_start(directory: Path) -> tuple[TestPki, callable]:
    """Generate keys and certificates under directory, serve the PKI; return it and a stop function."""
    keys_dir = directory / "keys"
    keys_dir.mkdir(parents=True, exist_ok=True)
    for name in KEYS:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        (keys_dir / f"{name}.key.pem").write_bytes(pem)
    late = _LateApp()
    server = make_server("127.0.0.1", 0, late, threaded=True)
    url = f"http://127.0.0.1:{server.port}"
    config = CertomancerConfig(_config(keys_dir), key_search_dir=str(keys_dir), external_url_prefix=url)
    late.app = Animator(AnimatorArchStore(config.pki_archs), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    arch = config.get_pki_arch(ArchLabel("registry"))
    root_pem = directory / "root.pem"
    root_pem.write_bytes(_pem(arch.get_cert(CertLabel("root")).dump()))
    p12s = {}
    for label in ("signer", "signer-revoked", "signer-expired"):
        p12s[label] = directory / f"{label}.p12"
        p12s[label].write_bytes(arch.package_pkcs12(CertLabel(label), password=P12_PASSWORD.encode()))
    pki = TestPki(
        url=url,
        root_pem=root_pem,
        signer_p12=p12s["signer"],
        revoked_p12=p12s["signer-revoked"],
        expired_p12=p12s["signer-expired"],
        tsa_url=f"{url}/registry/tsa/tsa",
        rogue_tsa_url=f"{url}/rogue/tsa/rogue-tsa",
    )

    def stop():
        server.shutdown()
        thread.join(timeout=5)

    return pki, stop


def _pem(der: bytes) -> bytes:
    from asn1crypto import pem

    return pem.armor("CERTIFICATE", der)


if __name__ == "__main__":
    # Serve the test PKI by hand: `python -m tests.pki DIR` writes the keys and P12 files under DIR.
    import sys
    import time

    pki, stop = pki_start(Path(sys.argv[1]))
    print(f"REPORT_SIGNING_P12={pki.signer_p12} REPORT_SIGNING_P12_PASSWORD={pki.password}")
    print(f"REPORT_SIGNING_TRUST_ROOTS={pki.root_pem} TSA_TRUST_ROOTS={pki.root_pem} TSA_URL={pki.tsa_url}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        stop()
