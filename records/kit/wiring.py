"""Where a declared module reaches the rest of the house: the reporting engine's registry, the
audit events (a module with its own services keeps its own: `events`), the navigation (an entry
per list declared with nav) and the reminders of overdue cases. One function, called by
declaration.register, so no module wires any of these by hand."""

from django.core.exceptions import ImproperlyConfigured
from django.db import models

from approvals import registry
from approvals.registry import ReportingModule
from audit import events
from org.models import Module
from org.navigation import NavEntry, add_module_entry, holding
from records.kit.apps import load_parts


def record_events(module) -> type[models.TextChoices]:
    """新增/修改/删除<label>, stored as `<key>_created` … (audit.events); 批量帮扶 for a module
    with a batch page."""
    name = "".join(part.title() for part in module.key.split("_")) + "Event"
    return models.TextChoices(
        name,
        [
            ("CREATED", (f"{module.key}_created", f"新增{module.label}")),
            ("CHANGED", (f"{module.key}_changed", f"修改{module.label}")),
            ("DELETED", (f"{module.key}_deleted", f"删除{module.label}")),
            *([("BATCH_CREATED", (f"{module.key}_batch_created", module.person.batch))] if batch_of(module) else []),
        ],
    )


def batch_of(module) -> bool:
    """The module has the page that enters a record for each of many files (records.kit.batch)."""
    return module.person is not None and bool(module.person.batch)


def check_declaration(module) -> None:
    """What the model states for the engine agrees with the declaration: its permission, and the
    parent the engine moves it after (report_parent_field) or sees it through (visible_through)."""
    model, parent = module.model, module.parent
    if model.reporting_module != module.permission:
        raise ImproperlyConfigured(f"{model.__name__}.reporting_module must be {module.permission!r}")
    engine_parent = model.report_parent_field if module.reported else model.visible_through
    expected = parent.field if parent else None
    if engine_parent != expected:
        raise ImproperlyConfigured(
            f"{model.__name__}: the engine's parent field is {engine_parent!r}, not {expected!r}"
        )


EVENTS: dict[str, type[models.TextChoices]] = {}
# What the kit's parts do for each module declared (records.kit.apps imports the parts before
# any module app is ready): callables taking the declaration.
ON_CONNECT: list = []


def reporting_module(module) -> ReportingModule:
    """The reporting module the declaration's rows move in, with those declared before under the
    same permission (job agencies, then recruiters: a parent model comes before its children, so
    a quick report moves agencies first); named after the permission when shared (职业介绍)."""
    known = registry.find(module.permission)
    models_ = known.models if known else ()
    if module.model not in models_:
        models_ = (*models_, module.model)
    label = module.label if module.permission == module.key else Module(module.permission).label
    return ReportingModule(module.permission, label, models_)


def connect(module) -> None:
    load_parts()  # the parts' hooks (ON_CONNECT, the pages) come before the first declaration
    check_declaration(module)
    if module.reported:
        registry.register(reporting_module(module))
    else:
        registry.register_unreported(module.model)
    if module.events is None and module.key not in EVENTS:
        EVENTS[module.key] = events.register(record_events(module))
    for kind in module.list_kinds:
        if kind.nav:
            entry = NavEntry(kind.title, f"{module.key}:{module.list_url_name(kind)}", holding(module.permission))
            add_module_entry(entry)
    for part in ON_CONNECT:
        part(module)
