"""附件 of a household file (manual 2.2.1.1) on the file's page: listed for whoever sees the
file (the visibility selector, records.selectors.get_file_for_user), uploaded and deleted by
whoever may edit it, downloaded through org.attachments.serve (audited)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from org import attachments
from records import services
from records.forms import FileAttachmentForm
from records.models import FileAttachment, WorkerFile
from records.selectors import get_file_for_user


def file_attachments(request, module, file: WorkerFile) -> dict:
    """Below the sheet on the file's page (a part of records.households.module `extras`)."""
    return _part(request, file, FileAttachmentForm() if services.can_edit(request.user, file) else None)


def _part(request, file: WorkerFile, form) -> dict:
    return {"template": "records/_file_attachments.html", "below": True, "file": file, "upload_form": form,
            "attachments": file.attachments.select_related("kind")}  # fmt: skip


def _page(file: WorkerFile) -> str:
    return file.get_absolute_url()


@require_POST
def attachment_add(request, pk):
    file = get_file_for_user(request.user, pk)
    form = FileAttachmentForm(request.POST, request.FILES)
    if not services.can_edit(request.user, file):
        raise PermissionDenied(services.ATTACHMENT_REFUSAL)
    if form.is_valid():
        data = form.cleaned_data
        services.file_attach(actor=request.user, file=file, kind=data["kind"], upload=data["content"], request=request)
        messages.success(request, f"附件“{data['content'].name}”已上传。")
        return redirect(_page(file))
    return render(request, "records/file_attachment_form.html", {"file": file, **_part(request, file, form)})


def _attachment_for_user(request, pk) -> FileAttachment:
    """The attachment of a file the user sees (404 otherwise, as if missing)."""
    attachment = get_object_or_404(FileAttachment.objects.select_related("worker_file"), pk=pk)
    get_file_for_user(request.user, attachment.worker_file_id)
    return attachment


@require_GET
def attachment_download(request, pk):
    attachment = get_object_or_404(FileAttachment, pk=pk)
    return attachments.serve(request, attachment, lambda user: get_file_for_user(user, attachment.worker_file_id))


@require_POST
def attachment_delete(request, pk):
    attachment = _attachment_for_user(request, pk)
    services.file_detach(actor=request.user, attachment=attachment, request=request)
    messages.success(request, f"附件“{attachment.name}”已删除。")
    return redirect(_page(attachment.worker_file))
