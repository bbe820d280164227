"""Household files shaped for merge and transfer tests."""

from approvals import services as approvals
from records import merges, services
from records.forms import WorkerFileForm
from records.jobs.models import JobSeeker
from records.models import FileAttachment, FileImport, FileImportItem, Person, WorkerFile
from records.services import PERSON_FIELDS
from tests.records.conftest import code, file_data, head_data, id_number, make_file_attachment, member_data
from tests.reporting.models import SampleAssistance, SampleAttachment, SampleLegalAid


def worker(actor, *, name="王建华", birth="19700412", members=1, number=None, report=True, **overrides) -> WorkerFile:
    """A file of the actor's unit whose head is `name` born on `birth` (a likely duplicate of
    any other file made with the same two), under a fresh ID number unless one is given.
    A street's file is reported to its county (unless `report` is false), so that the admins
    above, who merge and transfer, see it (DESIGN.md §3)."""
    head = head_data(name=name, id_number=number or id_number(birth))
    member_list = [member_data(name=f"{name}家属{i}") for i in range(members)]
    data = file_data(household_size=members + 1) | overrides
    file = services.file_create(actor=actor, data=data, head=head, members=member_list)
    if report and actor.unit.depth > 3:
        approvals.report_rows(actor=actor, model=WorkerFile, pks=[file.pk])
        moved = WorkerFile.objects.values("holder_id", "holder_depth", "report_state").get(pk=file.pk)
        vars(file).update(moved)  # keeps the loaded head and members a test compares with later
    return file


def person_data(person: Person, relation: str | None = None) -> dict:
    data = {name: getattr(person, name) for name in PERSON_FIELDS}
    return data | ({"relation": code("relation", relation)} if relation else {})


def members_of(file: WorkerFile) -> list[dict]:
    return [person_data(m.person) | {"relation": m.relation} for m in file.members.select_related("person")]


def merge_input(kept: WorkerFile, involved: list[WorkerFile], *, copies: list[tuple[Person, str]] = (), **data):
    """What the edit page posts when the admin keeps everything of `kept` and copies `copies`."""
    kept = WorkerFile.objects.get(pk=kept.pk)
    members = members_of(kept) + [person_data(person, relation) for person, relation in copies]
    file_fields = {name: getattr(kept, name) for name in WorkerFileForm.Meta.fields}
    file_fields |= {"household_size": len(members) + 1} | data
    versions = {f.pk: merges.version_of(WorkerFile.objects.get(pk=f.pk)) for f in involved}
    return merges.MergeInput(file_fields, person_data(kept.head), members, versions)


def link_everything(file: WorkerFile, *, job_seeker=True) -> None:
    """One row of every kind of record that refers to a file."""
    assistance = SampleAssistance(file=file, amount=500)
    assistance.place_at_owner(file.unit)
    assistance.save()
    legal_aid = SampleLegalAid(file=file, subject="欠薪")
    legal_aid.place_at_owner(file.unit)
    legal_aid.save()
    if job_seeker:
        make_job_seeker(file, intention="电工")
    SampleAttachment.objects.create(file=file, name="低保证明.pdf")
    make_file_attachment(file, file.created_by)
    job = FileImport.objects.create(unit=file.unit, file_name="导入.xlsx")
    FileImportItem.objects.create(job=job, code=file.code, file=file)


def make_job_seeker(file: WorkerFile, **fields) -> JobSeeker:
    """人才信息 of the file, owned by the file's unit (one per file: records.jobs)."""
    seeker = JobSeeker(file=file, **fields)
    seeker.place_at_owner(file.unit)
    seeker.save()
    return seeker


LINKED_MODELS = [SampleAssistance, SampleLegalAid, JobSeeker, SampleAttachment, FileAttachment, FileImportItem]


def linked_counts(file_ids) -> dict[str, int]:
    def rows(model):
        key = "worker_file_id" if model is FileAttachment else "file_id"
        return model.objects.filter(**{f"{key}__in": list(file_ids)})

    return {model.__name__: rows(model).count() for model in LINKED_MODELS}
