"""Defects a new user found in the administration pages (issue 17, items 3, 9, 10)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.org.test_accounts import new_user, profile_data

pytestmark = pytest.mark.django_db

ENGLISH_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "en-US,en;q=0.9"}
# Words a Chinese page may carry as they are: product and format names.
ALLOWED_WORDS = {"Excel", "Word", "CSV", "xlsx", "TOTP", "QR", "ID", "PDF", "Authenticator", "Google", "Microsoft"}


class _Text(HTMLParser):
    """The text a reader sees: no script, style or tag attributes."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style", "template")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style", "template") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def english_words(html: str, user) -> set[str]:
    """Words of three Latin letters or more, but for the allowed ones and the user's login name."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts).replace(user.username, "")
    return set(re.findall(r"[A-Za-z]{3,}", text)) - ALLOWED_WORDS


# --- item 3: Django's own messages are Chinese, whatever the browser asks for ---------------------------


def test_a_short_password_at_first_sign_in_is_refused_in_chinese_to_an_english_browser(cast):
    user = new_user(cast, unit_confirmed=True, profile_confirmed=False, must_change_password=True)
    client = Client(**ENGLISH_BROWSER)
    client.force_login(user)
    response = client.post(reverse("org:first_profile"), profile_data(new_password1="Ab1!", new_password2="Ab1!"))
    body = response.content.decode()
    assert response.status_code == 200 and "密码长度太短" in body
    assert english_words(body, user) == set()


def test_change_password_and_required_fields_speak_chinese_to_an_english_browser(cast):
    client = Client(**ENGLISH_BROWSER)
    user = cast.users["street_a"]
    client.force_login(user)
    data = {"old_password": "", "new_password1": "Ab1!", "new_password2": "Ab1!"}
    body = client.post(reverse("org:password_change"), data).content.decode()
    assert "这个字段是必填项" in body and "密码长度太短" in body
    assert english_words(body, user) == set()


def test_the_file_form_with_errors_speaks_chinese_to_an_english_browser(cast):
    from tests.records.test_files import post_data

    client = Client(**ENGLISH_BROWSER)
    user = cast.users["street_a"]
    client.force_login(user)
    data = post_data() | {"file_date": "not a date", "household_size": "x", "floor_area": "many"}
    body = client.post(reverse("files:create"), data).content.decode()
    assert "输入一个有效的日期" in body
    assert english_words(body, user) == set()


# --- item 10: binding an authenticator ---------------------------------------------------------------


def test_binding_shows_the_qr_code_beside_the_key_and_the_address_wrapped(cast, settings):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = cast.users["street_a_admin"]
    client = Client()
    client.unverified_login(user)
    body = client.get(reverse("org:second_factor")).content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    binding = re.search(r'<div class="otp-binding">(.*?)</div>\s*<p>2\.', body, re.S)
    assert binding, "the QR code and the key side by side"
    assert "<svg" in binding.group(1) and "data-otp-secret" in binding.group(1)
    assert f'<code class="otp-url">{device.config_url.replace("&", "&amp;")}</code>' in binding.group(1)


# --- item 9: unit administration ------------------------------------------------------------------------


def test_a_just_created_unit_is_edited_with_what_its_creation_asked(cast):
    from org.models import Unit

    client = cast.client("county_a_admin")
    county = cast.units["county_a"]
    client.post(reverse("org:unit_create", args=[county.pk]), {"name": "簇桥街道工会", "code": "CQ01"})
    unit = Unit.objects.get(name="簇桥街道工会")
    response = client.post(reverse("org:unit_edit", args=[unit.pk]), {"name": "簇桥街道总工会", "code": "CQ01"})
    assert response.status_code == 302, response.context["form"].errors
    assert Unit.objects.get(pk=unit.pk).name == "簇桥街道总工会"


def test_a_paste_under_the_cut_unit_itself_is_refused_clearly_before_confirming(cast):
    client = cast.client("county_a_admin")
    cut = cast.units["street_a"]
    client.post(reverse("org:unit_cut", args=[cut.pk]))
    page = client.get(reverse("org:unit_paste", args=[cut.pk])).content.decode()
    assert f"不能把“{cut.name}”粘贴到它自己" in page and "请在左侧选择另一个单位" in page
    assert "确定粘贴" not in page


def test_the_batch_transfer_page_names_no_field_it_does_not_have(cast):
    body = cast.client("county_a_admin").get(reverse("records:transfer_unit")).content.decode()
    assert "查找目的单位" not in body
    transfer = cast.client("county_a_admin").get(reverse("records:transfer_files")).content.decode()
    assert transfer.count("查找目的单位") == 2  # the field's label and the help text naming it
