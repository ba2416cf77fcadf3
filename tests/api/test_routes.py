"""Every API route, discovered from the URL resolver, called by every persona with every method.

A new route is walked automatically with the defaults (sign-in needed to read, GSA officers
alone write, not agency-scoped); routes that differ are listed in the spec below. A route whose
basename has no fixture row makes the walk fail until one is added to OBJECTS.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.urls import URLResolver, get_resolver, reverse

from tests.api.conftest import PERSONAS, client_for

pytestmark = pytest.mark.django_db

DOCUMENTATION = {"schema", "docs", "redoc"}  # public and read-only: the schema describes no data
PUBLIC_READ = {
    "offering",
    "agreement",
    "modelversion",
    "modelversionaibom",
    "modelversionmanifest",
    "fedrampproduct",
    "fedrampproductchange",
} | DOCUMENTATION
PUBLIC_CHECK = {"attestation"}  # anyone may check a PDF; the walk gives no digest, so every call is a 400
PERSONAL = {"notification", "alertpreference"}  # the caller's own: every signed-in role may change them
AGENCY_SCOPED = {
    "agency",
    "onboarding",
    "onboardingtransition",
    "deployment",
    "verificationrun",
    "verificationfileresult",
    "auditevent",
    "webhooksubscription",
    "webhookdelivery",
    "agencycompliance",
    "evidence",
    "usecase",
    "report",
}
AGENCY_OFFICERS_WRITE = {
    ("agency", "caio"),
    ("agency", "caio_vacate"),
    ("onboarding", "create"),
    ("onboarding", "partial_update"),
    ("onboarding", "submit"),
    ("onboarding", "activate"),
    ("onboarding", "offboard"),
    ("onboarding", "withdraw"),
    ("deployment", "create"),
    ("deployment", "update"),
    ("deployment", "partial_update"),
    ("verificationrun", "create"),
    ("evidence", "create"),
    ("evidence", "documents"),
    ("usecase", "import_csv"),
    ("report", "create"),
}
SAFE = {"get", "head", "options"}
ALLOWED_WRITE_OUTCOMES = {200, 201, 202, 400, 409}
ROLE_OF = {"officer_a": "agency_officer", "officer_b": "agency_officer", "auditor": "auditor", "gsa": "gsa_officer"}


def OBJECTS(world) -> dict:
    """The row each detail route is called with: agency A's for agency-scoped kinds."""
    return {
        "vendor": world.offering.vendor_id,
        "offering": world.offering.pk,
        "offeringstatuschange": world.status_change.pk,
        "agreement": world.agreement.pk,
        "modelversion": world.model_version.pk,
        "artifact": world.artifact.pk,
        "manifestdrift": world.drift.pk,
        "fedrampproduct": world.fedramp_product.pk,
        "fedrampproductchange": world.fedramp_change.pk,
        "agency": world.a.agency.pk,
        "onboarding": world.a.onboarding.pk,
        "onboardingtransition": world.a.transition.pk,
        "deployment": world.a.deployment.pk,
        "verificationrun": world.a.run.pk,
        "verificationfileresult": world.a.file_result.pk,
        "auditevent": world.a.event.seq,
        "webhooksubscription": world.a.subscription.pk,
        "webhookdelivery": world.a.delivery.pk,
        "requirement": world.a.evidence.requirement_id,
        "agencycompliance": world.a.agency.pk,
        "evidence": world.a.evidence.pk,
        "usecase": world.a.use_case.pk,
        "report": world.a.report.pk,
        "modelversionaibom": world.model_version.pk,
        "modelversionmanifest": world.model_version.pk,
        "notification": world.a.notification.pk,  # officer A's own
        "alertpreference": "verification_failed",
    }


@dataclass(frozen=True)
class Route:
    name: str
    basename: str
    kwarg_names: tuple[str, ...]
    actions: dict  # HTTP method -> viewset action ("get" -> "list")


def api_routes() -> list[Route]:
    api = next(p for p in get_resolver().url_patterns if isinstance(p, URLResolver) and p.namespace == "api")
    routes = []
    for pattern in api.url_patterns:
        actions = getattr(pattern.callback, "actions", None) or {"get": "retrieve"}
        basename = pattern.name.rsplit("-", 1)[0] if "-" in pattern.name else pattern.name
        routes.append(Route(pattern.name, basename, tuple(pattern.pattern.regex.groupindex), dict(actions)))
    return routes


def expected(persona: str, route: Route, method: str, action: str | None) -> set[int]:
    is_detail = bool(route.kwarg_names)
    if route.basename in DOCUMENTATION:
        return {200} if method in SAFE else {405}
    if route.basename in PUBLIC_CHECK:
        return {400} if action is not None else {405}
    if persona == "anonymous":
        return {200} if method in SAFE and route.basename in PUBLIC_READ else {401}
    if route.basename in PERSONAL:
        return _expected_personal(persona, route, method, action)
    if action is None:  # a method the route does not offer
        if persona in ("auditor", "read_token"):
            return {403}
        writers = {"gsa_officer"} | ({"agency_officer"} if _agency_writable(route.basename) else set())
        return {405} if ROLE_OF[persona] in writers else {403}
    if method in SAFE:
        return {404} if persona == "officer_b" and is_detail and route.basename in AGENCY_SCOPED else {200}
    if persona in ("auditor", "read_token"):
        return {403}
    if persona == "gsa":
        return ALLOWED_WRITE_OUTCOMES
    if (route.basename, action) not in AGENCY_OFFICERS_WRITE:
        # Transitions GSA alone may make are looked up first: another agency's onboarding is still a 404.
        if persona == "officer_b" and is_detail and route.basename == "onboarding":
            return {404}
        return {403}
    if persona == "officer_b" and is_detail and route.basename in AGENCY_SCOPED:
        return {404}
    return ALLOWED_WRITE_OUTCOMES


def _expected_personal(persona: str, route: Route, method: str, action: str | None) -> set[int]:
    """Notifications and alert preferences: only officer A owns the notification the walk uses."""
    not_own = route.basename == "notification" and bool(route.kwarg_names) and persona != "officer_a"
    if method in SAFE:
        return {404} if not_own else {200}
    if persona == "read_token":
        return {403}
    if action is None:
        return {405}
    if not_own:
        return {404}
    return ALLOWED_WRITE_OUTCOMES


def _agency_writable(basename: str) -> bool:
    return any(name == basename for name, _ in AGENCY_OFFICERS_WRITE)


def test_the_walk_finds_the_routes_of_every_app():
    names = {route.name for route in api_routes()}

    assert {"vendor-list", "offering-suspend", "onboarding-approve", "verificationrun-list", "change-list"} <= names
    assert {"auditevent-detail", "webhookdelivery-list", "schema", "docs", "redoc", "api-root"} <= names
    assert {
        "evidence-documents",
        "usecase-import",
        "report-pdf",
        "attestation-verify",
        "notification-read_all",
    } <= names
    assert {"agencycompliance-assessment", "agencycompliance-aibom", "modelversionaibom-aibom"} <= names


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_route_answers_each_persona_as_specified(persona, world):
    client = client_for(persona, world)
    objects = OBJECTS(world)
    mismatches = []

    for route in api_routes():
        kwargs = dict.fromkeys(route.kwarg_names, objects[route.basename]) if route.kwarg_names else {}
        url = reverse(f"api:{route.name}", kwargs=kwargs)
        for method in [*route.actions, "delete"] if "delete" not in route.actions else route.actions:
            action = route.actions.get(method)
            response = getattr(client, method)(url, {}, format="json") if method not in SAFE else client.get(url)
            want = expected(persona, route, method, action)
            if response.status_code not in want:
                mismatches.append(f"{method.upper()} {url}: {response.status_code}, expected {sorted(want)}")
            if response.status_code >= 400 and response["Content-Type"].startswith("application/json"):
                assert set(response.json()) == {"error"}, url

    assert mismatches == []
