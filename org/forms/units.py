"""Forms of unit management (manual 18.2.1–18.2.2)."""

from org.forms.account import UnitContactForm


class UnitForm(UnitContactForm):
    """Creating or editing a subordinate unit: its name and code plus the validated contact
    details, none of them required: the new unit's first user completes and confirms them
    (manual 0.4), so the superior's admin edits what the creation form asked for."""

    required_fields = ()

    class Meta(UnitContactForm.Meta):
        fields = ["name", "code", *UnitContactForm.Meta.fields]
