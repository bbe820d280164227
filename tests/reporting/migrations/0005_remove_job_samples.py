"""The test-only stand-ins for job placement go: the engine's parent/child tests and the merge
tests use the real records.jobs models (JobAgency, Recruiter, JobSeeker)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("reporting_tests", "0004_held_via_index")]
    operations = [
        migrations.DeleteModel(name="SampleRecruiter"),
        migrations.DeleteModel(name="SampleAgency"),
        migrations.DeleteModel(name="SampleJobSeeker"),
    ]
