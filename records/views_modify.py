"""修改职工档案 (manual 2.2.3): a quick search of the own unit's files by 职工编号, 职工姓名,
身份证号 and 工作单位, then the file's edit page; from its page the file is also deleted,
printed, saved as Word, cancelled or given assistance. The search is posted: an ID number never
travels in a URL (DESIGN.md §7). A search by ID number that finds its one file opens its edit
page at once."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from org.models import Module
from org.permissions import module_required
from records.forms_modify import ModifySearchForm
from records.selectors import MODIFY_LIMIT, own_files_matching


@require_http_methods(["GET", "POST"])
@module_required(Module.FILES)
def file_modify(request):
    form = ModifySearchForm(request.POST if request.method == "POST" else None)
    files = None
    if form.is_valid():
        files = list(own_files_matching(request.user, **form.cleaned_data))
        if form.cleaned_data["id_number"] and len(files) == 1:
            return redirect("files:edit", pk=files[0].pk)
    context = {"form": form, "files": files, "limit": MODIFY_LIMIT}
    return render(request, "records/file_modify.html", context)
