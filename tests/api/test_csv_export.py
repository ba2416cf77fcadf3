"""CSV export: RFC 4180 quoting and no cell that a spreadsheet would run as a formula."""

import csv
import io

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import Vendor
from core.api.csv_export import FORMULA_TRIGGERS, csv_cell, csv_filename, csv_lines
from tests.api.conftest import client_for

PAYLOADS = ['=HYPERLINK("http://evil","x")', "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "\0=1", "=1+1"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_formula_gets_an_apostrophe(payload):
    assert csv_cell(payload) == "'" + payload


@given(st.lists(st.text(), min_size=1, max_size=5))
def test_any_text_round_trips_through_csv_apart_from_the_apostrophe(cells):
    row = {f"c{i}": cell for i, cell in enumerate(cells)}

    text = "".join(csv_lines([row]))
    header, values = list(csv.reader(io.StringIO(text, newline="")))

    assert header == list(row)
    for original, written in zip(cells, values, strict=True):
        assert not written.startswith(FORMULA_TRIGGERS)
        assert written == ("'" + original if original.startswith(FORMULA_TRIGGERS) else original)


def test_every_cell_is_quoted():
    text = "".join(csv_lines([{"a": "plain", "b": 'with "quotes", commas\nand lines'}]))

    assert text == '"a","b"\r\n"plain","with ""quotes"", commas\nand lines"\r\n'


def test_the_filename_is_sanitised():
    name = csv_filename('../../etc/passwd"; x=1\r\n')

    assert name.endswith(".csv")
    assert set(name) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")
    assert ".." not in name


@pytest.mark.django_db
def test_an_exported_list_defuses_formulas_in_data(world):
    Vendor.objects.create(name='=HYPERLINK("http://evil.example","click")', website="")

    response = client_for("gsa", world).get(reverse("api:vendor-list"), {"format": "csv", "search": "HYPERLINK"})

    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert response["Content-Disposition"].startswith('attachment; filename="vendor-')
    assert [row["name"] for row in rows] == ['\'=HYPERLINK("http://evil.example","click")']
    assert all(not cell.startswith(FORMULA_TRIGGERS) for row in rows for cell in row.values())


def _body(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode("utf-8-sig")


def test_the_omb_export_through_the_api_and_the_portal_defuses_formulas_and_imports_back(world, client):
    from compliance.inventory import use_case_import
    from compliance.models import UseCase

    world.a.use_case.use_case_name = '=HYPERLINK("http://evil.example","Click")'
    world.a.use_case.save()
    client.force_login(world.a.officer)

    api = _body(client_for("officer_a", world).get(reverse("api:usecase-export")))
    portal = _body(client.get(reverse("compliance:use-case-export")))

    for text in (api, portal):
        names = [row["use_case_name"] for row in csv.DictReader(io.StringIO(text))]
        assert names == ["'" + '=HYPERLINK("http://evil.example","Click")']
    UseCase.objects.filter(pk=world.a.use_case.pk).update(use_case_name="changed")
    use_case_import(actor=world.a.officer, data=api.encode())
    assert UseCase.objects.get(pk=world.a.use_case.pk).use_case_name == '=HYPERLINK("http://evil.example","Click")'


@pytest.mark.parametrize("route", ["api:auditevent-list", "api:change-list"])
def test_audit_and_change_feed_csv_keep_before_and_after(world, route):
    response = client_for("gsa", world).get(reverse(route), {"format": "csv"})

    rows = list(csv.DictReader(io.StringIO(_body(response))))
    marker = next(row for row in rows if row["action"] == "test.marker")
    assert marker["after"] == '{"label": "A"}' and marker["before"] == ""
