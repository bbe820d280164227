"""Pages of the worker household files (manual 2.2–2.4): the entry form and the life-cycle
actions. The lists, report/return and quick report are the kit's (records.households.module)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from org.errors import DomainError, tell
from org.models import Code, Module
from org.permissions import module_required
from records import services, transfers
from records.forms import HeadForm, MemberFormSet, WorkerFileForm
from records.kit import person
from records.kit.forms import upgraded_from_15
from records.models import MIGRANT_IDENTITY, FileCategory, WorkerFile
from records.selectors import find_cancelled_file, get_file_for_user

files_required = module_required(Module.FILES)
# `?migrant=1`: the entry form of the 农民工档案 list presets the head's identity.
MIGRANT_PARAM = "migrant"


# --- entry form -----------------------------------------------------------------------------


def _forms(request, file: WorkerFile | None, temporary: bool):
    data = request.POST if request.method == "POST" else None
    initial, head_initial = {}, {}
    if file is None:
        previous = WorkerFile.objects.filter(created_by=request.user).order_by("-pk").only("employer").first()
        initial = {"employer": previous.employer if previous else ""}  # manual 2.2.1.1 rule 4
        if request.GET.get(MIGRANT_PARAM) == "1":  # 新增 of the 农民工档案 list (manual 2.3)
            head_initial = {"identity": Code.objects.filter(table__key="identity", value=MIGRANT_IDENTITY).first()}
    file_form = WorkerFileForm(data, instance=file, initial=initial, temporary=temporary)
    head_form = HeadForm(data, instance=file.head if file else None, initial=head_initial, prefix="head")
    members = [member_initial(m) for m in file.members.select_related("person", "relation")] if file else None
    member_formset = MemberFormSet(data, initial=members, prefix="members")
    return file_form, head_form, member_formset


def member_initial(member) -> dict:
    person = member.person
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    return initial | {"relation": member.relation}


def _valid(file_form, head_form, member_formset) -> bool:
    valid = all([file_form.is_valid(), head_form.is_valid(), member_formset.is_valid()])
    if valid:
        file_form.check_household_size(len(member_formset.members()))
    return valid and not file_form.errors


def head_data(file_form, head_form) -> dict:
    """The head is a person like the members; income and employer come from the file's fields."""
    data = dict(head_form.cleaned_data)
    data["monthly_income"] = file_form.cleaned_data["monthly_income"]
    data["employer_or_school"] = file_form.cleaned_data["employer"]
    return data


def _saved_data(file_form, head_form, member_formset) -> dict:
    """What the create and update services take from the three forms."""
    return {
        "data": file_form.file_data(),
        "head": head_data(file_form, head_form),
        "members": member_formset.members(),
    }


def _form_page(request, forms_, **context):
    file_form, head_form, member_formset = forms_
    context |= {"file_form": file_form, "head_form": head_form, "member_formset": member_formset}
    # 保存并增加帮扶救助信息 (manual 3.2.1.1): each module that offers its entry for a file.
    context["then_offers"] = [(m.key, m.person.offer_on_files) for m in person.offering_modules(request.user)]
    return render(request, "records/file_form.html", context)


def show_error(error: DomainError, file_form, head_form, member_formset) -> None:
    """A refusal next to its field: an ID number's next to the person's it concerns (for a number
    repeated in the household, the later one), anything else on the file's form."""
    form = file_form
    if isinstance(error, services.IdNumberError):
        people = [head_form, *member_formset.forms]
        typed = [f for f in people if f.cleaned_data.get("id_number") == error.id_number] or [head_form]
        form = typed[-1] if error.repeated else typed[0]
    tell(form, error)


def say_upgraded(request, head_form, member_formset) -> None:
    """Tell who of the household had a legacy 15-digit number, now saved as 18 digits."""
    people = [head_form, *(f for f in member_formset.forms if not f.cleaned_data.get("DELETE"))]
    names = [f.cleaned_data["name"] for f in people if f.cleaned_data.get("id_number") and upgraded_from_15(f)]
    if names:
        messages.info(
            request, f"{'、'.join(names)}的 15 位旧身份证号已按国家标准升为 18 位(出生年份补“19”,末尾加校验码)。"
        )


def _next_url(request) -> str:
    """Where a new file goes on to: a record's entry form that needs it (records.kit.person,
    manual 6.1.1), given as `next`; only a URL of this site."""
    target = request.POST.get("next") or request.GET.get("next", "")
    local = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if local else ""


def _after_save(next_url: str, pk: int, then: str = ""):
    """On to `next_url` with the file, to `then` (an entry form for it), or to the file's page."""
    if then:
        return redirect(then)
    if next_url:
        return redirect(f"{next_url}{'&' if '?' in next_url else '?'}file={pk}")
    return redirect("files:detail", pk=pk)


def _then(request) -> str:
    """The module whose entry form the file form's 保存并… button asked for."""
    return request.POST.get("then", "")


@files_required
@require_http_methods(["GET", "POST"])
def file_create(request):
    temporary = request.GET.get("temporary") == "1"
    next_url = _next_url(request)
    file_form, head_form, member_formset = _forms(request, None, temporary)
    existing = None
    if request.method == "POST":
        token = request.POST.get("submit_token", "")
        saved = request.session.get("saved_file_tokens", {})
        if token and token in saved:  # a double click or a resubmitted page: the file exists
            messages.info(request, "该档案已保存。")
            return _after_save(next_url, saved[token])
        if _valid(file_form, head_form, member_formset):
            try:
                file = services.file_create(
                    actor=request.user, request=request, **_saved_data(file_form, head_form, member_formset)
                )
            except services.ExistingPerson as error:
                existing = error
                show_error(error, file_form, head_form, member_formset)
            except DomainError as error:
                show_error(error, file_form, head_form, member_formset)
            else:
                request.session["saved_file_tokens"] = {**saved, token: file.pk}
                messages.success(request, f"档案“{file}”已保存。")
                say_upgraded(request, head_form, member_formset)
                if "add_another" in request.POST:
                    return redirect(reverse("files:create") + ("?temporary=1" if temporary else ""))
                return _after_save(next_url, file.pk, person.offered_after_save(request.user, file, _then(request)))
    title = "新增临时救助档案" if temporary else "新增困难职工档案"
    return _form_page(
        request, (file_form, head_form, member_formset), existing=existing, temporary=temporary, title=title,
        next_url=next_url,
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def file_edit(request, pk):
    file = get_file_for_user(request.user, pk)
    if file.unit_id != request.user.unit_id:
        messages.error(request, "只能修改本单位的职工档案。")
        return redirect("files:detail", pk=file.pk)
    file_form, head_form, member_formset = _forms(request, file, file.is_temporary)
    if request.method == "POST" and _valid(file_form, head_form, member_formset):
        try:
            services.file_update(
                actor=request.user, file=file, request=request, **_saved_data(file_form, head_form, member_formset)
            )
        except DomainError as error:
            show_error(error, file_form, head_form, member_formset)
        else:
            messages.success(request, "档案已保存。")
            say_upgraded(request, head_form, member_formset)
            return _after_save("", file.pk, person.offered_after_save(request.user, file, _then(request)))
    return _form_page(
        request, (file_form, head_form, member_formset), file=file, temporary=file.is_temporary,
        title=f"编辑档案:{file}",
    )  # fmt: skip


# --- actions --------------------------------------------------------------------------------


def _act(request, file, action, success: str, **kwargs):
    try:
        action(actor=request.user, file=file, request=request, **kwargs)
    except DomainError as error:
        messages.error(request, error.message)
        return False
    messages.success(request, success)
    return True


@require_POST
def file_delete(request, pk):
    file = get_file_for_user(request.user, pk)
    label = str(file)
    if _act(request, file, services.file_delete, f"档案“{label}”已删除。"):
        return redirect("files:list")
    return redirect("files:detail", pk=pk)


@require_POST
def file_cancel(request, pk):
    file = get_file_for_user(request.user, pk)
    reason = request.POST.get("reason", "")[:200]
    _act(request, file, services.file_cancel, f"档案“{file}”已注销。", reason=reason)
    return redirect("files:detail", pk=pk)


@require_POST
def file_convert(request, pk):
    file = get_file_for_user(request.user, pk)
    _act(request, file, services.file_convert_to_temporary, f"档案“{file}”已转为临时救助档案。")
    return redirect("files:detail", pk=pk)


@require_POST
def file_regularize(request, pk):
    """转正 (2.4.1): the own unit's temporary file at once. Another unit's, reached from the
    entry form by its head's ID number (manual 2.2.1.1, case two), is asked for: the owning
    unit's admin accepts or refuses in 待办审批 (records.transfers.file_claim)."""
    category = request.POST.get("category", "")
    if WorkerFile.objects.filter(pk=pk, unit_id=request.user.unit_id).exists():
        file = get_file_for_user(request.user, pk)
        if _act(request, file, services.file_regularize, f"档案“{file}”已转为困难职工档案。", category=category):
            return redirect("files:detail", pk=pk)
        return redirect(request.META.get("HTTP_REFERER") or reverse("files:temporary"))
    file = get_object_or_404(WorkerFile.objects.select_related("head"), pk=pk, category=FileCategory.TEMPORARY)
    try:
        claim = transfers.file_claim(
            actor=request.user, file=file, category=category, id_number=request.POST.get("id_number"),
            reason=request.POST.get("reason", ""), request=request,
        )  # fmt: skip
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(request.META.get("HTTP_REFERER") or reverse("files:temporary"))
    messages.success(
        request,
        f"已向“{claim.from_unit.name}”提出转正申请。对方用户管理员同意后,该档案转为本单位的困难职工档案,届时您会收到提醒。",
    )
    return redirect("files:temporary")


@files_required
@require_http_methods(["GET", "POST"])
def file_restore(request):
    """按身份证恢复 (2.2.5.1): find a cancelled file by its head's ID number, anywhere in the
    country, and restore it into the own unit. The number travels by POST only: a URL would
    put it in the access log (DESIGN.md §7)."""
    number = request.POST.get("id_number", "").strip() if request.method == "POST" else ""
    context = {"id_number": number, "file": None, "error": None}
    if number:
        context["file"], context["error"] = find_cancelled_file(number)
    if request.POST.get("action") == "restore" and context["file"] is not None:
        file = context["file"]
        if _act(request, file, services.file_restore, f"档案“{file}”已恢复为本单位的困难职工档案。"):
            return redirect("files:detail", pk=file.pk)
    return render(request, "records/file_restore.html", context)
