"""Policy documents, briefs and notices (manual 15–17): who publishes and edits which, who sees
which, the sanitised body, the search, attachments, print and Word, and the home page."""

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from docx import Document

from audit.models import AuditLog
from bulletins import rules
from bulletins.models import Category, DocumentAttachment, Notice, NoticeAttachment, PolicyDocument
from bulletins.richtext import paragraphs, sanitised
from org.events import OrgEvent
from org.models import Module
from tests.bulletins.conftest import make_attachment, make_bulletin, upload

pytestmark = pytest.mark.django_db

TODAY = date.today()


def document_data(**overrides) -> dict:
    data = {"category": Category.LOCAL_LAW, "title": "成都市困难职工帮扶办法", "number": "成工发〔2026〕5号",
            "issuer": "成都市总工会", "published_on": TODAY.isoformat(), "keywords": "帮扶 办法",
            "is_valid": "on", "body": "第一条 为做好困难职工帮扶工作。\n第二条 本办法自发布之日起施行。"}  # fmt: skip
    return {**data, **overrides}


def province_a_manager(cast):
    """province_a's unit admin, given 政策文件: a manager of briefs and notices (16, 17)."""
    admin = cast.users["province_a_admin"]
    admin.modules = [Module.UNIT_ADMIN, Module.BULLETINS]
    admin.save(update_fields=["modules"])
    return admin


# --- the body -----------------------------------------------------------------------------------


def test_the_body_keeps_markup_and_loses_script_handlers_and_styles():
    body = sanitised('<p onclick="x()" style="color:red">通知<script>alert(1)</script><b>正文</b></p>'
                     '<a href="javascript:alert(1)">链接</a><iframe src="http://x"></iframe>')  # fmt: skip
    assert body == '<p>通知<b>正文</b></p><a rel="noopener noreferrer">链接</a>'


def test_plain_text_becomes_paragraphs_and_word_reads_them_back():
    body = sanitised("第一条 总则\n\n第二条 <附则> & 说明")
    assert body == "<p>第一条 总则</p><p>第二条 &lt;附则&gt; &amp; 说明</p>"
    assert paragraphs(body) == ["第一条 总则", "第二条 <附则> & 说明"]


# --- who publishes which category (15.1–15.5) ---------------------------------------------------


@pytest.mark.parametrize(
    "username, categories",
    [
        ("national_admin", set(Category) - {Category.PROVINCE}),  # 15.4: province level only
        ("province_b", {Category.LOCAL_LAW, Category.PROVINCE, Category.OTHER_LOCAL}),
        ("county_a", {Category.LOCAL_LAW, Category.OTHER_LOCAL}),
        ("street_a", {Category.LOCAL_LAW, Category.OTHER_LOCAL}),
        ("county_a_admin", set()),  # no 政策文件
    ],
)
def test_categories_a_user_may_publish_in(cast, username, categories):
    assert set(rules.document_categories_for(cast.users[username])) == categories


def test_a_street_clerk_publishes_a_local_document_with_its_unit_and_name(cast):
    client = cast.client("street_a")
    response = client.post(reverse("bulletins:document_create"), document_data())
    document = PolicyDocument.objects.get()
    assert response.url == reverse("bulletins:document_detail", args=[document.pk])
    assert (document.unit, document.author) == (cast.units["street_a"], cast.users["street_a"])
    assert document.body == "<p>第一条 为做好困难职工帮扶工作。</p><p>第二条 本办法自发布之日起施行。</p>"
    assert "本办法自发布之日起施行" in document.body_text


def test_a_street_clerk_cannot_choose_a_national_category(cast):
    response = cast.client("street_a").post(reverse("bulletins:document_create"),
                                            document_data(category=Category.NATIONAL_LAW))  # fmt: skip
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not PolicyDocument.objects.exists()


def test_bad_input_is_told_next_to_each_field_and_nothing_is_saved(cast):
    response = cast.client("street_a").post(reverse("bulletins:document_create"),
                                            document_data(title="", published_on="2026-13-40", body=""))  # fmt: skip
    page = response.content.decode()
    assert page.count('class="field-error"') == 3 and "这个字段是必填项" in page and "输入一个有效的日期" in page
    assert not PolicyDocument.objects.exists()


def test_only_users_of_the_publishing_unit_edit_or_delete(cast):
    document = make_bulletin("document", cast.users["street_a"])
    edit = reverse("bulletins:document_edit", args=[document.pk])
    assert cast.client("street_a2").get(edit).status_code == 403  # same permission, another unit
    assert (
        cast.client("national_admin").post(reverse("bulletins:document_delete", args=[document.pk])).status_code == 403
    )
    response = cast.client("street_a").post(edit, document_data(title="已修改的办法"))
    assert response.status_code == 302 and PolicyDocument.objects.get().title == "已修改的办法"


def test_a_street_user_cannot_edit_a_national_document_but_reads_it(cast):
    national = make_bulletin("document", cast.users["national_admin"], category=Category.ACFTU)
    client = cast.client("street_a")
    assert client.get(reverse("bulletins:document_detail", args=[national.pk])).status_code == 200
    page = client.get(reverse("bulletins:document_detail", args=[national.pk])).content.decode()
    assert reverse("bulletins:document_edit", args=[national.pk]) not in page
    assert client.get(reverse("bulletins:document_edit", args=[national.pk])).status_code == 403
    assert client.post(reverse("bulletins:document_delete", args=[national.pk])).status_code == 403
    assert PolicyDocument.objects.filter(pk=national.pk).exists()


def test_documents_need_the_permission(cast):
    make_bulletin("document", cast.users["national_admin"])
    assert cast.client("county_a_admin").get(reverse("bulletins:document_list")).status_code == 403


# --- the search (15.6) ----------------------------------------------------------------------------


@pytest.fixture
def documents(cast):
    author = cast.users["national_admin"]
    return [
        make_bulletin("document", author, title="中华人民共和国劳动合同法", number="主席令第65号",
                      body="<p>为了完善劳动合同制度,明确劳动合同双方当事人的权利和义务。</p>",
                      published_on=date(2008, 1, 1)),
        make_bulletin("document", author, title="关于做好困难职工帮扶工作的意见", category=Category.ACFTU,
                      number="总工发〔2026〕3号", keywords="帮扶 送温暖", body="<p>各级工会要开展送温暖活动。</p>",
                      published_on=date(2026, 3, 1)),
        make_bulletin("document", author, title="已废止的旧办法", is_valid=False, body="<p>旧的劳动保护规定。</p>",
                      published_on=date(2001, 5, 1)),
    ]  # fmt: skip


def search(client, **conditions) -> list[str]:
    response = client.get(reverse("bulletins:document_list"), conditions)
    assert response.status_code == 200
    return [row.title for row, _cells in response.context["rows"]]


@pytest.mark.parametrize(
    "conditions, found",
    [
        ({}, ["关于做好困难职工帮扶工作的意见", "中华人民共和国劳动合同法", "已废止的旧办法"]),
        ({"words": "劳动合同"}, ["中华人民共和国劳动合同法"]),  # a two-character word of the body
        ({"words": "送温暖活动"}, ["关于做好困难职工帮扶工作的意见"]),
        ({"words": "劳动"}, ["中华人民共和国劳动合同法", "已废止的旧办法"]),
        ({"title": "帮扶"}, ["关于做好困难职工帮扶工作的意见"]),
        ({"number": "65号"}, ["中华人民共和国劳动合同法"]),
        ({"keywords": "送温暖"}, ["关于做好困难职工帮扶工作的意见"]),
        ({"category": Category.ACFTU}, ["关于做好困难职工帮扶工作的意见"]),
        ({"date_from": "2000-01-01", "date_to": "2010-12-31"}, ["中华人民共和国劳动合同法", "已废止的旧办法"]),
        ({"is_valid": "0"}, ["已废止的旧办法"]),
        ({"publisher": "全国总工会", "words": "100%"}, []),
    ],
)
def test_search_conditions(cast, documents, conditions, found):
    assert search(cast.client("street_a"), **conditions) == found


def test_a_reversed_date_range_is_told_and_the_list_unfiltered(cast, documents):
    response = cast.client("street_a").get(reverse("bulletins:document_list"), {"date_from": "2026-01-01",
                                                                               "date_to": "2025-01-01"})  # fmt: skip
    assert "结束日期不能早于开始日期" in response.content.decode()


def test_the_list_pages_by_keyset(cast, monkeypatch):
    from bulletins import views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    author = cast.users["national_admin"]
    for day in range(1, 6):
        make_bulletin("document", author, title=f"文件{day}", published_on=date(2026, 1, day))
    client = cast.client("street_a")
    first = client.get(reverse("bulletins:document_list"))
    assert [row.title for row, _ in first.context["rows"]] == ["文件5", "文件4"]
    second = client.get(reverse("bulletins:document_list") + "?" + first.context["next_query"])
    assert [row.title for row, _ in second.context["rows"]] == ["文件3", "文件2"]


# --- briefs and notices (16, 17) -------------------------------------------------------------


def test_briefs_and_notices_are_managed_by_national_and_province_admins_with_the_permission(cast):
    assert rules.may_publish_announcement(cast.users["national_admin"])
    assert not rules.may_publish_announcement(cast.users["province_a_admin"])  # without 政策文件
    assert not rules.may_publish_announcement(cast.users["province_b"])  # not the unit admin
    assert rules.may_publish_announcement(province_a_manager(cast))
    assert cast.client("province_b").get(reverse("bulletins:notice_create")).status_code == 403


def test_a_province_notice_is_seen_in_its_province_only(cast):
    notice = make_bulletin("notice", province_a_manager(cast), title="四川省的通知")
    detail = reverse("bulletins:notice_detail", args=[notice.pk])
    for username in ("street_a", "county_a", "province_a_admin"):
        assert cast.client(username).get(detail).status_code == 200, username
    for username in ("province_b", "national_admin"):
        assert cast.client(username).get(detail).status_code == 404, username
        assert "四川省的通知" not in cast.client(username).get(reverse("home")).content.decode()
    assert "四川省的通知" in cast.client("street_a").get(reverse("home")).content.decode()


def test_every_user_sees_the_briefs_of_the_national_unit_and_every_province(cast):
    make_bulletin("brief", cast.users["national_admin"], title="全总简报", issue="2026年第5期")
    make_bulletin("brief", province_a_manager(cast), title="四川简报")
    page = cast.client("province_b").get(reverse("home")).content.decode()
    assert "全总简报" in page and "2026年第5期" in page and "四川简报" in page


def test_the_home_page_shows_visible_notices_newest_first_unread_marked(cast):
    author = cast.users["national_admin"]
    older = make_bulletin("notice", author, title="较早的通知", published_on=TODAY - timedelta(days=3))
    make_bulletin("notice", author, title="最新的通知", published_on=TODAY)
    make_bulletin("notice", author, title="不显示的通知", shown=False)
    make_bulletin("notice", author, title="过期的通知", valid_until=TODAY - timedelta(days=1))
    client = cast.client("street_a")
    client.get(reverse("bulletins:notice_detail", args=[older.pk]))  # read
    response = client.get(reverse("home"))
    assert [(n.title, n.read) for n in response.context["notices"]] == [("最新的通知", False), ("较早的通知", True)]
    assert response.content.decode().count("未读") == 1
    listed = [row.title for row, _ in client.get(reverse("bulletins:notice_list")).context["rows"]]
    assert "不显示的通知" in listed and "过期的通知" in listed  # still in the list, only not on the home page


def test_the_home_page_lists_pending_reminders(cast):
    from tests.test_url_permissions import report_action

    report_action(cast)  # street_a reported petitions to county_a
    page = cast.client("county_a").get(reverse("home")).content.decode()
    assert "待处理提醒" in page and "浆洗街街道工会" in page
    assert "待处理提醒" not in cast.client("street_a").get(reverse("home")).content.decode()


def test_a_notice_end_date_before_its_publishing_date_is_refused(cast):
    response = cast.client("national_admin").post(reverse("bulletins:notice_create"), {
        "title": "通知", "published_on": "2026-05-01", "valid_until": "2026-04-01", "shown": "on", "body": "内容"})  # fmt: skip
    assert "有效期至不能早于发布日期" in response.content.decode() and not Notice.objects.exists()


# --- attachments ----------------------------------------------------------------------------------


def test_the_publisher_attaches_a_file_that_a_reader_downloads_with_an_audit_row(cast):
    notice = make_bulletin("notice", cast.users["national_admin"])
    admin = cast.client("national_admin")
    response = admin.post(reverse("bulletins:notice_attachment_add", args=[notice.pk]),
                          {"content": upload("会议通知.pdf", b"%PDF-1.4 hello")})  # fmt: skip
    assert response.status_code == 302
    attachment = NoticeAttachment.objects.get()
    stored = Path(attachment.content.path)
    assert stored.is_relative_to(settings.ATTACHMENT_DIR) and stored.read_bytes() == b"%PDF-1.4 hello"
    assert "会议通知" not in stored.name  # a random name on disk

    download = cast.client("province_b").get(reverse("bulletins:notice_attachment", args=[attachment.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4 hello"
    assert "attachment;" in download["Content-Disposition"]
    audit = AuditLog.objects.get(event=OrgEvent.ATTACHMENT_DOWNLOADED)
    assert audit.username == "province_b" and audit.object_id == str(attachment.pk)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("病毒.exe", b"MZ", "不支持“.exe”类型的文件"),
        ("空.pdf", b"", "所提交的是空文件"),
        ("大.pdf", b"x" * (1024 * 1024 + 1), "文件超过 1 MB"),
    ],
)
def test_an_attachment_outside_the_limits_is_refused_in_chinese(cast, settings, name, content, message):
    settings.ATTACHMENT_MAX_MB = 1
    document = make_bulletin("document", cast.users["national_admin"])
    response = cast.client("national_admin").post(reverse("bulletins:document_attachment_add", args=[document.pk]),
                                                  {"content": upload(name, content)})  # fmt: skip
    assert message in response.content.decode() and not DocumentAttachment.objects.exists()


def test_attachments_of_a_province_notice_are_not_served_outside_it(cast):
    author = province_a_manager(cast)
    attachment = make_attachment("notice", make_bulletin("notice", author), author)
    url = reverse("bulletins:notice_attachment", args=[attachment.pk])
    assert cast.client("province_b").get(url).status_code == 404
    assert not AuditLog.objects.filter(event=OrgEvent.ATTACHMENT_DOWNLOADED).exists()
    assert cast.client("street_a").get(url).status_code == 200


def test_deleting_a_bulletin_deletes_its_attachment_files(cast, django_capture_on_commit_callbacks):
    author = cast.users["national_admin"]
    brief = make_bulletin("brief", author)
    stored = Path(make_attachment("brief", brief, author).content.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = cast.client("national_admin").post(reverse("bulletins:brief_delete", args=[brief.pk]))
    assert response.status_code == 302 and not stored.exists()


# --- print and Word -----------------------------------------------------------------------------


def test_print_and_word_carry_the_fields_the_body_and_the_attachments(cast):
    author = cast.users["national_admin"]
    document = make_bulletin("document", author, title="劳动法", number="主席令第28号",
                             body="<p>第一条 为了保护劳动者的合法权益。</p><p>第二条 适用范围。</p>")  # fmt: skip
    make_attachment("document", document, author)
    client = cast.client("street_a")
    printed = client.get(reverse("bulletins:document_print", args=[document.pk])).content.decode()
    assert "主席令第28号" in printed and "第二条 适用范围。" in printed and "通知原文.pdf" in printed
    response = client.get(reverse("bulletins:document_word", args=[document.pk]))
    text = [p.text for p in Document(io.BytesIO(response.content)).paragraphs]
    assert text[0] == "劳动法" and "第一条 为了保护劳动者的合法权益。" in text and "附件:通知原文.pdf" in text
    cells = {cell.text for table in Document(io.BytesIO(response.content)).tables for cell in table._cells}
    assert {"文号", "主席令第28号", "是否有效", "有效"} <= cells


def test_a_body_word_is_found_among_the_newest_rows_first_and_else_through_the_index(cast, monkeypatch):
    from bulletins import views

    monkeypatch.setattr(views, "PAGE_SIZE", 1)
    monkeypatch.setattr(views, "SUBSTRING_WINDOW", 2)
    author = cast.users["national_admin"]
    for day, body in enumerate(["<p>旧的帮扶</p>", "<p>中间的帮扶</p>", "<p>新的帮扶</p>", "<p>新的慰问</p>"], start=1):
        make_bulletin("document", author, title=f"文件{day}", body=body, published_on=date(2026, 1, day))
    client = cast.client("street_a")
    assert search(client, words="帮扶") == ["文件3"]  # in the window of the two newest
    following = client.get(reverse("bulletins:document_list"), {"words": "帮扶"}).context["next_query"]
    assert [
        row.title for row, _ in client.get(reverse("bulletins:document_list") + "?" + following).context["rows"]
    ] == ["文件2"]
    assert search(client, words="旧的") == ["文件1"]  # outside the window: through the index
