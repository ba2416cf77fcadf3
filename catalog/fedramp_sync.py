"""Loading FedRAMP's marketplace products into the catalog and linking them to offerings."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from catalog.fedramp import FedRAMPClient, ProductRecord
from catalog.models import FedRAMPProduct, FedRAMPProductChange, Offering
from catalog.signals import fedramp_changes_recorded
from core.audit import audit_record

PRODUCT_FIELDS = (
    "csp",
    "cso",
    "auth_type",
    "impact_level",
    "status",
    "status_updated_on",
    "auth_date",
    "annual_assessment",
    "uei",
    "reuse",
)
WATCHED = {"status": FedRAMPProductChange.Field.STATUS, "impact_level": FedRAMPProductChange.Field.IMPACT_LEVEL}


@dataclass
class FedRAMPSyncResult:
    source: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    changes: list[FedRAMPProductChange] = field(default_factory=list)
    links_added: list[tuple[str, str]] = field(default_factory=list)
    links_removed: list[tuple[str, str]] = field(default_factory=list)
    ids_not_found: list[tuple[str, str]] = field(default_factory=list)


def fedramp_sync(*, client: FedRAMPClient, source: str | None = None, actor=None) -> FedRAMPSyncResult:
    """Load FedRAMP's products, record changes of status and impact level, link offerings.

    1. Read and validate the whole document first, outside any transaction: a bad or unreachable
       source raises `FedRAMPError` and nothing stored changes.
    2. In one transaction: create new products, update the others, and append a FedRAMPProductChange
       for every change of status or impact level of a known product, dated with FedRAMP's status
       date when it gives one for a status change, else the day of the sync.
    3. Link each offering to the products its `fedramp_ids` name (and unlink the others).
    4. After commit, send `fedramp_changes_recorded` with the changes of products linked to an offering.
    """
    source = source or settings.FEDRAMP_PRODUCTS_URL
    document = client.products(source)
    today, now = timezone.localdate(), timezone.now()
    result = FedRAMPSyncResult(source=source)
    with transaction.atomic():
        existing = {product.fedramp_id: product for product in FedRAMPProduct.objects.select_for_update()}
        to_create, to_update = [], []
        for record in document.products:
            product = existing.get(record.fedramp_id)
            if product is None:
                to_create.append(_new_product(record, source, now))
                continue
            changed = [name for name in PRODUCT_FIELDS if getattr(product, name) != getattr(record, name)]
            for name in changed:
                if name in WATCHED:
                    result.changes.append(_change(product, name, record, source, today))
            if changed:
                for name in changed:
                    setattr(product, name, getattr(record, name))
                to_update.append(product)
            else:
                result.unchanged += 1
        FedRAMPProduct.objects.bulk_create(to_create, batch_size=500)
        FedRAMPProduct.objects.bulk_update(to_update, PRODUCT_FIELDS, batch_size=500)
        FedRAMPProduct.objects.filter(fedramp_id__in=[r.fedramp_id for r in document.products]).update(
            synced_at=now, source_url=source
        )
        FedRAMPProductChange.objects.bulk_create(result.changes)
        result.created, result.updated = len(to_create), len(to_update)
        _link_offerings(result, actor)
        linked_changes = [c.pk for c in result.changes if c.product.offerings.exists()]
        audit_record(
            actor=actor,
            action="fedramp.synced",
            object_type="catalog.fedrampproduct",
            after={
                "source": source,
                "exported_at": document.exported_at,
                "created": result.created,
                "updated": result.updated,
                "changes": [str(change) for change in result.changes],
                "links_added": result.links_added,
                "links_removed": result.links_removed,
            },
        )
        if linked_changes:
            transaction.on_commit(
                lambda: fedramp_changes_recorded.send(sender=FedRAMPProductChange, change_ids=linked_changes)
            )
    return result


def _new_product(record: ProductRecord, source: str, now) -> FedRAMPProduct:
    values = {name: getattr(record, name) for name in PRODUCT_FIELDS}
    return FedRAMPProduct(fedramp_id=record.fedramp_id, source_url=source, synced_at=now, **values)


def _change(product: FedRAMPProduct, name: str, record: ProductRecord, source: str, today) -> FedRAMPProductChange:
    dated = record.status_updated_on if name == "status" and record.status_updated_on else today
    return FedRAMPProductChange(
        product=product,
        field=WATCHED[name],
        from_value=getattr(product, name),
        to_value=getattr(record, name),
        changed_on=dated,
        source_url=source,
    )


def _link_offerings(result: FedRAMPSyncResult, actor) -> None:
    """Make each offering's FedRAMP products exactly the ones its `fedramp_ids` name, as far as they are loaded."""
    products = {p.fedramp_id: p for p in FedRAMPProduct.objects.all()}
    for offering in Offering.objects.prefetch_related("fedramp_products"):
        wanted = {i for i in offering.fedramp_ids if i in products}
        result.ids_not_found += [(offering.slug, i) for i in offering.fedramp_ids if i not in products]
        linked = {p.fedramp_id for p in offering.fedramp_products.all()}
        added, removed = sorted(wanted - linked), sorted(linked - wanted)
        if not added and not removed:
            continue
        offering.fedramp_products.add(*[products[i] for i in added])
        offering.fedramp_products.remove(*[products[i] for i in removed])
        result.links_added += [(offering.slug, i) for i in added]
        result.links_removed += [(offering.slug, i) for i in removed]
        audit_record(
            actor=actor,
            action="offering.fedramp_linked",
            obj=offering,
            before={"fedramp_products": sorted(linked)},
            after={"fedramp_products": sorted(wanted)},
        )
