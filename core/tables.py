"""The portal's lists: a django-tables2 Table with the shared FilterSet, chips, pages, CSV and bulk actions.

Every list page is a `TableListView`: its queryset comes from a selector (so an agency officer's
table and CSV hold only their agency's rows), the app's FilterSet narrows it, the Table sorts it
(`?sort=`), pages it (`?page=`, `?per_page=` one of PAGE_SIZES) and, with `?export=csv`, writes
every filtered row (not one page) through the API's CSV exporter. Bulk actions are POSTed to the
same page: the first POST shows what will change and asks for confirmation, the second calls the
action's service once per chosen row (each call writes its own audit event).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import django_tables2 as tables
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.views.generic import TemplateView
from django_tables2 import RequestConfig

from core.api.csv_export import csv_response
from core.errors import ServiceError
from core.portal import PAGE_SIZE, portal_filterset

PAGE_SIZES = (10, 25, 50, 100)
EXPORT_PARAM = "export"
CONTROL_PARAMS = ("page", "per_page", "sort", EXPORT_PARAM)
NOTHING_CHOSEN = "Choose at least one row first."
BULK_DONE = "{label}: done for {count} of {total}."
BULK_FAILED = "{record}: {message}"
BULK_REFUSED = "Your role may not do this."


class SelectColumn(tables.Column):
    """A labelled USWDS checkbox per row, named `pk`, for the bulk actions (never exported)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", "Select")
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("exclude_from_export", True)
        kwargs.setdefault("empty_values", ())
        super().__init__(accessor="pk", **kwargs)

    def render(self, value, record):
        return format_html(
            '<div class="usa-checkbox"><input class="usa-checkbox__input" type="checkbox" name="pk" value="{}"'
            ' id="select-{}" form="bulk-form"><label class="usa-checkbox__label" for="select-{}">'
            '<span class="usa-sr-only">Select {}</span></label></div>',
            value,
            value,
            value,
            record,
        )


class StatusColumn(tables.Column):
    """A choice field shown as a USWDS tag: sorted by its stored value, shown and exported as its label."""

    def render(self, value, record, bound_column):
        stored = tables.A(bound_column.accessor).resolve(record)
        return format_html('<span class="usa-tag {}">{}</span>', status_class(str(stored)), value)


def status_class(value: str) -> str:
    """The same colours as includes/status_tag.html."""
    if value in {"approved", "active", "passed", "ok", "met", "issued", "True"}:
        return "bg-success-darker"
    if value in {"rejected", "suspended", "removed", "failed", "error", "mismatch", "missing", "not_met", "expired"}:
        return "bg-secondary-dark"
    if value in {"requested", "under_review", "queued", "running", "pending", "partially_met", "expiring"}:
        return "bg-primary"
    return "bg-base-dark"


class RegistryTable(tables.Table):
    """The base of every portal table: USWDS classes, stacked on a phone, sortable headers."""

    class Meta:
        template_name = "includes/table.html"
        attrs = {"class": "usa-table usa-table--borderless usa-table--compact usa-table--stacked width-full"}
        empty_text = "Nothing matches these filters."


@dataclass(frozen=True)
class BulkAction:
    """One action on the chosen rows: who may take it, what it changes, and the service call per row."""

    name: str
    label: str
    explanation: str  # shown on the confirmation page: what will change
    run: Callable[[Any, Any], Any]  # (user, record) -> anything; raises ServiceError to refuse one row
    allowed: Callable[[Any], bool] = lambda user: True


_REGISTERED_ACTIONS: dict[str, list[BulkAction]] = {}


def bulk_action_register(list_name: str, action: BulkAction) -> None:
    """Offer an action on another app's list (a higher app's service on a lower app's rows, e.g.
    compliance's re-verification on the agencies' deployment list), called from the app's ready()."""
    actions = _REGISTERED_ACTIONS.setdefault(list_name, [])
    if all(existing.name != action.name for existing in actions):
        actions.append(action)


@dataclass(frozen=True)
class Chip:
    label: str
    value: str
    remove_query: str


class TableListView(TemplateView):
    """A list page: subclasses give `table_class`, `filterset_class`, `get_queryset()` and a template.

    The template includes "includes/table_panel.html", which renders the filter panel, the chips,
    the export link, the bulk form and the table.
    """

    table_class: type[RegistryTable]
    filterset_class: type | None = None
    export_name = "export"
    bulk_actions: tuple[BulkAction, ...] = ()
    list_name = ""  # the name other apps register bulk actions under (bulk_action_register)
    filter_label = "Filter the list"

    def all_bulk_actions(self) -> list[BulkAction]:
        return [*self.bulk_actions, *_REGISTERED_ACTIONS.get(self.list_name, [])]

    def get_queryset(self):
        raise NotImplementedError

    def get_filterset(self, queryset):
        return portal_filterset(self.filterset_class, self._filter_data(), queryset)

    def _filter_data(self):
        data = self.request.GET.copy()
        for name in CONTROL_PARAMS:
            data.pop(name, None)
        return data

    def filtered(self):
        queryset = self.get_queryset()
        if self.filterset_class is None:
            return None, queryset
        filterset = self.get_filterset(queryset)
        return filterset, filterset.qs

    def get(self, request, *args, **kwargs):
        if request.GET.get(EXPORT_PARAM) == "csv":
            _, queryset = self.filtered()
            table = self.table_class(queryset, request=request)
            RequestConfig(request, paginate=False).configure(table)
            return table_csv_response(table, name=self.export_name)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        filterset, queryset = self.filtered()
        table = self.table_class(queryset, request=self.request)
        self.configure(table)
        actions = [action for action in self.all_bulk_actions() if action.allowed(self.request.user)]
        if not actions and "select" in table.columns.names():
            table.columns.hide("select")
        return {
            **super().get_context_data(**kwargs),
            "table": table,
            "filter": filterset,
            "chips": filter_chips(filterset, self.request.GET) if filterset is not None else [],
            "page_sizes": PAGE_SIZES,
            "per_page": table.paginator.per_page if table.page else PAGE_SIZE,
            "export_query": _query(self.request.GET, drop=("page",), add={EXPORT_PARAM: "csv"}),
            "kept_query": _query(self.request.GET, drop=(EXPORT_PARAM,)),
            "hidden_controls": [(n, self.request.GET[n]) for n in ("sort",) if self.request.GET.get(n)],
            "bulk_actions": actions,
            "filter_label": self.filter_label,
            "sort_options": sort_options(table),
            "sort": self.request.GET.get("sort", ""),
        }

    def configure(self, table) -> None:
        """Sort from `?sort=`, then page with a size we accept (RequestConfig would take any `?per_page=`)."""
        RequestConfig(self.request, paginate=False).configure(table)
        per_page, page = self.per_page(), self.request.GET.get("page", 1)
        try:
            table.paginate(page=page, per_page=per_page)
        except PageNotAnInteger:
            table.paginate(page=1, per_page=per_page)
        except EmptyPage:  # out-of-range page numbers show the last page, as the portal always did
            table.paginate(page=table.paginator.num_pages, per_page=per_page)

    def per_page(self) -> int:
        try:
            size = int(self.request.GET.get("per_page", PAGE_SIZE))
        except ValueError:
            return PAGE_SIZE
        return size if size in PAGE_SIZES else PAGE_SIZE

    def post(self, request, *args, **kwargs):
        """A bulk action: confirm first (showing every chosen row), then run the service once per row."""
        action = next((a for a in self.all_bulk_actions() if a.name == request.POST.get("action")), None)
        if action is None:
            return HttpResponseBadRequest("Unknown action.")
        if not request.user.is_authenticated or not action.allowed(request.user):
            raise PermissionDenied(BULK_REFUSED)
        back = request.path + ("?" + request.POST["query"] if request.POST.get("query") else "")
        ids = [int(pk) for pk in request.POST.getlist("pk") if pk.isdigit()]
        records = list(self.get_queryset().filter(pk__in=ids).order_by("pk"))
        if not records:
            messages.error(request, NOTHING_CHOSEN)
            return redirect(back)
        if request.POST.get("confirmed") != "yes":
            context = {"action": action, "records": records, "query": request.POST.get("query", ""), "back": back}
            return render(request, "includes/bulk_confirm.html", context)
        done = bulk_run(action=action, user=request.user, records=records, request=request)
        messages.success(request, BULK_DONE.format(label=action.label, count=done, total=len(records)))
        return redirect(back)


def bulk_run(*, action: BulkAction, user, records: list, request=None) -> int:
    """Run the action's service on each record on its own; a refusal of one row does not stop the others."""
    done = 0
    for record in records:
        try:
            action.run(user, record)
        except (ServiceError, ValidationError) as error:
            if request is not None:
                text = getattr(error, "message", None) or "; ".join(getattr(error, "messages", [str(error)]))
                messages.error(request, BULK_FAILED.format(record=record, message=text))
        else:
            done += 1
    return done


def sort_options(table) -> list[tuple[str, str]]:
    """The `?sort=` choices of the phone's sort menu (a stacked table has no header row to click)."""
    options = []
    for column in table.columns:
        if column.orderable:
            options.append((column.name, f"{column.header}, ascending"))
            options.append((f"-{column.name}", f"{column.header}, descending"))
    return options


def filter_chips(filterset, params) -> list[Chip]:
    """One removable chip per filter in use that the portal shows, with the query string that removes it."""
    form = filterset.form
    cleaned = form.cleaned_data if form.is_bound and hasattr(form, "cleaned_data") else {}
    chips = []
    for name, field in form.fields.items():
        raw = params.get(name, "")
        if raw in ("", None) or name not in cleaned or cleaned[name] in (None, "", [], ()):
            continue
        value = cleaned[name]
        choices = dict(getattr(field, "choices", ()) or ())
        if isinstance(value, bool):
            shown = "Yes" if value else "No"
        elif raw in choices:
            shown = str(choices[raw])
        else:
            shown = str(value)
        chips.append(
            Chip(label=str(field.label or name), value=shown, remove_query=_query(params, drop=(name, "page")))
        )
    return chips


def _query(params, *, drop=(), add=None) -> str:
    query = params.copy()
    for name in drop:
        query.pop(name, None)
    for name, value in (add or {}).items():
        query[name] = value
    return query.urlencode()


def table_csv_response(table: RegistryTable, *, name: str):
    """Every row of the table (its filters and sort, no paging) as CSV, through the API's exporter."""
    values = iter(table.as_values())
    header = [str(cell) for cell in next(values)]
    rows = (dict(zip(header, row, strict=True)) for row in values)
    return csv_response(rows, name=name, header=header)
