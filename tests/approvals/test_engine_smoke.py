import pytest

from approvals import services
from approvals.models import Movement, ReportState
from tests.approvals.conftest import new_row, where
from tests.reporting.models import SampleRecord

pytestmark = pytest.mark.django_db


def test_street_reports_to_county(cast):
    row = new_row(SampleRecord, cast.units["street_a"], title="张三来访")
    result = services.report_rows(actor=cast.users["street_a"], model=SampleRecord, pks=[row.pk], message="请审核")
    assert result.moved == 1 and result.refused == []
    assert where(row) == (cast.units["county_a"].pk, ReportState.REPORTED)
    action = result.actions[0]
    assert action.count == 1 and action.process_id is not None
    assert Movement.objects.filter(action=action, object_id=row.pk).count() == 1
