"""`make run` and production collect the static files with the manifest storage: every file
referenced by a stylesheet must exist, or start-up fails."""

from django.core.management import call_command
from django.test import override_settings


def test_collectstatic_with_the_production_storage(tmp_path, settings):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.contrib.staticfiles.storage import staticfiles_storage

        # A URL is the manifest's hashed name.
        url = staticfiles_storage.url("css/bangfu.css")
        assert url.startswith("/static/css/bangfu.") and url != "/static/css/bangfu.css"
        assert (tmp_path / url.removeprefix("/static/")).exists()
    assert (tmp_path / "staticfiles.json").exists()
    assert any(tmp_path.glob("css/bangfu.*.css"))
