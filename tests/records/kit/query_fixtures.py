"""Helpers of the kit's query tests (tests/records/kit/test_query.py) and of the permission
walk's "result_export" target (tests/test_url_permissions.py)."""

from records.kit.models import ResultExport


def make_result_export(user, module) -> ResultExport:
    """A job of `user` for the results of `module`'s query, waiting for the worker."""
    return ResultExport.objects.create(
        user=user, unit=user.unit, module_key=module.key, conditions={"q": "1"}, option="all_all"
    )


def query(client, module, **conditions):
    """Submit the query form as the browser does: POST, then the results page it leads to."""
    response = client.post(module.url("query"), {"q": "1", **conditions}, follow=True)
    assert response.redirect_chain[0][1] == 302
    return response


def found(response) -> set[int]:
    return {row["pk"] for row in response.context["rows"]}


def ids(*rows) -> set[int]:
    return {row.pk for row in rows}
