"""Journeys of notices, briefs and policy documents (manual 15–17) in the browser:

the national admin publishes a notice (whose <script> is stripped) and a brief, each with an
attachment → a street clerk sees both on the home page, the notice marked 未读, and opens the
attachment; a province publishes a notice that another province's users never see; a street
clerk reads a national document but cannot edit it (403)."""

import re

import pytest

from bulletins.models import Category
from org.models import Module
from tests.bulletins.conftest import make_bulletin
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCRIPT_BODY = '<p>请各级工会做好春节送温暖工作。</p><script>document.title="被注入"</script><p onclick="x()">第二段</p>'


def publish(page, nav: str, title: str, body: str, attachment: tuple[str, bytes], **fields) -> None:
    """新增 from the module's list, then the attachment from the new row's page."""
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name=nav, exact=True).click()
    page.get_by_role("link", name=f"新增{nav}").click()
    page.get_by_label("标题").fill(title)
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_label("正文").fill(body)
    page.get_by_role("button", name="确定").click()
    page.get_by_role("heading", name=title).wait_for()
    name, content = attachment
    page.get_by_label("选择文件").set_input_files(
        files=[{"name": name, "mimeType": "application/pdf", "buffer": content}]
    )
    page.get_by_role("button", name="上传附件").click()
    page.get_by_role("link", name=name).wait_for()


def test_national_notice_and_brief_reach_a_street_clerk_with_their_attachments(cast, page, tmp_path):
    sign_in(page, "national_admin")
    publish(page, "通知", "关于春节送温暖的通知", SCRIPT_BODY, ("送温暖方案.pdf", b"%PDF-1.4 plan"))
    body = page.get_by_role("article", name="正文")
    assert body.inner_text().startswith("请各级工会做好春节送温暖工作。")
    assert body.locator("script").count() == 0 and body.locator("[onclick]").count() == 0
    assert "被注入" not in page.title()
    publish(page, "工作简报", "帮扶工作简报", "本期介绍各地帮扶工作进展。", ("简报全文.pdf", b"%PDF-1.4 brief"),
            期号="2026年第5期")  # fmt: skip

    sign_in(page, "street_a")
    notices = page.get_by_role("region", name="通知")
    assert notices.get_by_text("未读").count() == 1
    assert page.get_by_role("region", name="工作简报").get_by_role("link", name="帮扶工作简报").count() == 1
    notices.get_by_role("link", name="关于春节送温暖的通知").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="送温暖方案.pdf").click()
    saved = tmp_path / "notice.pdf"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "送温暖方案.pdf" and saved.read_bytes() == b"%PDF-1.4 plan"
    page.goto("/")
    assert page.get_by_role("region", name="通知").get_by_text("未读").count() == 0  # read now

    page.get_by_role("region", name="工作简报").get_by_role("link", name="帮扶工作简报").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="简报全文.pdf").click()
    assert download.value.suggested_filename == "简报全文.pdf"


def test_a_province_notice_stays_in_its_province(cast, page):
    admin = cast.users["province_a_admin"]
    admin.modules = [Module.UNIT_ADMIN, Module.BULLETINS]
    admin.save(update_fields=["modules"])
    sign_in(page, "province_a_admin")
    publish(page, "通知", "四川省困难职工慰问通知", "请各市按时上报慰问名单。", ("名单模板.xlsx", b"PK\x03\x04"))
    notice_url = page.url

    sign_in(page, "street_a")
    assert page.get_by_role("region", name="通知").get_by_role("link", name="四川省困难职工慰问通知").count() == 1

    sign_in(page, "province_b")
    assert page.get_by_role("region", name="通知").get_by_text("四川省困难职工慰问通知").count() == 0
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="通知", exact=True).click()
    assert page.get_by_text("四川省困难职工慰问通知").count() == 0
    response = page.goto(notice_url)
    assert response.status == 404 and page.get_by_role("heading", name="页面不存在").count() == 1


def test_a_street_clerk_reads_a_national_document_but_cannot_edit_it(cast, page):
    document = make_bulletin("document", cast.users["national_admin"], title="中华人民共和国工会法",
                             category=Category.NATIONAL_LAW, number="主席令第57号")  # fmt: skip
    sign_in(page, "street_a")
    page.get_by_role("navigation", name="功能模块").get_by_role("link", name="政策文件", exact=True).click()
    page.get_by_label("正文包含").fill("帮扶工作")
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name="中华人民共和国工会法").click()
    assert page.get_by_text("主席令第57号").count() == 1
    assert page.get_by_role("link", name="编辑").count() == 0 and page.get_by_role("button", name="删除").count() == 0
    response = page.goto(f"/documents/{document.pk}/edit/")
    assert response.status == 403 and page.get_by_role("heading", name=re.compile("没有权限")).count() == 1
