"""The body of a policy document, brief or notice: rich text a user pasted or typed, sanitised
by nh3 (the Ammonia sanitiser) before it is stored, so no script, event handler, style or
foreign frame ever reaches another user's page."""

import html
import re

import nh3
from django.utils.html import format_html_join

TAGS = {
    "p", "br", "div", "span", "b", "strong", "i", "em", "u", "s", "sub", "sup", "blockquote",
    "h1", "h2", "h3", "h4", "h5", "h6", "ol", "ul", "li", "table", "thead", "tbody", "tr", "th", "td",
    "caption", "hr", "a", "pre", "code",
}  # fmt: skip
TAG = re.compile(r"</?[a-zA-Z][^>]*>")
ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def sanitised(body: str) -> str:
    """Allowed markup only; a text without any tag becomes paragraphs, one per line."""
    if not TAG.search(body):  # a paragraph a line, escaped by Django's own builder
        body = format_html_join("", "<p>{}</p>", ((line.strip(),) for line in body.splitlines() if line.strip()))
    return nh3.clean(body, tags=TAGS, attributes=ATTRIBUTES, url_schemes={"http", "https", "mailto"},
                     link_rel="noopener noreferrer")  # fmt: skip


def plain_text(body: str) -> str:
    """The words of the body, for the search: nh3 keeps only text (escaped), unescaped here."""
    return html.unescape(nh3.clean(body, tags=set()))


BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|tr|blockquote|pre)>|<br\s*/?>", re.IGNORECASE)


def paragraphs(body: str) -> list[str]:
    """The body as lines of text (Word): a block's end or a line break ends a paragraph."""
    return [line.strip() for line in plain_text(BLOCK_END.sub("\n", body)).splitlines() if line.strip()]
