"""create_user: the operator's way to add an officer, with the password on standard input."""

import io
import sys

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Role, User
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def _create(monkeypatch, *args, password="a-long-enough-passphrase\n"):
    monkeypatch.setattr(sys, "stdin", io.StringIO(password))
    out = io.StringIO()
    call_command("create_user", *args, stdout=out)
    return out.getvalue()


def test_it_creates_an_agency_officer_with_the_password_from_stdin(monkeypatch):
    AgencyFactory(abbreviation="DOE")

    output = _create(monkeypatch, "ada", "--role", "agency_officer", "--agency", "DOE")

    user = User.objects.get(username="ada")
    assert (user.role, user.agency.abbreviation) == (Role.AGENCY_OFFICER, "DOE")
    assert user.check_password("a-long-enough-passphrase")
    assert "Created ada" in output


def test_an_agency_officer_needs_an_agency(monkeypatch):
    with pytest.raises(CommandError, match="--agency is required"):
        _create(monkeypatch, "bob", "--role", "agency_officer")


def test_an_unknown_agency_is_refused(monkeypatch):
    with pytest.raises(CommandError, match="No agency with the abbreviation 'XYZ'"):
        _create(monkeypatch, "bob", "--role", "agency_officer", "--agency", "XYZ")


def test_a_weak_password_is_refused_and_nothing_is_created(monkeypatch):
    with pytest.raises(CommandError, match="too short"):
        _create(monkeypatch, "carol", "--role", "auditor", password="short\n")
    assert not User.objects.filter(username="carol").exists()


def test_an_empty_password_is_refused(monkeypatch):
    with pytest.raises(CommandError, match="standard input"):
        _create(monkeypatch, "dan", "--role", "gsa_officer", password="")


def test_an_unknown_role_is_refused(monkeypatch):
    with pytest.raises(CommandError):
        _create(monkeypatch, "eve", "--role", "king")
