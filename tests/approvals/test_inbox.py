"""待办审批 (approvals.inbox): each kind of decision registers a source; the inbox page and the
header count show a unit's admin exactly the decisions waiting for their own unit."""

import pytest
from django.urls import reverse

from approvals import inbox
from approvals.models import ReportAction
from org.models import Module
from records.notices import FileNotice

pytestmark = pytest.mark.django_db

DECISIONS = reverse("approvals:decisions_pending")


@pytest.fixture
def source(cast):
    """A stand-in kind of decision: ReportActions of kind TRANSFER waiting at their receiver."""
    source = inbox.InboxSource(
        key="test_transfer",
        label="测试事项",
        module=Module.UNIT_ADMIN,
        pending=lambda unit: ReportAction.objects.filter(receiver=unit, kind=FileNotice.TRANSFER).order_by("-at"),
        item=lambda action: inbox.InboxItem(
            kind="测试事项",
            title=f"接收 {action.count} 份档案",
            sender=action.sender.name,
            at=action.at,
            url=f"/decide/{action.pk}/",
        ),
    )
    inbox.register(source)
    yield source
    inbox._SOURCES.pop(source.key)


def waiting(cast, sender: str, receiver: str, count: int) -> ReportAction:
    return ReportAction.objects.create(
        kind=FileNotice.TRANSFER,
        module=Module.UNIT_ADMIN,
        sender=cast.units[sender],
        receiver=cast.units[receiver],
        count=count,
    )


def test_the_admin_of_the_deciding_unit_sees_its_decisions_newest_first(cast, source):
    waiting(cast, "street_a", "county_a", 3)
    waiting(cast, "street_a2", "county_a", 5)
    waiting(cast, "street_b", "county_b", 7)  # another branch's decision

    response = cast.client("county_a_admin").get(DECISIONS)

    assert response.status_code == 200
    assert [item.title for item in response.context["items"]] == ["接收 5 份档案", "接收 3 份档案"]
    assert response.context["items"][0].sender == cast.units["street_a2"].name
    assert "待办审批 (2)" in response.content.decode()
    assert inbox.pending_count(cast.users["county_a_admin"]) == 2


def test_users_without_the_module_and_other_units_see_none(cast, source):
    waiting(cast, "street_a", "county_a", 3)

    assert inbox.pending_items(cast.users["county_a"]) == []  # same unit, no unit-admin permission
    assert inbox.pending_items(cast.users["city_a_admin"]) == []  # the parent unit's admin
    response = cast.client("city_a_admin").get(DECISIONS)
    assert "暂无待办审批事项" in response.content.decode()


def test_the_header_shows_the_count_on_other_pages(cast, source):
    waiting(cast, "street_a", "county_a", 3)

    page = cast.client("county_a_admin").get(reverse("approvals:reminders_pending")).content.decode()

    assert 'data-pending-decisions="1"' in page


def test_a_cut_short_list_leaves_the_header_to_count_every_decision(cast, source, monkeypatch):
    monkeypatch.setattr(inbox, "ITEMS_PER_SOURCE", 1)
    waiting(cast, "street_a", "county_a", 3)
    waiting(cast, "street_a2", "county_a", 5)

    response = cast.client("county_a_admin").get(DECISIONS)

    assert len(response.context["items"]) == 1
    assert 'data-pending-decisions="2"' in response.content.decode()
