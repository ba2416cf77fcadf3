"""The one client of FedRAMP's marketplace data: `fedramp-products.json`, read from a URL or a file.

FedRAMP publishes its marketplace daily in the GitHub repository FedRAMP/marketplace-fedramp-gov-data.
The client reads the whole document and validates it before anything is stored: a source that
cannot be reached, is not JSON or does not have the expected shape raises a `FedRAMPError`.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

# A product's id in FedRAMP's data: mostly F or FR + 10 digits, sometimes a suffix or a name (AGENCYMAX).
PRODUCT_ID = re.compile(r"^[A-Za-z0-9_-]{1,40}$")
USER_AGENT = "onegov-ai-registry (FedRAMP sync)"


class FedRAMPError(Exception):
    """FedRAMP's data could not be read; nothing was stored."""


class FedRAMPUnavailable(FedRAMPError):
    """The source could not be reached or read (network, HTTP status, missing file)."""


class FedRAMPFormatError(FedRAMPError):
    """The source was read but is not FedRAMP's products document."""


@dataclass(frozen=True)
class ProductRecord:
    """One product as FedRAMP states it, with the fields the registry keeps."""

    fedramp_id: str
    csp: str
    cso: str
    auth_type: str
    impact_level: str
    status: str
    status_updated_on: dt.date | None
    auth_date: dt.date | None
    annual_assessment: str
    uei: str
    reuse: int


@dataclass(frozen=True)
class ProductsDocument:
    source: str
    exported_at: str
    products: list[ProductRecord]


def _date(value, *, field: str, product_id: str) -> dt.date | None:
    """FedRAMP writes dates as timestamps of midnight US Eastern ('2026-01-09T05:00:00.000Z'): the day is the prefix."""
    if value in (None, ""):
        return None
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise FedRAMPFormatError(f"{product_id}: {field} {value!r} is not a date.") from error


def _date_or_text(value) -> str:
    """`annual_assessment` is mostly a timestamp but sometimes 'Yes' or 'No': a day as YYYY-MM-DD, else the text."""
    text = "" if value is None else str(value).strip()
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        return text[:10]
    return text[:40]


def _text(raw: dict, key: str) -> str:
    value = raw.get(key)
    return "" if value is None else str(value).strip()


def parse_product(raw: dict) -> ProductRecord:
    if not isinstance(raw, dict):
        raise FedRAMPFormatError("A product is not a JSON object.")
    product_id = _text(raw, "id")
    if not PRODUCT_ID.match(product_id):
        raise FedRAMPFormatError(f"A product has no valid FedRAMP id: {product_id!r}.")
    if not _text(raw, "csp") or not _text(raw, "cso"):
        raise FedRAMPFormatError(f"{product_id}: the provider (csp) or offering (cso) is missing.")
    reuse = raw.get("reuse") or 0
    if not isinstance(reuse, int) or reuse < 0:
        raise FedRAMPFormatError(f"{product_id}: reuse {reuse!r} is not a count.")
    return ProductRecord(
        fedramp_id=product_id,
        csp=_text(raw, "csp"),
        cso=_text(raw, "cso"),
        auth_type=_text(raw, "auth_type"),
        impact_level=_text(raw, "impact_level"),
        status=_text(raw, "public_status"),
        status_updated_on=_date(raw.get("status_updated_date"), field="status_updated_date", product_id=product_id),
        auth_date=_date(raw.get("auth_date"), field="auth_date", product_id=product_id),
        annual_assessment=_date_or_text(raw.get("annual_assessment")),
        uei=_text(raw, "uei"),
        reuse=reuse,
    )


def parse_products(body: bytes, *, source: str) -> ProductsDocument:
    """Validate the whole document: every product must parse, ids must be unique, the list must not be empty."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FedRAMPFormatError(f"{source} is not JSON: {error}") from error
    if not isinstance(data, dict) or not isinstance(data.get("products"), list):
        raise FedRAMPFormatError(f"{source} has no 'products' list: it is not fedramp-products.json.")
    products = [parse_product(raw) for raw in data["products"]]
    if not products:
        raise FedRAMPFormatError(f"{source} lists no products.")
    ids = [product.fedramp_id for product in products]
    if len(set(ids)) != len(ids):
        raise FedRAMPFormatError(f"{source} lists a FedRAMP id twice.")
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    return ProductsDocument(source=source, exported_at=str(metadata.get("export_timestamp") or ""), products=products)


class FedRAMPClient:
    """Reads `fedramp-products.json` from an http(s) URL or a local file."""

    def __init__(self, *, timeout: float = 60.0, max_bytes: int = 64 * 1024 * 1024):
        self.timeout = timeout
        self.max_bytes = max_bytes

    def products(self, source: str) -> ProductsDocument:
        return parse_products(self._read(source), source=source)

    def _read(self, source: str) -> bytes:
        if source.startswith(("http://", "https://")):
            return self._fetch(source)
        path = Path(source.removeprefix("file://"))
        try:
            with path.open("rb") as handle:
                return self._bounded(handle.read(self.max_bytes + 1), source)
        except OSError as error:
            raise FedRAMPUnavailable(f"Cannot read {source}: {error.strerror or error}.") from error

    def _fetch(self, url: str) -> bytes:
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - _read passes http(s) URLs only
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310 - the scheme is checked (http/https) before
                return self._bounded(response.read(self.max_bytes + 1), url)
        except urllib.error.HTTPError as error:
            raise FedRAMPUnavailable(f"{url} answered HTTP {error.code}.") from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise FedRAMPUnavailable(f"Cannot reach {url}: {reason}.") from error

    def _bounded(self, body: bytes, source: str) -> bytes:
        if len(body) > self.max_bytes:
            raise FedRAMPFormatError(f"{source} is larger than {self.max_bytes} bytes.")
        return body
