"""The pages of a declared module. `PAGES` is also what the URL × cast permission test walks
(tests/test_url_permissions.py): a page added here is tested for every module by construction.
Each part of the kit (query, statistics, documents, case progress, person lookup) adds its own
pages with `add_pages` when records.kit.urls imports it."""

from collections.abc import Callable
from dataclasses import dataclass

RECORD = "record"


@dataclass(frozen=True)
class Page:
    name: str  # the URL name within the module's namespace
    route: str
    view: Callable | None  # view(request, module, **kwargs); None: the lists and quick pages
    method: str = "get"  # what the permission walk sends
    # What the URL's pk names: "record" (a row of the module: 404 to a unit that does not see
    # it); another kind the page's part defines (the permission walk knows how to make one).
    target: str = ""
    when: Callable | None = None  # only for the modules it admits (module → bool)

    def applies_to(self, module) -> bool:
        return self.when is None or self.when(module)


PAGES: list[Page] = []


def add_pages(*pages: Page) -> None:
    PAGES.extend(page for page in pages if page.name not in {p.name for p in PAGES})


def pages_of(module) -> list[Page]:
    """The kit's pages that apply to the module, with its further lists after the first and its
    own pages last (a page of `module.pages` is served by the module's own view: records.kit.urls)."""
    pages = [page for page in PAGES if page.applies_to(module)]
    lists = [Page(kind.key, f"{kind.key}/", None) for kind in module.list_kinds[1:]]
    return pages[:1] + lists + pages[1:] + list(module.own_pages)  # the kit's first page is its list
