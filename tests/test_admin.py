"""The admin shows records but changes none: changes go through the audited services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from agencies.models import User
from tests.factories import VendorFactory

pytestmark = pytest.mark.django_db

EDITABLE = {User}  # operators manage accounts; see README "Operator commands"


def test_no_registry_record_can_be_added_changed_or_deleted_in_the_admin(rf):
    superuser = User.objects.create_superuser("root", "root@example.gov", "a-long-enough-passphrase")
    request = rf.get("/admin/")
    request.user = superuser

    writable = [
        model.__name__
        for model, model_admin in admin.site._registry.items()
        if model not in EDITABLE
        and model._meta.app_label in {"catalog", "agencies", "compliance"}
        and (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
    ]

    assert writable == []


def test_a_superuser_can_read_but_not_edit_a_vendor(client):
    client.force_login(User.objects.create_superuser("root", "root@example.gov", "a-long-enough-passphrase"))
    vendor = VendorFactory()

    page = client.get(reverse("admin:catalog_vendor_change", args=[vendor.pk]))
    refused = client.post(reverse("admin:catalog_vendor_change", args=[vendor.pk]), {"name": "Renamed"})

    assert page.status_code == 200
    assert refused.status_code == 403
    vendor.refresh_from_db()
    assert vendor.name != "Renamed"


@pytest.mark.django_db
def test_an_admin_edit_of_a_users_role_and_superuser_flag_is_audited(client):
    from agencies.models import User
    from core.models import AuditEvent
    from tests.factories import AgencyFactory, agency_officer

    admin_user = User.objects.create_superuser(username="root", password="root-password-123", email="r@x.example")
    target = agency_officer(AgencyFactory(), username="target")
    client.force_login(admin_user)
    url = f"/admin/agencies/user/{target.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list | tuple)}
    data.update(
        {
            "username": "target",
            "role": "gsa_officer",
            "agency": "",
            "is_superuser": "on",
            "is_active": "on",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
        }
    )
    data.pop("last_login", None)
    data.pop("password", None)

    response = client.post(url, data)

    assert response.status_code == 302, response.content.decode()[:2000]
    event = AuditEvent.objects.get(action="user.updated", object_id=str(target.pk))
    assert event.actor == admin_user
    assert (event.before["role"], event.after["role"]) == ("agency_officer", "gsa_officer")
    assert event.after["is_superuser"] is True and "md5" not in str(event.after)
