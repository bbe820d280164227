"""The security headers every page carries (issue 14 item 8: no Content-Security-Policy)."""

import pytest

pytestmark = pytest.mark.django_db


def test_every_page_forbids_inline_script_and_foreign_sources(cast):
    response = cast.client("street_a").get("/")
    policy = dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";") if part.strip())
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["default-src"] == "'self'" and policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in response["Content-Security-Policy"]
