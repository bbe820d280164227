from importlib import import_module

from django.apps import AppConfig

from records.notices import FileNotice


class RecordsConfig(AppConfig):
    name = "records"
    verbose_name = "业务记录"

    def ready(self):
        from approvals import inbox

        import_module("records.households.module")  # the files declared on the kit: registry, events, navigation
        inbox.register(_export_approvals_source())
        inbox.register(_transfer_decisions_source())
        _register_notice_pages()


def _register_notice_pages() -> None:
    """Reminders that move no rows open the page where the admin acts on them."""
    from approvals.reminders import register_notice_page
    from org.models import Module

    for kind, page in [(FileNotice.EXPORT_READY, "records:exports"), (FileNotice.EXPORT_REJECTED, "records:exports"),
                       (FileNotice.TRANSFER_REJECTED, "records:manage")]:  # fmt: skip
        register_notice_page(kind, page, filed_under=Module.FILES)


def _export_approvals_source():
    """批量导出申请 waiting for the parent unit's admin (manual 2.5.3) in 待办审批."""
    from django.urls import reverse

    from approvals import inbox
    from org.models import Module
    from records import exports

    def item(export):
        return inbox.InboxItem(
            kind="批量导出申请",
            title=f"批量导出:{export.get_kinds_display()}",
            sender=export.unit.name,
            at=export.requested_at,
            url=reverse("records:export_decide", args=[export.pk]),
            detail=f"申请人 {export.requested_by or '—'}",
        )

    return inbox.InboxSource(
        key="bulk_export", label="批量导出申请", module=Module.UNIT_ADMIN, pending=exports.pending_approvals, item=item
    )


def _transfer_decisions_source():
    """Cross-branch transfer requests wait in the receiving unit admin's 待办审批."""
    from django.urls import reverse

    from approvals import inbox
    from org.models import Module
    from records import transfers

    def item(transfer):
        if transfer.is_claim:
            title = f"“{transfer.to_unit.name}”申请将本单位的临时救助档案转为其困难职工档案"
        else:
            title = f"接收转来的 {transfer.file_count} 份职工档案"
        return inbox.InboxItem(
            kind="跨单位转移档案",
            title=title,
            sender=transfer.requesting_unit.name,
            at=transfer.created_at,
            url=reverse("records:transfer_request", args=[transfer.pk]),
            detail=transfer.reason,
        )

    return inbox.InboxSource("file_transfer", "跨单位转移档案", Module.UNIT_ADMIN, transfers.requests_waiting_for, item)
