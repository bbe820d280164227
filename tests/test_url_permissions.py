"""Every URL, visited by every cast member, answers with the status its access rule gives.

pretix's `test_permissions` pattern: a route table states each URL's access rule once; the
test expands it over the whole cast. `test_every_url_is_in_the_table` fails when a new URL
is added without a row here, so new pages are covered by construction.

Access rules:
- EVERYONE: any signed-in user (200, or a redirect for pages that lead on).
- UNIT_ADMIN: holders of the unit-admin permission whose subtree contains the target; a user
  whose subtree does not contain the target gets 404 (as if it did not exist), a user in scope
  without the permission 403.
- USER_ADMIN: 用户管理 pages: like UNIT_ADMIN, where the system administrator (三员) counts as
  a unit admin of their unit's subtree (org.permissions.is_user_admin).
- NATIONAL_ADMIN: code tables: only the national unit's admin or system administrator;
  everyone else 403.
- SECURITY_ADMIN: 安全管理: only the security administrator (三员); everyone else 403.
- OTP_RESET: resetting street_a's TOTP devices: like UNIT_ADMIN with street_a as the target,
  except that street_a's own admin is refused (403): a user's devices are reset from a unit
  above (org.services.users.may_reset_otp).
- ACTION_RECEIVER: a reminder (the "action" kwarg: street_a reported petitions to county_a)
  is handled only by users of the receiving unit holding its module; everyone else 404.
- ACTION_PARTY: the rows of that action are listed for users of the receiving or the sending
  unit holding its module; everyone else 404.
- FILES: the households' own pages without a target: holders of `files`; others 403.
- FILE: a household file of street_a reported to county_a: users of those two units see it
  (403 without the `files` module), everyone else 404. The same pages on a draft of street_a
  ("draftfile"): only street_a's users; every unit above gets 404, as for a missing file. The
  files' kit pages (files:list, files:detail…) are RECORDS / RECORD rows like every module's.
- FILE_OWNER: uploading or deleting an attachment of that reported file of street_a: only
  street_a's `files` holders; county_a's users, who see the file, 403; everyone else 404. Its
  download is FILE.
- FILE_ADMIN: a page of advanced file management on one file: like FILE, but for holders of
  the unit-admin permission.
- IMPORT_JOB: an Excel import job of street_a: its own unit's `files` holders (403 without the
  module), everyone else 404.
- TEMP_FILE_OWNER: regularizing street_a's temporary file: its own unit's `files` holders
  (403 for its other users); anyone else 404 — another unit that knows the head's ID number
  may only ask for the file (records.transfers.file_claim), never take it.
- TRANSFER_REQUEST: county_a's admin asked province_b to take a file of street_a: the unit
  admins of province_b, county_a and the units above county_a (403 for their other users),
  everyone else 404.
- TRANSFER_WITHDRAW: withdrawing that request: seen by the same users as TRANSFER_REQUEST, done
  only by the admins of county_a and the units above it; 403 for the other users who see it.
- EXPORT_REQUESTER / EXPORT_APPROVER / EXPORT_RUNNER: a bulk-export request of street_a
  (manual 2.5). Users outside the units that see it (street_a and its ancestors) get 404; in
  scope, only street_a's admin edits, deletes and downloads it, only county_a's admin (the
  parent's) approves it, and either of the two may run it now; everyone else 403.
- RECORDS / RECORD: the pages of every module declared on the kit (records.kit.pages), made
  from the registry: a module's pages without a target open for holders of its module (403
  otherwise); a record's pages act on a row of street_a reported to county_a (seen by those two
  units, 403 there without the module, 404 everywhere else) or on a draft of street_a (only
  street_a sees it). A worker's export of query results of street_a (RESULT_EXPORT): only its
  requesting user (200/302), everyone else 404. "Holders of its module" hold the module's
  permission (several modules share one: 职业介绍). A module never reported: a child locked by its
  reported parent acts as its parent (seen where the parent is: street_a and county_a once the
  parent is reported, street_a alone before); any other row of street_a is seen by street_a and
  every unit above it (UPWARD_SEEN_BY).
- BULLETINS_READ: policy documents (manual 15) are read by every holder of 政策文件; others 403.
  DOCUMENT_PUBLISH: new documents by holders who may publish in some category (bulletins.rules);
  DOCUMENT_EDIT: changing the national unit's document, only by its users who hold 政策文件
  (national_admin); 403 for everyone else (they all see it, or lack the module).
- ANNOUNCE: new briefs and notices by the unit admins of the national unit or a province who hold
  政策文件; on the national unit's brief or notice, only its own (national_admin); 403 otherwise.
  Briefs and the national unit's notices are read by EVERYONE. PROVINCE_NOTICE: a notice of
  province_a is seen in province_a's subtree only; everyone else 404.
- LEDGER_ENTRY: 冲账 of an entry of street_a's fund ledger, which is not reported: street_a and
  every unit above it see it at once (403 there without 财政专项资金), everyone else 404.
- AUDIT_ADMIN: the audit viewer: only the audit administrator (三员); everyone else 403, the
  unit admins and the other two duty accounts included.

The shared cast has no duty account (三员): this walk adds the national unit's three
(DUTY_USERS), so every URL is also tried by accounts without any module.
"""

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from approvals import services as approvals
from approvals.models import ReportAction, ReportKind
from bulletins import rules as bulletin_rules
from flows.flows import ReportUpFlow
from org.models import Code, CodeTable, Duty, Module
from org.permissions import is_user_admin, may_maintain_code_tables
from records import exports, transfers
from records.kit import declaration
from records.kit.pages import pages_of
from records.models import BulkExport, FileCategory, FileImport, WorkerFile
from tests.bulletins.conftest import make_attachment, make_bulletin
from tests.conftest import USERS, make_user
from tests.funds.conftest import enter
from tests.records.conftest import make_file, make_file_attachment
from tests.records.kit.conftest import make_record, report_with_parents

pytestmark = pytest.mark.django_db

EVERYONE, UNIT_ADMIN, NATIONAL_ADMIN = "everyone", "unit_admin", "national_admin"
OTP_RESET = "otp_reset"
ACTION_RECEIVER, ACTION_PARTY = "action_receiver", "action_party"
ACTION_MODULE, ACTION_SENDER, ACTION_RECEIVER_UNIT = Module.PETITIONS, "street_a", "county_a"
FILES, FILE, TEMP_FILE_OWNER = "files", "file", "temp_file_owner"
IMPORT_JOB = "import_job"
TRANSFER_REQUEST, TRANSFER_WITHDRAW = "transfer_request", "transfer_withdraw"
TRANSFER_FROM, TRANSFER_TO = "county_a", "province_b"
EXPORT_REQUESTER, EXPORT_APPROVER, EXPORT_RUNNER = "export_requester", "export_approver", "export_runner"
EXPORT_ALLOWED = {
    EXPORT_REQUESTER: {"street_a_admin"},
    EXPORT_APPROVER: {"county_a_admin"},
    EXPORT_RUNNER: {"street_a_admin", "county_a_admin"},
}
FILE_ADMIN = "file_admin"
FILE_OWNER = "file_owner"
AUDIT_ADMIN = "audit_admin"
RECORDS, RECORD = "records", "record"
BULLETINS_READ, DOCUMENT_PUBLISH, DOCUMENT_EDIT = "bulletins_read", "document_publish", "document_edit"
ANNOUNCE, PROVINCE_NOTICE = "announce", "province_notice"
SECURITY_ADMIN = "security_admin"
USER_ADMIN = "user_admin"
LEDGER_ENTRY = "ledger_entry"
DRAFT_SEEN_BY = ("street_a",)
UPWARD_SEEN_BY = ("street_a", "county_a", "city_a", "province_a", "national")
OK = {200, 302}


@dataclass(frozen=True)
class Route:
    name: str
    rule: str
    method: str = "get"
    target_unit: str = "national"  # the cast unit the URL acts on (scope of UNIT_ADMIN)
    kwargs: dict = field(default_factory=dict)  # "unit:<key>", "user:<name>", "codetable", "code", "action"
    seen_by: tuple = ("street_a", "county_a")  # FILE, FILE_ADMIN, RECORD: the units that see the row
    module: str = ""  # RECORDS, RECORD: the kit module's key

    @property
    def label(self) -> str:
        kinds = sorted(spec for spec in self.kwargs.values() if spec in ("draftfile", "tempfile", "draftrecord"))
        return "-".join([self.name, *kinds])


ROUTES = [
    Route("home", EVERYONE),
    Route("org:password_change", EVERYONE),
    Route("org:second_factor", EVERYONE),
    Route("org:second_factor_manage", EVERYONE),
    Route("org:recovery_codes_new", EVERYONE, "post"),
    Route("org:security", SECURITY_ADMIN),
    Route("org:account_unlock", SECURITY_ADMIN, "post"),
    Route("org:security_otp_reset", SECURITY_ADMIN, "post"),
    Route("org:security_unit_otp", SECURITY_ADMIN, "post"),
    Route("org:first_unit_confirm", EVERYONE),
    Route("org:first_profile", EVERYONE),
    Route("org:first_unit_details", EVERYONE),
    Route("org:help_centre", EVERYONE),
    Route("org:help_centre_query", EVERYONE),
    Route("forms_stats:help_centre_statistics", EVERYONE),
    Route("org:directory", EVERYONE),
    Route("org:directory_unit", EVERYONE, kwargs={"pk": "unit:street_b"}),
    # Unit management: the target is street_a's county, so admins from county_a up manage it.
    Route("org:units", USER_ADMIN, target_unit=None),
    Route("org:user_search", USER_ADMIN, target_unit=None),
    Route("org:unit_detail", USER_ADMIN, target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:unit_create", USER_ADMIN, target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:unit_edit", USER_ADMIN, target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:unit_delete", USER_ADMIN, target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:unit_cut", USER_ADMIN, "post", target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:unit_paste", USER_ADMIN, target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:unit_order", USER_ADMIN, target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:unit_order_reset", USER_ADMIN, "post", target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:user_create", USER_ADMIN, target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:user_order", USER_ADMIN, target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:user_order_reset", USER_ADMIN, "post", target_unit="county_a", kwargs={"pk": "unit:county_a"}),
    Route("org:user_edit", USER_ADMIN, target_unit="street_a", kwargs={"pk": "user:street_a"}),
    Route("org:user_delete", USER_ADMIN, target_unit="street_a", kwargs={"pk": "user:street_a"}),
    Route("org:user_password_reset", USER_ADMIN, "post", target_unit="street_a", kwargs={"pk": "user:street_a"}),
    Route("org:user_otp_reset", OTP_RESET, "post", target_unit="street_a", kwargs={"pk": "user:street_a"}),
    # Code tables: the national unit admin only.
    Route("org:code_tables", NATIONAL_ADMIN),
    Route("org:code_add", NATIONAL_ADMIN, "post", kwargs={"table_pk": "codetable"}),
    Route("org:code_order", NATIONAL_ADMIN, "post", kwargs={"table_pk": "codetable"}),
    Route("org:code_rename", NATIONAL_ADMIN, "post", kwargs={"pk": "code"}),
    Route("org:code_delete", NATIONAL_ADMIN, "post", kwargs={"pk": "code"}),
    # Reminders (manual 19): lists of the own unit for everyone; one reminder only for its unit.
    Route("approvals:reminders_pending", EVERYONE),
    Route("approvals:reminders_all", EVERYONE),
    Route("approvals:decisions_pending", EVERYONE),
    Route("approvals:reminders_handle", EVERYONE, "post"),
    Route("approvals:reminder_handle", ACTION_RECEIVER, "post", kwargs={"pk": "action"}),
    Route("approvals:action_rows", ACTION_PARTY, kwargs={"pk": "action"}),
    Route("approvals:preferences", EVERYONE),
    # Household files (manual 2): their own pages; their lists, entry form, file page and
    # documents are kit pages (files:…, walked by kit_routes)
    Route("records:file_restore", FILES),
    Route("records:file_modify", FILES),
    Route("records:file_blank_form", FILES),
    Route("records:file_import", FILES),
    Route("records:file_import_template", FILES),
    Route("records:file_import_detail", IMPORT_JOB, kwargs={"pk": "import"}),
    Route("records:file_cancel", FILE, "post", kwargs={"pk": "file"}),
    Route("records:file_cancel", FILE, "post", kwargs={"pk": "draftfile"}, seen_by=DRAFT_SEEN_BY),
    Route("records:file_convert", FILE, "post", kwargs={"pk": "file"}),
    Route("records:file_convert", FILE, "post", kwargs={"pk": "draftfile"}, seen_by=DRAFT_SEEN_BY),
    Route("records:file_regularize", TEMP_FILE_OWNER, "post", kwargs={"pk": "tempfile"}),
    Route("records:file_attachment_add", FILE_OWNER, "post", kwargs={"pk": "file"}),
    Route("records:file_attachment", FILE, kwargs={"pk": "fileattachment"}),
    Route("records:file_attachment_delete", FILE_OWNER, "post", kwargs={"pk": "fileattachment"}),
    # Advanced file management (manual 2.9): unit admins over their subtree
    Route("records:manage", UNIT_ADMIN, target_unit=None),
    Route("records:merge_duplicates", UNIT_ADMIN, target_unit=None),
    Route("records:merge_two", UNIT_ADMIN, target_unit=None),
    Route("records:merge_edit", UNIT_ADMIN, target_unit=None),
    Route("records:merge_result", FILE_ADMIN, kwargs={"pk": "file"}),
    Route("records:merge_result", FILE_ADMIN, kwargs={"pk": "draftfile"}, seen_by=DRAFT_SEEN_BY),
    Route("records:transfer_files", UNIT_ADMIN, target_unit=None),
    Route("records:transfer_unit", UNIT_ADMIN, target_unit=None),
    Route("records:transfer_request", TRANSFER_REQUEST, kwargs={"pk": "transferrequest"}),
    Route("records:transfer_request_withdraw", TRANSFER_WITHDRAW, "post", kwargs={"pk": "transferrequest"}),
    # Bulk export (manual 2.5): pages of the own unit for unit admins; one request by its rule.
    Route("records:exports", UNIT_ADMIN, target_unit=None),
    Route("records:export_create", UNIT_ADMIN, target_unit=None),
    Route("records:export_otp_setting", UNIT_ADMIN, "post", target_unit=None),
    Route("records:export_edit", EXPORT_REQUESTER, kwargs={"pk": "export:requested"}),
    Route("records:export_delete", EXPORT_REQUESTER, "post", kwargs={"pk": "export:requested"}),
    Route("records:export_download", EXPORT_REQUESTER, kwargs={"pk": "export:exported"}),
    Route("records:export_decide", EXPORT_APPROVER, kwargs={"pk": "export:requested"}),
    Route("records:export_run_now", EXPORT_RUNNER, "post", kwargs={"pk": "export:approved"}),
    # Policy documents, briefs and notices (manual 15–17); the row is the national unit's
    # unless named otherwise.
    Route("bulletins:document_list", BULLETINS_READ),
    Route("bulletins:document_create", DOCUMENT_PUBLISH),
    Route("bulletins:document_detail", BULLETINS_READ, kwargs={"pk": "bulletin:document"}),
    Route("bulletins:document_print", BULLETINS_READ, kwargs={"pk": "bulletin:document"}),
    Route("bulletins:document_word", BULLETINS_READ, kwargs={"pk": "bulletin:document"}),
    Route("bulletins:document_attachment", BULLETINS_READ, kwargs={"pk": "attachment:document"}),
    Route("bulletins:document_edit", DOCUMENT_EDIT, kwargs={"pk": "bulletin:document"}),
    Route("bulletins:document_delete", DOCUMENT_EDIT, "post", kwargs={"pk": "bulletin:document"}),
    Route("bulletins:document_attachment_add", DOCUMENT_EDIT, "post", kwargs={"pk": "bulletin:document"}),
    Route("bulletins:document_attachment_delete", DOCUMENT_EDIT, "post", kwargs={"pk": "attachment:document"}),
    *(
        route
        for kind in ("brief", "notice")
        for route in (
            Route(f"bulletins:{kind}_list", EVERYONE),
            Route(f"bulletins:{kind}_create", ANNOUNCE),
            Route(f"bulletins:{kind}_detail", EVERYONE, kwargs={"pk": f"bulletin:{kind}"}),
            Route(f"bulletins:{kind}_print", EVERYONE, kwargs={"pk": f"bulletin:{kind}"}),
            Route(f"bulletins:{kind}_word", EVERYONE, kwargs={"pk": f"bulletin:{kind}"}),
            Route(f"bulletins:{kind}_attachment", EVERYONE, kwargs={"pk": f"attachment:{kind}"}),
            Route(f"bulletins:{kind}_edit", ANNOUNCE, kwargs={"pk": f"bulletin:{kind}"}),
            Route(f"bulletins:{kind}_delete", ANNOUNCE, "post", kwargs={"pk": f"bulletin:{kind}"}),
            Route(f"bulletins:{kind}_attachment_add", ANNOUNCE, "post", kwargs={"pk": f"bulletin:{kind}"}),
            Route(f"bulletins:{kind}_attachment_delete", ANNOUNCE, "post", kwargs={"pk": f"attachment:{kind}"}),
        )
    ),
    Route("bulletins:notice_detail", PROVINCE_NOTICE, kwargs={"pk": "provincenotice"}),
    Route("bulletins:notice_attachment", PROVINCE_NOTICE, kwargs={"pk": "provincenoticeattachment"}),
    # The special funds' ledger (manual 14.1): holders of 财政专项资金; 冲账 of street_a's entry by
    # the units that see it (LEDGER_ENTRY: 403 there without the module, 404 everywhere else).
    Route("ledger:entries", RECORDS, module=Module.FUNDS),
    Route("ledger:print", RECORDS, module=Module.FUNDS),
    Route("ledger:excel", RECORDS, module=Module.FUNDS),
    Route("ledger:new", RECORDS, module=Module.FUNDS, kwargs={"direction": "text:income"}),
    Route("ledger:reverse", LEDGER_ENTRY, "post", kwargs={"pk": "ledgerentry"}),
    Route("ledger:statistics", RECORDS, module=Module.FUNDS),
    # The audit viewer (三员)
    Route("org:audit_log", AUDIT_ADMIN),
    Route("org:audit_export", AUDIT_ADMIN),
]


def kit_routes() -> list[Route]:
    """Every page of every declared module: a record's page on a reported and on a draft row."""
    routes = []
    for module in declaration.all_modules():
        for page in pages_of(module):
            name = f"{module.key}:{page.name}"
            if not page.target:
                routes.append(Route(name, RECORDS, page.method, module=module.key))
                continue
            if page.target == "result_export":  # a worker's export of street_a's query results
                routes.append(
                    Route(name, "result_export", page.method, kwargs={"pk": "resultexport"}, module=module.key)
                )
                continue
            if not module.reported and not (module.parent and module.parent.locked_when_reported):
                routes.append(Route(name, RECORD, page.method, kwargs={"pk": "draftrecord"}, module=module.key,
                                    seen_by=UPWARD_SEEN_BY))  # fmt: skip
                continue
            routes.append(Route(name, RECORD, page.method, kwargs={"pk": "record"}, module=module.key))
            routes.append(
                Route(name, RECORD, page.method, kwargs={"pk": "draftrecord"}, module=module.key, seen_by=DRAFT_SEEN_BY)
            )
    return routes


ROUTES += kit_routes()

# username, unit key, duty: walked next to the shared cast's USERS.
DUTY_USERS = [
    ("national_system", "national", Duty.SYSTEM),
    ("national_security", "national", Duty.SECURITY),
    ("national_audit", "national", Duty.AUDIT),
]

# Served by Django itself or by the sign-in machinery, tested in tests/org/test_accounts.py.
NOT_IN_TABLE = {"login", "logout"}


def expected_status(route: Route, cast, username: str) -> set[int]:
    user = cast.users[username]
    if route.rule == EVERYONE:
        return OK
    if route.rule == AUDIT_ADMIN:
        return OK if user.duty == Duty.AUDIT else {403}
    if route.rule == SECURITY_ADMIN:
        return OK if user.duty == Duty.SECURITY else {403}
    if route.rule == NATIONAL_ADMIN:
        return OK if may_maintain_code_tables(user) else {403}
    if route.rule in (ACTION_RECEIVER, ACTION_PARTY):
        parties = [ACTION_RECEIVER_UNIT] if route.rule == ACTION_RECEIVER else [ACTION_RECEIVER_UNIT, ACTION_SENDER]
        in_party = any(user.unit == cast.units[key] for key in parties)
        return OK if in_party and user.has_module(ACTION_MODULE) else {404}
    if route.rule == FILES:
        return OK if user.has_module(Module.FILES) else {403}
    if route.rule == BULLETINS_READ:
        return OK if user.has_module(Module.BULLETINS) else {403}
    if route.rule == DOCUMENT_PUBLISH:
        return OK if bulletin_rules.may_publish_document(user) else {403}
    if route.rule == DOCUMENT_EDIT:
        return OK if user.has_module(Module.BULLETINS) and user.unit.depth == 1 else {403}
    if route.rule == ANNOUNCE:
        national_row = "pk" in route.kwargs
        allowed = bulletin_rules.may_publish_announcement(user) and (user.unit.depth == 1 or not national_row)
        return OK if allowed else {403}
    if route.rule == PROVINCE_NOTICE:
        return OK if user.unit.is_within(cast.units["province_a"]) else {404}
    if route.rule == RECORDS:
        return OK if user.has_module(declaration.get(route.module).permission) else {403}
    if route.rule == LEDGER_ENTRY:  # seen upward at once: street_a and every unit above it
        if not cast.units["street_a"].is_within(user.unit):
            return {404}
        return OK if user.has_module(Module.FUNDS) else {403}
    if route.rule == "result_export":  # only the requesting user's
        return OK if username == "street_a" else {404}
    if route.rule == RECORD:
        if not any(user.unit == cast.units[key] for key in route.seen_by):
            return {404}
        return OK if user.has_module(declaration.get(route.module).permission) else {403}
    if route.rule == FILE_OWNER:
        if not any(user.unit == cast.units[key] for key in route.seen_by):
            return {404}
        return OK if user.unit == cast.units["street_a"] and user.has_module(Module.FILES) else {403}
    if route.rule in (FILE, FILE_ADMIN):
        if not any(user.unit == cast.units[key] for key in route.seen_by):
            return {404}
        return OK if user.has_module(Module.FILES if route.rule == FILE else Module.UNIT_ADMIN) else {403}
    if route.rule == IMPORT_JOB:
        if user.unit != cast.units["street_a"]:
            return {404}
        return OK if user.has_module(Module.FILES) else {403}
    if route.rule in (TRANSFER_REQUEST, TRANSFER_WITHDRAW):
        requesting_side = cast.units[TRANSFER_FROM].is_within(user.unit)
        if not (requesting_side or user.unit == cast.units[TRANSFER_TO]):
            return {404}
        allowed = user.has_module(Module.UNIT_ADMIN) and (requesting_side or route.rule == TRANSFER_REQUEST)
        return OK if allowed else {403}
    if route.rule in EXPORT_ALLOWED:
        if not cast.units["street_a"].is_within(user.unit):
            return {404}
        return OK if username in EXPORT_ALLOWED[route.rule] else {403}
    if route.rule == TEMP_FILE_OWNER:
        if user.unit != cast.units["street_a"]:
            return {404}
        return OK if user.has_module(Module.FILES) else {403}
    target = cast.units[route.target_unit] if route.target_unit else user.unit
    if not target.is_within(user.unit):
        return {404}
    if route.rule == OTP_RESET and user.unit == target:
        return {403}
    if route.rule == USER_ADMIN:
        return OK if is_user_admin(user) else {403}
    return OK if user.has_module(Module.UNIT_ADMIN) else {403}


def resolve_kwargs(route: Route, cast) -> dict:
    def value(spec: str):
        kind, _, key = spec.partition(":")
        if kind == "unit":
            return cast.units[key].pk
        if kind == "user":
            return cast.users[key].pk
        if kind == "codetable":
            return CodeTable.objects.get(key="ethnicity").pk
        if kind == "code":
            return Code.objects.filter(table__key="ethnicity").order_by("-display_order").first().pk
        if kind == "action":
            return report_action(cast).pk
        if kind == "file":
            file = make_file(cast.users["street_a"])
            approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
            return file.pk
        if kind == "fileattachment":
            file = make_file(cast.users["street_a"])
            approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
            return make_file_attachment(file, cast.users["street_a"]).pk
        if kind == "draftfile":
            return make_file(cast.users["street_a"]).pk
        if kind in ("record", "draftrecord"):
            module = declaration.get(route.module)
            row = make_record(module, cast.users["street_a"])
            if kind == "record":
                report_with_parents(module, row, cast.users["street_a"])
            return row.pk
        if kind == "text":
            return key
        if kind == "ledgerentry":
            return enter(cast.users["street_a"], "100").pk
        if kind == "resultexport":
            from tests.records.kit.query_fixtures import make_result_export

            return make_result_export(cast.users["street_a"], declaration.get(route.module)).pk
        if kind == "bulletin":
            return make_bulletin(key, cast.users["national_admin"]).pk
        if kind == "attachment":
            author = cast.users["national_admin"]
            return make_attachment(key, make_bulletin(key, author), author).pk
        if kind in ("provincenotice", "provincenoticeattachment"):
            author = cast.users["province_a_admin"]
            notice = make_bulletin("notice", author)
            return notice.pk if kind == "provincenotice" else make_attachment("notice", notice, author).pk
        if kind == "import":
            return FileImport.objects.create(unit=cast.units["street_a"], created_by=cast.users["street_a"]).pk
        if kind == "transferrequest":
            file = make_file(cast.users["street_a"])
            approvals.report_rows(actor=cast.users["street_a"], model=WorkerFile, pks=[file.pk])
            result = transfers.files_transfer(
                actor=cast.users["county_a_admin"], file_ids=[file.pk], to_unit=cast.units["province_b"], message="调动"
            )
            return result.request.pk
        if kind == "export":
            return street_export(cast, key).pk
        if kind == "tempfile":
            return make_file(cast.users["street_a"], category=FileCategory.TEMPORARY).pk
        raise ValueError(spec)

    return {name: value(spec) for name, spec in route.kwargs.items()}


def report_action(cast) -> ReportAction:
    """A reminder: street_a reported petitions to county_a (no rows needed for the walk)."""
    action = ReportAction.objects.create(
        kind=ReportKind.REPORT,
        module=ACTION_MODULE,
        sender=cast.units[ACTION_SENDER],
        receiver=cast.units[ACTION_RECEIVER_UNIT],
        actor=cast.users[ACTION_SENDER],
        message="请审核",
    )
    action.process = ReportUpFlow.start.run(action=action)
    action.save(update_fields=["process"])
    return action


def street_export(cast, state: str) -> BulkExport:
    """A bulk-export request of street_a: requested, approved by county_a, or exported."""
    export = exports.export_request(
        actor=cast.users["street_a_admin"], kinds=["hardship"], scope_units=[cast.units["street_a"]], conditions={}
    )
    if state in ("approved", "exported"):
        exports.export_decide(actor=cast.users["county_a_admin"], export_id=export.pk, approve=True)
    if state == "exported":
        exports.export_produce(export_id=export.pk)
    return export


def url_names(resolver=None, namespace="") -> set[str]:
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(namespace + pattern.name)
    return names


def test_every_url_is_in_the_table():
    covered = {route.name for route in ROUTES} | NOT_IN_TABLE
    assert url_names() - covered == set(), "add the new URL to ROUTES with its access rule"


def with_duty_users(cast):
    """The shared cast with the duty accounts of DUTY_USERS."""
    for name, unit_key, duty in DUTY_USERS:
        cast.users[name] = make_user(name, cast.units[unit_key], [], duty=duty)
    return cast


@pytest.fixture
def cast(cast):
    return with_duty_users(cast)


@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.label)
@pytest.mark.parametrize("username", [name for name, *_ in USERS + DUTY_USERS])
def test_status_for_every_cast_member(cast, route, username):
    url = reverse(route.name, kwargs=resolve_kwargs(route, cast))
    client = cast.client(username)
    response = client.post(url, {}) if route.method == "post" else client.get(url)
    assert response.status_code in expected_status(route, cast, username), f"{username} {route.method.upper()} {url}"
