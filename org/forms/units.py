"""Forms of unit management (manual 18.2.1–18.2.2)."""

from org.forms.account import UnitContactForm


class UnitForm(UnitContactForm):
    """Editing a unit: its name and code plus the validated contact details."""

    class Meta(UnitContactForm.Meta):
        fields = ["name", "code", *UnitContactForm.Meta.fields]


class UnitCreateForm(UnitForm):
    # The new unit's first user completes and confirms the contact details (manual 0.4).
    required_fields = ()
