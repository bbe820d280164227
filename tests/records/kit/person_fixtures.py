"""Household files and form posts for the tests of records.kit.person."""

import random
import re

from records import id_numbers, services
from records.kit.demo import codes_by_table
from tests.records.conftest import file_data, head_data, id_number, member_data


def file_headed_by(actor, number: str | None = None, *, members=()):
    """A file of the actor's unit whose head has `number` (a fresh one by default)."""
    head = head_data(id_number=number or id_number("19750315"))
    data = file_data(household_size=len(members) + 1)
    return services.file_create(actor=actor, data=data, head=head, members=list(members))


def file_with_member(actor):
    """A file with one family member; returns the file and the member's ID number."""
    member = member_data()
    return file_headed_by(actor, members=[member]), member["id_number"]


def legacy_15(birth: str = "750315") -> tuple[str, str]:
    """A 15-digit legacy number and the 18-digit number it becomes."""
    number15 = f"510107{birth}{random.Random(birth).randrange(100, 999)}"
    return number15, id_numbers.upgrade_15(number15)


def form_post(data: dict) -> dict:
    """Model values as a browser posts them: a code's pk, a date's ISO text."""
    posted = {}
    for name, value in data.items():
        if value is None:
            continue
        posted[name] = getattr(value, "pk", value.isoformat() if hasattr(value, "isoformat") else value)
    return posted


def legal_aid_post(module) -> dict:
    """The entry form of a legal-aid case as a clerk fills it (the module's demo row)."""
    return form_post(module.demo_row(random.Random(3), 0, codes_by_table())) | {"recovered": "0"}


def links_of(page: str) -> list[str]:
    """Every href and form action of a page."""
    return re.findall(r'(?:href|action)="([^"]*)"', page)
