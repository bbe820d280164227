"""The form renderer: Django's widget templates for inputs, selects, radios, checkboxes and
text areas written out in Python.

Django renders every widget, and each option of a select or a radio list, through its template
engine (an include per option and per attribute list): the statistics and query pages spent most
of their time there (~0.03 ms per option, hundreds of options a page). `FastWidgetRenderer`
produces the same HTML, character for character, as Django's own templates of those widgets
(django/forms/templates/django/forms/widgets/*.html, tests/test_renderers.py compares them), with
the same escaping; any other template (a widget with its own template, form/field layouts) goes
through the templates as before."""

import html

from django.conf import settings
from django.forms import Select
from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData
from django.utils.timezone import template_localtime

from project.kept import Kept

WIDGETS = "django/forms/widgets/"
INPUTS = {
    f"{WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "search",
        "tel",
        "color",
        "checkbox",
    )  # fmt: skip
}
SELECT, SELECT_OPTION = f"{WIDGETS}select.html", f"{WIDGETS}select_option.html"
MULTIPLE = {f"{WIDGETS}radio.html", f"{WIDGETS}checkbox_select.html", f"{WIDGETS}multiple_input.html"}
INPUT_OPTIONS = {f"{WIDGETS}radio_option.html", f"{WIDGETS}checkbox_option.html", f"{WIDGETS}input_option.html"}
TEXTAREA = f"{WIDGETS}textarea.html"


def text(value) -> str:
    """`{{ value }}` with autoescaping (django.template.base.render_value_in_context)."""
    kind = type(value)
    if kind is str:  # the common case, without the lazy-string checks of escape()
        return html.escape(value)
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:  # what localize() makes of it
        return str(value)
    value = localize(template_localtime(value))
    if not issubclass(type(value), str):
        value = str(value)
    return conditional_escape(value)


def formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: str(), escaped unless the value was marked safe."""
    kind = type(value)
    if kind is str:
        return html.escape(value)
    if kind is int:
        return str(value)
    try:
        result = "%s" % (str(value) if isinstance(value, tuple) else value)
    except (ValueError, TypeError):
        return ""
    return result if isinstance(value, SafeData) else escape(result)


def attributes(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(
        f" {text(name)}" if value is True else f' {text(name)}="{formatted(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def input_tag(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = widget["value"]
    value = "" if value is None else f' value="{formatted(value)}"'
    return f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{value}{attributes(widget["attrs"])}>'


def input_option(option: dict) -> str:
    """django/forms/widgets/input_option.html (one radio or checkbox, its label around it),
    through radio_option.html or checkbox_option.html: each template's closing newline stays."""
    closing = "\n" if option["template_name"].endswith("/input_option.html") else "\n\n"
    if not option["wrap_label"]:
        return f"{input_tag(option)}\n{closing}"
    id_ = option["attrs"].get("id")
    label_for = f' for="{text(id_)}"' if id_ else ""
    return f"<label{label_for}>{input_tag(option)}\n {text(option['label'])}</label>{closing}"


def select_tag(widget: dict) -> str:
    """django/forms/widgets/select.html with select_option.html (the included templates' closing
    newlines stay in the output, as in Django's)."""
    parts = [f'<select name="{text(widget["name"])}"{attributes(widget["attrs"])}>']
    for group_name, options, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in options:
            parts.append(
                f'\n  <option value="{formatted(option["value"])}"{attributes(option["attrs"])}>'
                f"{text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def multiple_input(widget: dict) -> str:
    """django/forms/widgets/multiple_input.html (radio and checkbox lists)."""
    attrs = widget["attrs"]
    id_, class_ = attrs.get("id"), attrs.get("class")
    id_attr = f' id="{text(id_)}"' if id_ else ""
    class_attr = f' class="{text(class_)}"' if class_ else ""
    parts = [f"<div{id_attr}{class_attr}>"]
    for group, options, _index in widget["optgroups"]:
        if group:
            parts.append(f"\n  <div><label>{text(group)}</label>")
        for option in options:
            parts.append(f"<div>\n    {input_option(option)}</div>")
        if group:
            parts.append("\n  </div>")
    parts.append("\n</div>")
    return "".join(parts)


def textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html."""
    value = widget["value"]
    return f'<textarea name="{text(widget["name"])}"{attributes(widget["attrs"])}>\n{text(value) if value else ""}</textarea>'


def _options_standard(widget: dict, names: set | str) -> bool:
    names = {names} if isinstance(names, str) else names
    return all(
        option["template_name"] in names for _group, options, _index in widget["optgroups"] for option in options
    )


class FastWidgetRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and len(context) == 1:
            if template_name in INPUTS:
                return input_tag(widget)
            if template_name == SELECT and _options_standard(widget, SELECT_OPTION):
                return select_tag(widget)
            if template_name in MULTIPLE and _options_standard(widget, INPUT_OPTIONS):
                return multiple_input(widget)
            if template_name == TEXTAREA:
                return textarea(widget)
        return super().render(template_name, context, request)


class KeptSelect(Select):
    """A <select> whose HTML is kept per process for each name, value, attributes and choices:
    a form that offers long code tables on every request (the statistics form's thirteen, 150
    options) builds and escapes each list once instead of on every page. The choices must be
    plain (value, label) pairs, as a code table's are."""

    HTML = Kept(512)

    def render(self, name, value, attrs=None, renderer=None):
        key = (name, repr(value), repr(sorted(self.build_attrs(self.attrs, attrs).items())), tuple(self.choices))
        rendered = self.HTML.get(key)
        if rendered is None:
            rendered = super().render(name, value, attrs, renderer)
            self.HTML.put(key, rendered)
        return rendered
