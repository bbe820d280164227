"""Job placement on the household file's page (its linked sections, manual 2.2.1.6); its generated
pages answer for the owner (the URL × cast walk covers everyone; tests/org/test_seed_demo.py its
demo rows)."""

import pytest

from approvals import services as approvals
from records.jobs.models import Recommendation
from records.kit.declaration import get
from tests.records.jobs.conftest import make_seeker, make_vacancy

pytestmark = pytest.mark.django_db


def test_the_file_page_shows_the_persons_job_seeking(cast):
    seeker = make_seeker(cast.users["street_a"])
    approvals.report_rows(actor=cast.users["street_a"], model=type(seeker.file), pks=[seeker.file_id])
    for user in ("street_a", "county_a"):
        page = cast.client(user).get(seeker.file.get_absolute_url())
        text = page.content.decode()
        assert "人才信息" in text and get("job_seekers").url("detail", seeker.pk) in text, user


@pytest.mark.parametrize("key", ["job_agencies", "recruiters", "vacancies", "job_seekers", "recommendations"])
def test_the_lists_statistics_and_documents_of_each_module_open(cast, key):
    street = cast.users["street_a"]
    vacancy = make_vacancy(street)
    seeker = make_seeker(street)
    rows = {"job_agencies": vacancy.recruiter.agency, "recruiters": vacancy.recruiter, "vacancies": vacancy,
            "job_seekers": seeker}  # fmt: skip
    if key == "recommendations":
        rows[key] = Recommendation.objects.create(seeker=seeker, employer="机床厂", phone="1", unit=street.unit,
                                                  unit_path=street.unit.path)  # fmt: skip
    module, client = get(key), cast.client("street_a")
    for url in [module.url("list"), module.url("statistics"), *(module.url(n, rows[key].pk) for n in
                                                                 ("detail", "print", "excel", "word"))]:  # fmt: skip
        assert client.get(url).status_code == 200, url
    if module.query_fields:
        assert client.get(module.url("query")).status_code == 200
