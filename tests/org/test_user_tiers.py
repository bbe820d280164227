"""人员排序 with display tiers (manual 18.2.8: 人员排列的最多层数为6层): each user of a unit has a
tier 1–6; users show by tier, then by their order within it; 重排人员 puts everyone back on the
first tier in creation order."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from org.models import User
from org.selectors import users_of_unit

pytestmark = pytest.mark.django_db


def test_users_show_by_tier_then_by_order(cast):
    unit = cast.units["county_a"]
    admin, clerk = cast.users["county_a_admin"], cast.users["county_a"]
    client = cast.client("county_a_admin")
    url = reverse("org:user_order", args=[unit.pk])
    page = client.get(url).content.decode()
    assert f'name="tier_{admin.pk}"' in page and "第 6 层" in page and "第 7 层" not in page
    # The clerk first in the order but on the second tier: the admin comes first.
    response = client.post(url, {"order": [clerk.pk, admin.pk], f"tier_{clerk.pk}": "2", f"tier_{admin.pk}": "1"})
    assert response.status_code == 302
    assert list(users_of_unit(unit)) == [admin, clerk]
    assert User.objects.get(pk=clerk.pk).display_tier == 2
    assert 'value="2" selected' in client.get(url).content.decode()
    client.post(reverse("org:user_order_reset", args=[unit.pk]))
    assert set(User.objects.filter(unit=unit).values_list("display_tier", flat=True)) == {1}


@pytest.mark.parametrize("tier", ["7", "0", "-1", "二", "²"])
def test_a_tier_outside_one_to_six_is_refused_and_nothing_is_saved(cast, tier):
    unit = cast.units["county_a"]
    admin, clerk = cast.users["county_a_admin"], cast.users["county_a"]
    response = cast.client("county_a_admin").post(
        reverse("org:user_order", args=[unit.pk]), {"order": [clerk.pk, admin.pk], f"tier_{clerk.pk}": tier}
    )
    assert response.status_code == 200 and "显示层应为 1 到 6 之间的整数。" in response.content.decode()
    assert not User.objects.filter(unit=unit).exclude(display_order=0).exists()
    assert set(User.objects.filter(unit=unit).values_list("display_tier", flat=True)) == {1}


def test_the_database_keeps_tiers_within_one_to_six(cast):
    with pytest.raises(IntegrityError):
        User.objects.filter(pk=cast.users["county_a"].pk).update(display_tier=7)
