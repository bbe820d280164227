"""The static files storage of production: whitenoise's compressed manifest storage, with each
file's URL worked out once per process.

The manifest (name → hashed name) is read when the process starts and does not change while
it runs, so neither does a URL; working it out (manifest lookup, URL join and quoting) was 6%
of a list page's rendering, for the two files every page links."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        url = self._urls.get(name)
        if url is None:
            url = self._urls[name] = super().url(name)
        return url
