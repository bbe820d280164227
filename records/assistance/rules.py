"""The rules across an assistance and its measure lines (manual 3.2.1.1, modules-spec §3.1):
the kit's Lines.settle and Lines.locked of the declaration, and its delete rule."""

from django.core.exceptions import ValidationError

from records.assistance.models import Helped


def settle_measures(assistance, lines) -> None:
    """已帮扶 needs a line, 未帮扶 none; 帮扶金额 is the lines' sum (sample: line 300 → 300)."""
    if assistance.helped == Helped.HELPED and not lines:
        raise ValidationError({"lines": "已帮扶时请至少填写一项帮扶措施。"})
    if assistance.helped == Helped.NOT_HELPED and lines:
        raise ValidationError({"lines": "未帮扶时不能填写帮扶措施,请清空各行。"})
    assistance.amount = sum((line.amount for line in lines), start=0)


def line_locked(line) -> str:
    """A line taken into a fund summary table is read-only here (L1198-1199)."""
    return f"已汇总({line.summarized_in})" if line.summarized_in else ""


def delete_refusal(assistance) -> str:
    """3.2.1.2: an assistance with a line in a summary table stays (L1185)."""
    summarized = [line for line in assistance.measures.all() if line.summarized_in]
    if summarized:
        return f"帮扶措施“{summarized[0]}”已汇总到{summarized[0].summarized_in},不能删除。"
    return ""
