"""A trainee who is a household file's head (modules-spec §8: link to the file when the person
has one): the file's page shows the training among its linked records, and a merge of files
carries the trainee to the kept file (records.merges finds the reverse relation itself)."""

import pytest

from records import merges
from records.kit import services
from records.kit.declaration import get
from records.models import WorkerFile
from records.training.models import Trainee
from tests.records.conftest import code, id_number
from tests.records.merge_helpers import merge_input, worker
from tests.records.training.conftest import make_class, make_institution

pytestmark = pytest.mark.django_db


def enter_trainee(actor, training_class, number) -> Trainee:
    data = {"training_class": training_class, "name": "王建华", "id_number": number,
            "category": code("trainee_category", "下岗失业人员")}  # fmt: skip
    return services.record_create(actor=actor, module=get("trainees"), data=data)


def test_a_trainee_with_a_files_number_is_linked_and_shown_on_the_files_page(cast):
    street = cast.users["street_a"]
    file = worker(street, report=False)
    training_class = make_class(make_institution(street.unit))

    trainee = enter_trainee(street, training_class, file.head.id_number)
    stranger = enter_trainee(street, training_class, id_number("19900505"))

    assert trainee.file == file and stranger.file is None
    page = cast.client("street_a").get(file.get_absolute_url()).content.decode()
    assert "培训学员" in page and get("trainees").url("detail", trainee.pk) in page
    assert get("trainees").url("detail", stranger.pk) not in page


def test_a_merge_moves_the_trainees_to_the_kept_file(cast):
    kept = worker(cast.users["street_a"])
    merged = worker(cast.users["street_a2"])
    training_class = make_class(make_institution(cast.units["street_a2"]))
    trainee = enter_trainee(cast.users["street_a2"], training_class, merged.head.id_number)
    assert trainee.file_id == merged.pk

    merges.files_merge(actor=cast.users["county_a_admin"], kept_id=kept.pk, merged_ids=[merged.pk],
                       form=merge_input(kept, [kept, merged]))  # fmt: skip

    assert Trainee.objects.get(pk=trainee.pk).file_id == kept.pk
    assert not WorkerFile.objects.filter(pk=merged.pk).exists()
    assert any(relation.related_model is Trainee for relation in merges.linked_relations())
