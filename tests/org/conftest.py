import pytest
from django.apps import apps
from django.db import connection, models

from org.models import Code, Unit


@pytest.fixture
def protecting_record_model(db):
    """A record model like the ones later modules add: it protects the unit and the code value
    it uses. Its table lives only inside the test's transaction."""

    class ProtectingRecord(models.Model):
        unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
        health = models.ForeignKey(Code, on_delete=models.PROTECT, related_name="+")

        class Meta:
            app_label = "org"
            verbose_name = "困难职工档案"

    with connection.schema_editor() as editor:
        editor.create_model(ProtectingRecord)
    yield ProtectingRecord
    del apps.all_models["org"]["protectingrecord"]
    apps.clear_cache()
