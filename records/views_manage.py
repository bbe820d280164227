"""高级档案管理 (manual 2.9): merging and transferring household files, for unit admins.

Thin views over records.merges and records.transfers; every page answers 403 to a user without
the unit-admin permission and 404 for files or units outside the admin's subtree. Destructive
steps have a confirmation: the merge's edit page and the transfers' confirmation page.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from approvals.selectors import visible_to
from audit.services import audit_record
from org.errors import DomainError, saved_or_told
from org.models import Module, Unit
from org.permissions import module_required, require_module
from org.selectors import ancestors_of, children_of, codes_of, directory_search, get_unit_in_subtree, text_contains
from org.views.switcher import switcher_context
from records import merges, transfers
from records.events import FileEvent
from records.forms import HeadForm, MemberFormSet, WorkerFileForm
from records.models import TransferRequest, TransferRequestFile, TransferState, WorkerFile
from records.selectors import snapshots_of
from records.views import head_data, member_initial, show_error

admin_required = module_required(Module.UNIT_ADMIN)
TRANSFER_LIST_LIMIT = 200

ADAPTATION_NOTE = (
    "说明:本系统中身份证号全国唯一,一个人只能属于一份档案,因此不会出现“身份证号相同的多份档案”。"
    "实际出现的重复是同一职工被两个单位各登记了一次,其中一次身份证号录错(仍是有效号码)。"
    "因此查询时列出包含该身份证号的档案,以及本单位和下级单位中姓名、出生日期都相同的人员所在的档案(可能的重复档案)。"
)


@admin_required
@require_GET
def manage_home(request):
    unit = request.user.unit
    sent, received = transfers.requests_sent_from(unit)[:50], transfers.requests_waiting_for(unit)[:50]
    context = {"sent": sent, "received": received, "title": "高级档案管理"}
    return render(request, "records/manage_home.html", context)


# --- merges --------------------------------------------------------------------------------------


def _audit_full_ids(request, files, page: str) -> None:
    """Merge pages show complete ID numbers (a mistyped digit is what the admin looks for):
    the audit log says who saw which files' numbers (DESIGN.md §7)."""
    if files:
        audit_record(event=FileEvent.ID_NUMBERS_VIEWED, actor=request.user, request=request,
                     detail={"page": page, "files": [f.pk for f in files]})  # fmt: skip


@admin_required
@require_http_methods(["GET", "POST"])
def merge_duplicates(request):
    """2.9.1: enter an ID number, see the candidate files, pick the one to keep. ID numbers
    come by POST only, never in a URL (DESIGN.md §7)."""
    number = request.POST.get("id_number", "").strip()
    context = {"id_number": number, "files": [], "error": None, "note": ADAPTATION_NOTE, "title": "合并重复档案"}
    if number:
        try:
            context["files"] = merges.duplicate_candidates(actor=request.user, id_number=number)
        except DomainError as error:
            context["error"] = error.message
        else:
            if len(context["files"]) < 2:
                context["error"] = "没有找到可能重复的档案:本单位及下级单位中只有这一份档案包含该人员。"
            _audit_full_ids(request, context["files"], "merge_search")
    return render(request, "records/manage_merge.html", context)


@admin_required
@require_http_methods(["GET", "POST"])
def merge_two(request):
    """2.9.2: a source and a target ID number (by POST, never in a URL); the edit step merges
    the source into the target."""
    source, target = request.POST.get("source", "").strip(), request.POST.get("target", "").strip()
    errors = {}
    if source or target:
        try:
            source_file, target_file = merges.pair_for_merge(actor=request.user, source=source, target=target)
        except DomainError as error:
            errors[error.field or "source"] = error.message
        else:
            query = f"?kind=two&keep={target_file.pk}&merge={source_file.pk}"
            return redirect(reverse("records:merge_edit") + query)
    context = {"source": source, "target": target, "errors": errors, "title": "合并不同档案"}
    return render(request, "records/manage_merge_two.html", context)


def _ids(values) -> list[int]:
    try:
        return [int(v) for v in values]
    except (TypeError, ValueError):
        raise Http404("档案不存在。") from None


def _merge_files(request):
    """The kept file and the files to merge into it, all in the admin's subtree."""
    keep, merge = _ids(request.GET.getlist("keep")[:1]), _ids(request.GET.getlist("merge"))
    merge = [pk for pk in dict.fromkeys(merge) if pk not in keep]
    if not keep or not merge:
        return None, []
    files = {f.pk: f for f in merges.with_people(merges.files_in_scope(request.user).filter(pk__in=keep + merge))}
    if len(files) != len(keep) + len(merge):
        return None, []
    return files[keep[0]], [files[pk] for pk in merge]


class CopyChoice:
    """A person of another file, offered for copying into the kept file's members."""

    def __init__(self, file, person, role, data):
        self.file, self.person, self.role = file, person, role
        self.checked = str(person.pk) in data.getlist("copy") if data else False
        self.relation_id = data.get(f"relation-{person.pk}", "") if data else ""
        self.error = ""


def _copy_choices(merged, data) -> list[CopyChoice]:
    choices = []
    for file in merged:
        choices.append(CopyChoice(file, file.head, "户主", data))
        choices += [CopyChoice(file, m.person, str(m.relation), data) for m in file.members.all()]
    return choices


def _copied_members(choices: list[CopyChoice]) -> list[dict] | None:
    """The checked people as member rows; None (and an error on the row) when one lacks its
    relation to the head."""
    relations = codes_of("relation").in_bulk()
    members, valid = [], True
    for choice in choices:
        if not choice.checked:
            continue
        relation = (
            relations.get(int(choice.relation_id))
            if choice.relation_id.isascii() and choice.relation_id.isdigit()
            else None
        )
        if relation is None:
            choice.error, valid = "请选择与户主关系", False
            continue
        members.append(merges.person_member_data(choice.person, relation))
    return members if valid else None


@admin_required
@require_http_methods(["GET", "POST"])
def merge_edit(request):
    """The edit step (合并当前档案): the kept file's form, the other files' people to copy."""
    kept, merged = _merge_files(request)
    if kept is None:
        messages.error(request, "要合并的档案不存在、已被合并,或者不属于本单位或下级单位,请重新查询。")
        return redirect("records:merge_duplicates")
    data = request.POST if request.method == "POST" else None
    file_form = WorkerFileForm(data, instance=kept, temporary=kept.is_temporary)
    head_form = HeadForm(data, instance=kept.head, prefix="head")
    initial = [member_initial(m) for m in kept.members.all()]
    member_formset = MemberFormSet(data, initial=initial, prefix="members")
    choices = _copy_choices(merged, data)
    if data is not None:
        done = _commit_merge(request, kept, merged, (file_form, head_form, member_formset), choices)
        if done:
            return done
    else:
        _audit_full_ids(request, [kept, *merged], "merge_edit")
    context = {
        "kept": kept, "merged": merged, "choices": choices, "file_form": file_form, "head_form": head_form,
        "member_formset": member_formset, "versions": [(f.pk, merges.version_of(f)) for f in [kept, *merged]],
        "relations": codes_of("relation"),
        "kind": request.GET.get("kind", "duplicates"), "note": ADAPTATION_NOTE,
        "title": "合并不同档案" if request.GET.get("kind") == "two" else "合并重复档案",
    }  # fmt: skip
    return render(request, "records/manage_merge_edit.html", context)


def _commit_merge(request, kept, merged, forms_, choices):
    file_form, head_form, member_formset = forms_
    valid = all([file_form.is_valid(), head_form.is_valid(), member_formset.is_valid()])
    copied = _copied_members(choices)
    if not valid or copied is None:
        return None
    members = member_formset.members() + copied
    file_form.check_household_size(len(members))
    if file_form.errors:
        return None
    versions = {f.pk: request.POST.get(f"version-{f.pk}", "") for f in [kept, *merged]}
    form = merges.MergeInput(file_form.file_data(), head_data(file_form, head_form), members, versions)
    kind = "two" if request.GET.get("kind") == "two" else "duplicates"
    try:
        merges.files_merge(actor=request.user, kept_id=kept.pk, merged_ids=[f.pk for f in merged], form=form,
                           kind=kind, request=request)  # fmt: skip
    except DomainError as error:
        show_error(error, file_form, head_form, member_formset)
        return None
    label = "合并不同档案成功" if kind == "two" else "合并重复档案成功"
    messages.success(request, f"{label}:{len(merged)} 份档案已并入“{kept}”。合并前各档案的信息见“职工历史信息”。")
    return redirect("records:merge_result", pk=kept.pk)


@require_GET
def merge_result(request, pk):
    """The kept file as the admin may see it (they hold no files module): summary and history.
    Read through the visibility selector like every page: a subordinate's draft or returned
    file is not the admin's to read, whatever its id."""
    try:
        file = visible_to(WorkerFile.objects, request.user.unit).select_related("unit", "head").get(pk=pk)
    except (WorkerFile.DoesNotExist, ValueError):
        raise Http404("档案不存在或不属于本单位或下级单位。") from None
    require_module(request.user, Module.UNIT_ADMIN)
    snapshots = snapshots_of(file)
    context = {"file": file, "members": file.members.select_related("person", "relation"), "snapshots": snapshots,
               "full_id": False, "title": f"合并后的档案:{file.head.name}"}  # fmt: skip
    return render(request, "records/manage_merge_result.html", context)


# --- transfers -----------------------------------------------------------------------------------


class TransferForm(forms.Form):
    to_unit = forms.IntegerField(label="目的单位", error_messages={"required": "请选择目的单位。"})
    message = forms.CharField(label="转移原因", max_length=200, required=False)


def _target_choices(request) -> list[Unit]:
    """Units offered as target: a name search over the whole country (a target outside the
    subtree is a request), else the admin's unit and its children."""
    query = request.GET.get("to_q", "").strip() or request.POST.get("to_q", "").strip()
    if query:
        return directory_search(query)[0]
    unit = request.user.unit
    return [unit, *children_of(unit)]


def _target(pk) -> Unit | None:
    return Unit.objects.filter(pk=pk).first()


def _unit_chain(unit: Unit) -> str:
    return " / ".join(u.name for u in [*ancestors_of(unit), unit])


def _source_unit(request) -> Unit:
    pk = request.GET.get("unit") or request.POST.get("unit")
    return get_unit_in_subtree(request.user, pk) if pk else request.user.unit


@admin_required
@require_http_methods(["GET", "POST"])
def transfer_files(request):
    """2.9.3: pick files of a unit of the subtree and a target unit; confirm; move (or request)."""
    source = _source_unit(request)
    form = TransferForm(request.POST or None)
    picked = [pk for pk in request.POST.getlist("pks") if pk.isascii() and pk.isdigit()]
    if request.method == "POST" and form.is_valid():
        to_unit = _target(form.cleaned_data["to_unit"])
        if to_unit is None:
            form.add_error("to_unit", "目的单位不存在。")
        elif "confirm" not in request.POST:
            return _transfer_confirm(request, source, to_unit, form, picked)
        else:
            done = _run_transfer(request, form, lambda: transfers.files_transfer(
                actor=request.user, file_ids=[int(pk) for pk in picked], to_unit=to_unit,
                message=form.cleaned_data["message"], request=request))  # fmt: skip
            if done:
                return done
    query = request.GET.get("q", "").strip()
    files = WorkerFile.objects.filter(unit=source).select_related("head", "holder")
    if query:
        files = files.filter(text_contains("code", query) | text_contains("head__name", query))
    context = {
        "source": source, **switcher_context(request.user.unit, source), "form": form, "q": query,
        "files": list(files.order_by("code", "pk")[:TRANSFER_LIST_LIMIT]), "limit": TRANSFER_LIST_LIMIT,
        "picked": set(picked), "targets": _target_choices(request), "to_q": request.GET.get("to_q", ""),
        "target_search": True,
        "title": "转移职工档案",
    }  # fmt: skip
    return render(request, "records/manage_transfer.html", context)


def _transfer_confirm(request, source, to_unit, form, picked):
    in_subtree = to_unit.is_within(request.user.unit)
    files = merges.files_in_scope(request.user).filter(pk__in=picked).select_related("head", "unit")
    context = {
        "to_unit": to_unit, "to_chain": _unit_chain(to_unit), "in_subtree": in_subtree, "files": files[:50],
        "count": files.count(), "form": form, "picked": picked, "source": source, "whole_unit": False,
        "has_admin": in_subtree or transfers.target_admin(to_unit) is not None, "title": "确认转移职工档案",
    }  # fmt: skip
    return render(request, "records/manage_transfer_confirm.html", context)


def _run_transfer(request, form, call):
    result = saved_or_told(form, call)
    if result is None:
        return None
    if result.request is not None and result.action is None:
        messages.success(request, f"已向“{result.request.to_unit.name}”提出转移 {result.request.file_count} 份档案的申请,"
                                  "对方用户管理员接收后档案才会转移。")  # fmt: skip
    else:
        messages.success(
            request, f"移动完成:{result.moved} 份档案已转移到“{result.action.receiver.name}”,状态为未上报。"
        )
    return redirect("records:manage")


@admin_required
@require_http_methods(["GET", "POST"])
def transfer_unit(request):
    """2.9.4: every file of a unit to another unit of the subtree, after a confirmation."""
    source = _source_unit(request)
    form = TransferForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        to_unit = _target(form.cleaned_data["to_unit"])
        if to_unit is None or not to_unit.is_within(request.user.unit):
            form.add_error("to_unit", "目的单位不存在,或者不属于本单位或下级单位。")
        elif "confirm" not in request.POST:
            context = {
                "to_unit": to_unit, "to_chain": _unit_chain(to_unit), "in_subtree": True, "has_admin": True,
                "count": WorkerFile.objects.filter(unit=source).count(), "form": form, "source": source,
                "whole_unit": True, "title": "确认批量转移档案",
            }  # fmt: skip
            return render(request, "records/manage_transfer_confirm.html", context)
        else:
            done = _run_transfer(request, form, lambda: transfers.unit_files_transfer(
                actor=request.user, from_unit=source, to_unit=to_unit, message=form.cleaned_data["message"],
                request=request))  # fmt: skip
            if done:
                return done
    context = {
        "source": source, **switcher_context(request.user.unit, source), "form": form,
        "count": WorkerFile.objects.filter(unit=source).count(), "targets": _target_choices(request),
        "title": "批量转移档案",
    }  # fmt: skip
    return render(request, "records/manage_transfer_unit.html", context)


def _transfer_for_user(user, pk) -> TransferRequest:
    """A request the user's unit is party to: the deciding unit, or the requesting unit or a
    unit above it. Anyone else: 404."""
    parties = transfers.parties_of(user.unit)
    related = ("from_unit", "to_unit", "requested_by", "decided_by")
    try:
        return TransferRequest.objects.select_related(*related).get(parties, pk=pk)
    except (TransferRequest.DoesNotExist, ValueError):
        raise Http404("申请不存在或与本单位无关。") from None


@require_http_methods(["GET", "POST"])
def transfer_request(request, pk):
    """A cross-branch request: the target unit's admin accepts or refuses it; the requesting
    side reads it and may withdraw it while it waits."""
    transfer = _transfer_for_user(request.user, pk)
    require_module(request.user, Module.UNIT_ADMIN)
    pending = transfer.state == TransferState.PENDING
    can_decide = transfers.can_decide(request.user, transfer) and pending
    # Only the target unit's admin may decide (the service answers 403 to anyone else); a page
    # opened before the request was withdrawn: the service says so, as a message.
    if request.method == "POST" and _decide(request, transfer):
        return redirect("approvals:decisions_pending")
    ids = TransferRequestFile.objects.filter(request=transfer).values("file_id")
    files = WorkerFile.objects.filter(pk__in=ids).select_related("head", "unit").order_by("code")[:TRANSFER_LIST_LIMIT]
    context = {"transfer": transfer, "files": files, "can_decide": can_decide,
               "can_withdraw": transfers.can_withdraw(request.user, transfer) and pending,
               "title": f"{'转正申请' if transfer.is_claim else '跨单位转移申请'}:{transfer.from_unit.name} → {transfer.to_unit.name}"}  # fmt: skip
    return render(request, "records/manage_request.html", context)


@require_POST
def transfer_request_withdraw(request, pk):
    """撤回 a waiting request, from its page or the module's home page."""
    transfer = _transfer_for_user(request.user, pk)
    require_module(request.user, Module.UNIT_ADMIN)
    try:
        transfers.transfer_request_withdraw(actor=request.user, pk=transfer.pk, request=request)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(transfer.get_absolute_url())
    if transfer.is_claim:
        messages.success(request, f"已撤回转正申请,档案留在“{transfer.from_unit.name}”。")
    else:
        messages.success(
            request, f"已撤回转往“{transfer.to_unit.name}”的申请,{transfer.file_count} 份档案可以重新转移或合并。"
        )
    return redirect("records:manage")


def _decide(request, transfer) -> bool:
    note = request.POST.get("note", "")[:200]
    try:
        if request.POST.get("decision") == "accept":
            result = transfers.transfer_request_accept(actor=request.user, pk=transfer.pk, note=note, request=request)
            if transfer.is_claim:
                messages.success(request, f"已同意,档案已转给“{transfer.to_unit.name}”。")
            else:
                messages.success(request, f"已接收 {result.moved} 份档案,档案已转入本单位,状态为未上报。")
        else:
            transfers.transfer_request_reject(actor=request.user, pk=transfer.pk, note=note, request=request)
            messages.success(request, "已拒绝该申请,档案留在原单位,申请单位将收到提醒。")
    except DomainError as error:
        messages.error(request, error.message)
        return False
    return True
