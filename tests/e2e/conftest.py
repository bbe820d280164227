"""Browser journeys: Playwright drives Debian's chromium against pytest-django's live server."""

import os
import re
import shutil
import time

import pytest

CHROMIUM = os.environ.get("BANGFU_CHROMIUM", "/usr/bin/chromium")

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still
# synchronous, so Django's async-safety guard would refuse them.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )  # fmt: skip
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused = []  # what the Content-Security-Policy blocked: an inline script or style left
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    yield page
    context.close()
    assert refused == [], "the page uses inline script or style that the CSP blocks"


def totp_now(key: bytes, last_t: int) -> str:
    """A token the device accepts now: of the current 30-second step, or of the next one when
    this step's token was used already (django-otp refuses a token twice and accepts one step
    ahead); waits when even that one is used."""
    from django_otp.oath import TOTP

    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    while last_t >= totp.t() + 1:
        time.sleep(1)
        totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    if last_t >= totp.t():
        totp.time = (totp.t() + 1) * 30
    return f"{totp.token():06d}"


def pass_second_factor_step(page, username: str) -> None:
    """On the second-factor page after the password: bind with the key the page shows (and go
    past the recovery codes), or enter a token of the bound device."""
    from base64 import b32decode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    page.wait_for_url("**/account/second-factor/**")
    secret = page.locator("[data-otp-secret]")
    if secret.count():
        text = secret.inner_text().strip()
        key = b32decode(text + "=" * (-len(text) % 8))
        page.get_by_label("动态口令").fill(totp_now(key, -1))
        page.get_by_role("button", name="绑定").click()
        page.get_by_role("link", name="我已保存,继续").click()
        return
    device = TOTPDevice.objects.get(user__username=username, confirmed=True)
    page.get_by_label("动态口令或恢复码").fill(totp_now(device.bin_key, device.last_t))
    page.get_by_role("button", name="验证").click()


def sign_in(page, username: str, password: str = "Cast#2026pass", *, home: bool = True) -> None:
    """Sign in through the real pages, second factor included where the user needs one."""
    from org.models import User
    from org.services import second_factor

    page.context.clear_cookies()
    page.goto("/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    if second_factor.required_at_sign_in(User.objects.select_related("unit").get(username=username)):
        pass_second_factor_step(page, username)
    if home:
        page.get_by_role("heading", name=re.compile("欢迎")).wait_for()
