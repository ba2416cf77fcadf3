"""Sign-in lockout after repeated failures, per username and address, recorded in the audit trail."""

import datetime as dt

import pytest
from django.utils import timezone

from agencies.models import SignInThrottle
from agencies.signin import ANY_USERNAME, username_key
from core.audit import audit_chain_verify
from core.models import AuditEvent
from tests.factories import PASSWORD, gsa_officer

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _sign_in(client, username: str, password: str, ip: str = "10.0.0.1") -> bool:
    client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)
    signed_in = "_auth_user_id" in client.session
    client.logout()
    return signed_in


@pytest.fixture
def officer(settings):
    settings.SIGNIN_LOCKOUT_FAILURES = 3
    return gsa_officer()


def test_the_right_password_is_refused_after_repeated_failures(client, officer):
    for _ in range(3):
        assert not _sign_in(client, officer.username, "wrong-password")

    assert not _sign_in(client, officer.username, PASSWORD)


def test_a_lockout_is_recorded_in_the_audit_trail(client, officer):
    for _ in range(3):
        _sign_in(client, officer.username, "wrong-password", ip="10.0.0.9")

    event = AuditEvent.objects.get(action="auth.locked_out")
    assert event.object_id == username_key(officer.username) != officer.username
    assert event.after["ip_address"] == "10.0.0.9" and event.after["failures"] == 3
    assert audit_chain_verify() is None


def test_failures_below_the_limit_do_not_lock_and_a_success_clears_them(client, officer):
    for _ in range(2):
        _sign_in(client, officer.username, "wrong-password")

    assert _sign_in(client, officer.username, PASSWORD)
    assert not SignInThrottle.objects.filter(username=username_key(officer.username)).exists()
    assert not AuditEvent.objects.filter(action="auth.locked_out").exists()


def test_the_lock_holds_only_for_that_address(client, officer):
    for _ in range(3):
        _sign_in(client, officer.username, "wrong-password", ip="10.0.0.1")

    assert _sign_in(client, officer.username, PASSWORD, ip="10.0.0.2")


def test_the_lock_ends_after_its_time(client, officer):
    for _ in range(3):
        _sign_in(client, officer.username, "wrong-password")
    SignInThrottle.objects.filter(username=username_key(officer.username)).update(
        window_started_at=timezone.now() - dt.timedelta(hours=2), locked_until=timezone.now() - dt.timedelta(seconds=1)
    )

    assert _sign_in(client, officer.username, PASSWORD)


def test_the_admin_sign_in_is_locked_too(client, officer):
    officer.is_staff = True
    officer.save()
    for _ in range(3):
        client.post("/admin/login/", {"username": officer.username, "password": "nope"}, REMOTE_ADDR="10.0.0.1")

    client.post("/admin/login/", {"username": officer.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")

    assert "_auth_user_id" not in client.session


def test_the_username_is_matched_case_insensitively(client, officer):
    for _ in range(3):
        _sign_in(client, officer.username.upper(), "wrong-password")

    assert SignInThrottle.objects.exclude(username=ANY_USERNAME).get().username == username_key(officer.username)


def test_a_client_supplied_forwarded_for_does_not_dodge_the_lock(client, officer):
    for n in range(3):
        client.post(LOGIN, {"username": officer.username, "password": "x"}, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}")

    assert not _sign_in(client, officer.username, PASSWORD, ip="127.0.0.1")


def test_behind_one_trusted_proxy_the_address_it_added_is_the_client(client, officer, settings):
    settings.NUM_PROXIES = 1
    for n in range(3):
        client.post(
            LOGIN, {"username": officer.username, "password": "x"}, HTTP_X_FORWARDED_FOR=f"6.6.6.{n}, 198.51.100.7"
        )

    throttle = SignInThrottle.objects.get(username=username_key(officer.username))

    assert throttle.ip_address == "198.51.100.7" and throttle.locked_until is not None


def test_drf_throttles_ignore_a_client_supplied_forwarded_for(rf):
    from rest_framework.request import Request
    from rest_framework.throttling import AnonRateThrottle

    request = Request(rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6", REMOTE_ADDR="10.1.2.3"))

    assert AnonRateThrottle().get_ident(request) == "10.1.2.3"


def test_an_invented_username_never_enters_the_audit_chain_or_the_table(client, officer):
    invented = "<img src=x onerror=alert(1)>-" + "A" * 60

    for _ in range(3):
        _sign_in(client, invented, "wrong-password", ip="10.0.0.7")

    events = AuditEvent.objects.filter(action="auth.locked_out")
    assert events.count() == 1
    assert invented.lower()[:20] not in str(list(events.values()))
    assert not SignInThrottle.objects.filter(username__icontains="onerror").exists()


def test_password_spraying_across_usernames_locks_the_address(client, officer, settings):
    settings.SIGNIN_ADDRESS_FAILURES = 5
    for n in range(5):
        _sign_in(client, f"guess{n}", "Spring2026!", ip="10.0.0.5")

    assert not _sign_in(client, officer.username, PASSWORD, ip="10.0.0.5")
    assert _sign_in(client, officer.username, PASSWORD, ip="10.0.0.6")
    assert AuditEvent.objects.filter(action="auth.address_locked_out").count() == 1


def test_counters_past_their_window_are_deleted_so_the_table_stays_bounded(client, officer):
    for n in range(2):
        _sign_in(client, f"someone{n}", "x", ip=f"10.0.1.{n}")
    SignInThrottle.objects.update(window_started_at=timezone.now() - dt.timedelta(hours=2))

    _sign_in(client, "someone-else", "x", ip="10.0.2.1")

    assert SignInThrottle.objects.filter(ip_address__startswith="10.0.1.").count() == 0
    assert SignInThrottle.objects.filter(ip_address="10.0.2.1").count() == 2


def test_sign_in_and_sign_out_are_audited(client, officer):
    client.post(LOGIN, {"username": officer.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.3")
    client.post("/accounts/logout/")

    actions = list(AuditEvent.objects.filter(actor=officer).values_list("action", flat=True))
    assert actions == ["auth.signed_in", "auth.signed_out"]
