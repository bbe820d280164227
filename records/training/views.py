"""Training's own part of a record page (RecordModule.extras): an institution's 培训成效."""

from records.kit import declaration
from records.training import selectors
from records.training.models import employment_of


def institution_outcome(request, module, row) -> dict:
    """Below the institution's sheet: each of its classes the viewer sees with its trainees'
    employment after training, and the institution's total over them."""
    shown, total = selectors.institution_outcome(row, request.user.unit)
    classes_module = declaration.get("training_classes")
    classes = [
        {"url": classes_module.url("detail", each["pk"]), "label": f"{each['topic']}({each['session']})",
         "starts_on": each["starts_on"], "outcome": employment_of(each["employed"], each["trainees_count"])}
        for each in shown
    ]  # fmt: skip
    return {
        "template": "training/_outcome.html", "below": True, "classes": classes, "more": total["classes"] > len(shown),
        "total": employment_of(total["employed"], total["trainees_count"]), "class_count": total["classes"],
    }  # fmt: skip
