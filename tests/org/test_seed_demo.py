"""The demo data of `make run`: a five-level tree and the README's logins, loaded once."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from funds.models import FundSummaryLine, LedgerEntry
from org.management.commands.seed_demo import DEMO_PASSWORD, DUTY_LOGINS, LOGINS
from org.models import Unit, User
from records import merges
from records.kit import declaration
from records.kit.models import CaseState
from records.models import BulkExport, WorkerFile

pytestmark = pytest.mark.django_db


def test_demo_data_loads_once_and_every_login_reaches_home(capsys):
    call_command("seed_demo")
    units, users, files = Unit.objects.count(), User.objects.count(), WorkerFile.objects.count()
    assert units >= 40 and files >= 150
    assert set(Unit.objects.values_list("depth", flat=True)) == {1, 2, 3, 4, 5}
    assert Unit.objects.filter(depth=2).count() >= 3
    # Files at every stage: drafts, reported to county and city, returned, problem files.
    states = set(WorkerFile.objects.values_list("holder_depth", "report_state"))
    assert {(5, "draft"), (4, "reported"), (3, "reported"), (5, "returned"), (4, "returned")} <= states
    assert WorkerFile.objects.exclude(problems=[]).exists()
    # A likely-duplicate pair for 高级档案管理 → 合并重复档案, found by 武侯区's admin.
    number = WorkerFile.objects.filter(code__endswith="-DUP1").get().head.id_number
    assert len(merges.duplicate_candidates(actor=User.objects.get(username="wuhou"), id_number=number)) == 2
    # Bulk exports in each state: exported (with its file), waiting for approval, rejected, approved.
    exports = dict(BulkExport.objects.values_list("unit__name", "state"))
    assert exports == {"浆洗街街道工会": "exported", "武侯区总工会": "requested", "成都市总工会": "rejected",
                       "中华全国总工会": "approved"}  # fmt: skip
    assert BulkExport.objects.get(state="exported").row_count > 0
    # Every module declared on the kit has rows at every stage too; one never reported has rows.
    for module in declaration.all_modules():
        if not module.reported:  # rows never reported (trainees): where they were entered
            assert module.model.objects.values("unit").distinct().count() > 1, module.key
            continue
        stages = set(module.model.objects.values_list("holder_depth", "report_state"))
        assert {(5, "draft"), (4, "reported"), (3, "reported"), (5, "returned")} <= stages, module.key
        if module.cases is not None:  # cases at every step of their progress, the overdue reminded
            assert set(module.model.objects.values_list("case_state", flat=True)) == set(CaseState.values)
            assert module.model.objects.filter(overdue_notice__isnull=False).exists(), module.key
    # The special funds: ledgers with a reversed mistake, summary tables holding assistance lines.
    assert LedgerEntry.objects.filter(reverses__isnull=False).exists()
    assert FundSummaryLine.objects.exists()
    call_command("seed_demo")
    assert (Unit.objects.count(), User.objects.count(), WorkerFile.objects.count()) == (units, users, files)
    assert "演示数据已存在" in capsys.readouterr().out
    # The README's logins, none forced to change the password; each past the second factor
    # with the demo key's token where it needs one.
    for username in [login[0] for login in LOGINS] + [login[0] for login in DUTY_LOGINS]:
        client = Client()
        client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        home = client.get(reverse("home"))
        if home.status_code == 302:
            assert home.url.startswith(reverse("org:second_factor")), username
            out = io.StringIO()
            call_command("demo_otp_code", username, stdout=out)
            client.post(reverse("org:second_factor"), {"token": out.getvalue().strip()})
        assert client.get(reverse("home")).status_code == 200, username


def test_the_demo_otp_code_answers_only_for_the_demo_key(db):
    call_command("seed_demo")
    device = TOTPDevice.objects.get(user__username="sichuan")
    device.key = "00" * 20
    device.save()
    with pytest.raises(CommandError, match="不是绑定演示密钥的演示账户"):
        call_command("demo_otp_code", "sichuan")


def test_readme_lists_every_demo_login(settings):
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    assert DEMO_PASSWORD in readme
    for username, *_ in LOGINS:
        assert f"`{username}`" in readme
