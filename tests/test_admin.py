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
