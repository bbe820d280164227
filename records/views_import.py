"""Excel import of household files: the template, the upload page and the job page."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from audit.spreadsheets import XLSX, download
from org.errors import DomainError
from org.models import Module
from org.permissions import module_required
from records import imports, tasks

files_required = module_required(Module.FILES)
REFUSALS_SHOWN = 1000
PROBLEM_FILES_SHOWN = 200


class FileImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件",
        help_text=f"用导入模板填写的 .xlsx 文件,不超过 {imports.MAX_UPLOAD_BYTES // (1024 * 1024)} MB、"
        f"{imports.MAX_ROWS} 行。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}),
    )
    keep_problems = forms.BooleanField(
        label="问题行保存为有问题档案",
        required=False,
        help_text="家庭人口与成员人数不符、健康状况为残疾但未填残疾类别的户,仍保存为有问题档案(修改后才能上报);"
        "身份证号有误或已被登记的户一律不导入。",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Read no more than one byte past the limit: a larger file is refused without reading it all.
        content = upload.read(imports.MAX_UPLOAD_BYTES + 1)
        try:
            self.row_count = imports.check_upload(upload.name, max(upload.size or 0, len(content)), content)
        except DomainError as error:
            raise forms.ValidationError(error.message) from None
        self.content = content
        return upload


@require_GET
@files_required
def file_import_template(request):
    """导入模板, also the blank Excel form of manual 2.2.9."""
    return download(imports.template_workbook(), "困难职工档案导入模板.xlsx", "worker-file-import.xlsx")


@files_required
@require_http_methods(["GET", "POST"])
def file_import(request):
    posted = request.method == "POST"
    form = FileImportForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and form.is_valid():
        job = imports.file_import_create(
            actor=request.user,
            file_name=form.cleaned_data["file"].name,
            content=form.content,
            keep_problems=form.cleaned_data["keep_problems"],
            total_rows=form.row_count,
        )
        tasks.send_import(job.pk)
        messages.success(request, f"“{job.file_name}”已上传,共 {job.total_rows} 行,正在排队导入。")
        return redirect(job)
    context = {"form": form, "jobs": imports.imports_of_unit(request.user.unit)}
    return render(request, "records/file_import.html", context)


@require_GET
def file_import_detail(request, pk):
    job = imports.get_import_for_user(request.user, pk)
    problem_items = job.items.filter(problem=True).select_related("file__head").order_by("pk")
    context = {
        "job": job,
        "refusals": job.refusals[:REFUSALS_SHOWN],
        "refusals_hidden": max(0, len(job.refusals) - REFUSALS_SHOWN),
        "problem_items": problem_items[:PROBLEM_FILES_SHOWN] if job.problem_count else [],
    }
    return render(request, "records/file_import_detail.html", context)
