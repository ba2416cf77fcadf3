"""The test OpenID provider (tests/oidc_provider/provider.mjs, oidc-provider under Node), and a sign-in through it.

`provider_start` generates the registry's client key, registers its public JWK with a new provider on
127.0.0.1 and returns where everything is. `idp_sign_in` plays the browser for Django's test client: it
follows the registry's redirect to the provider, fills the provider's login form, follows the provider's
redirects and hands the callback back to the registry.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from agencies.oidc import oidc_public_jwk

PROVIDER_DIR = Path(__file__).parent / "oidc_provider"
CLIENT_ID = "urn:gov:gsa:openidconnect.profiles:sp:sso:gsa:onegov-registry-test"
PIV_CAC = "http://idmanagement.gov/ns/assurance/aal/2?hspd12=true"
WEAKER = "http://idmanagement.gov/ns/assurance/ial/1"


@dataclass
class TestProvider:
    issuer: str
    key_file: Path
    process: subprocess.Popen

    def tamper(self, claim: str | None) -> None:
        """Make the provider re-sign its next ID token with `claim` (aud, nonce, exp) wrong."""
        requests.post(f"{self.issuer}/__test/tamper", json={"claim": claim}, timeout=5).raise_for_status()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def provider_start(directory: Path, *, site_url: str) -> TestProvider:
    if shutil.which("node") is None:
        pytest.skip("Sign-in tests need Node.js (scripts/setup.sh installs Debian's nodejs).")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").exists():
        pytest.skip("Sign-in tests need oidc-provider: scripts/setup.sh runs npm ci in tests/oidc_provider.")
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    key_file = directory / "oidc-client-key.pem"
    key_file.write_bytes(pem)
    config = {
        "client_id": CLIENT_ID,
        "jwk": oidc_public_jwk(pem.decode()),
        "redirect_uris": [f"{site_url}/accounts/oidc/callback/"],
        "post_logout_redirect_uris": [f"{site_url}/"],
    }
    process = subprocess.Popen(
        ["node", str(PROVIDER_DIR / "provider.mjs"), json.dumps(config)],
        cwd=PROVIDER_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    line = process.stdout.readline().strip()
    if not line.startswith("issuer "):
        process.kill()
        raise RuntimeError(f"The test OpenID provider did not start: {line!r}")
    return TestProvider(issuer=line.split(" ", 1)[1], key_file=key_file, process=process)


def configure(settings, provider: TestProvider, *, site_url: str) -> None:
    settings.OIDC_ISSUER_URL = provider.issuer
    settings.OIDC_CLIENT_ID = CLIENT_ID
    settings.OIDC_PRIVATE_KEY_FILE = str(provider.key_file)
    settings.OIDC_ACR_VALUES = PIV_CAC
    settings.OIDC_SCOPES = "openid email"
    settings.SITE_URL = site_url


def idp_sign_in(client, provider: TestProvider, *, sub: str, email: str, acr: str = PIV_CAC, site_url: str):
    """Sign in through the provider as (sub, email, acr); return the registry's answer to the callback."""
    start = client.get("/accounts/oidc/start/")
    assert start.status_code == 302, start.content
    browser = requests.Session()
    login_page = browser.get(start["Location"], timeout=10)
    assert login_page.status_code == 200, login_page.text
    assert "/interaction/" in login_page.url
    answer = browser.post(
        login_page.url.rstrip("/") + "/login", data={"sub": sub, "email": email, "acr": acr}, allow_redirects=False
    )
    for _ in range(10):
        location = urljoin(answer.url, answer.headers["Location"])
        if location.startswith(site_url):
            break
        answer = browser.get(location, allow_redirects=False, timeout=10)
    callback = urlsplit(location)
    return client.get(callback.path + "?" + callback.query)
