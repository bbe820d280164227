from datetime import date

from records.training.models import Trainee, TrainingClass, TrainingInstitution
from tests.records.conftest import code, id_number


def make_institution(unit, **fields) -> TrainingInstitution:
    row = TrainingInstitution(name=fields.pop("name", "成都市职工技能培训中心"), **fields)
    row.place_at_owner(unit)
    row.save()
    return row


def make_class(institution, **fields) -> TrainingClass:
    values = {"planned": 2, "session": "1", "topic": "数控车床操作", "starts_on": date(2026, 4, 8),
              "ends_on": date(2026, 4, 30), "training_type": code("training_type", "技能培训")} | fields  # fmt: skip
    training_class = TrainingClass(institution=institution, **values)
    training_class.place_at_owner(institution.unit)
    training_class.save()
    return training_class


def make_trainee(training_class, **fields) -> Trainee:
    values = {"name": "王建国", "id_number": id_number("19850612"),
              "category": code("trainee_category", "下岗失业人员")} | fields  # fmt: skip
    trainee = Trainee(training_class=training_class, **values)
    trainee.place_at_owner(training_class.unit)
    trainee.save()
    return trainee
