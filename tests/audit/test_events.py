"""What the audit log must hold (MLPS 2.0 level 3, issue 14 item 11), one test per kind of
event: each is done the way a user does it, then found through the audit viewer's search."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from approvals import services as approvals
from audit.events import SignInEvent
from org.events import OrgEvent
from org.models import Module
from org.services.users import user_update
from records import exports
from records.events import FileEvent
from records.models import WorkerFile
from tests.audit.conftest import found
from tests.records.conftest import make_file

pytestmark = pytest.mark.django_db

WRONG = "wrong-password"


def sign_in(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_a_failed_sign_in(cast):
    assert sign_in(Client(REMOTE_ADDR="10.9.8.7"), "street_a", WRONG).status_code == 200
    [row] = found(cast, event=SignInEvent.SIGN_IN_FAILED, username="street_a", username_exact="on")
    assert not row.success and row.ip == "10.9.8.7" and row.user is None
    # The tried account's unit: its own audit administrators see the failure too.
    assert row.unit_name == "浆洗街街道工会"
    sign_in(Client(), "no_such_login", WRONG)
    [unknown] = found(cast, event=SignInEvent.SIGN_IN_FAILED, username="no_such_login")
    assert unknown.unit is None


def test_a_lockout(cast):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = sign_in(client, "street_a", WRONG)
    assert response.status_code == 429
    [row] = found(cast, event=SignInEvent.LOCKED_OUT, username="street_a")
    assert not row.success
    failures = found(cast, event=SignInEvent.SIGN_IN_FAILED, username="street_a", success="no")
    assert len(failures) == settings.AXES_FAILURE_LIMIT


def test_a_full_id_number_view(cast):
    file = make_file(cast.users["street_a"])
    assert cast.client("street_a").get(reverse("files:detail", args=[file.pk])).status_code == 200
    for auditor in ("national_audit", "province_a_audit"):  # a street of province_a: both see it
        [row] = found(cast, auditor, event=FileEvent.ID_NUMBERS_VIEWED, object_type="职工档案")
        assert row.object_id == str(file.pk) and row.user == cast.users["street_a"]
        assert row.detail["page"] == "detail" and row.unit_name == "浆洗街街道工会"


def test_an_export_request_its_approval_and_the_download(cast):
    file = make_file(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
    export = exports.export_request(
        actor=cast.users["street_a_admin"], kinds=["hardship"], scope_units=[cast.units["street_a"]], conditions={}
    )
    exports.export_decide(actor=cast.users["county_a_admin"], export_id=export.pk, approve=True)
    exports.export_produce(export_id=export.pk)
    download = cast.client("street_a_admin").get(reverse("records:export_download", args=[export.pk]))
    assert download.status_code == 200

    by_event = {
        event: found(cast, event=event, object_id=str(export.pk), object_type="批量导出申请")
        for event in (FileEvent.EXPORT_REQUESTED, FileEvent.EXPORT_APPROVED, FileEvent.EXPORT_DOWNLOADED)
    }
    assert [row.username for row in by_event[FileEvent.EXPORT_REQUESTED]] == ["street_a_admin"]
    assert [row.username for row in by_event[FileEvent.EXPORT_APPROVED]] == ["county_a_admin"]
    [downloaded] = by_event[FileEvent.EXPORT_DOWNLOADED]
    assert downloaded.username == "street_a_admin" and downloaded.detail["rows"] == 1
    [full_ids] = found(cast, event=FileEvent.ID_NUMBERS_VIEWED, object_id=str(export.pk))
    assert full_ids.detail["page"] == "bulk_export_download"


def test_a_permission_change(cast):
    clerk = cast.users["street_a"]
    modules = [Module.FILES, Module.PETITIONS]
    user_update(actor=cast.users["county_a_admin"], user=clerk, data={"modules": list(reversed(modules))})
    [row] = found(cast, event=OrgEvent.PERMISSIONS_CHANGED, object_id=str(clerk.pk))
    assert row.username == "county_a_admin" and row.object_repr == str(clerk)
    assert row.detail["after"] == modules and set(row.detail["before"]) == set(clerk.modules)
    # The same modules ticked in another order change nothing.
    user_update(actor=cast.users["county_a_admin"], user=clerk, data={"modules": modules})
    assert len(found(cast, event=OrgEvent.PERMISSIONS_CHANGED)) == 1
