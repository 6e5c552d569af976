"""The 2025 two-tier units come from `vietnam-provinces`: 34 provinces, 3,321 communes."""

import pytest
from django.core.management import call_command

from agencies.models import Commune, Province
from agencies.services import load_units

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Province.objects.order_by("code").values_list()),
        list(Commune.objects.order_by("code").values_list()),
    )


def test_load_units_loads_34_provinces_and_3321_communes():
    assert load_units() == (34, 3321)

    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    dong_nai = Province.objects.get(code=75)
    assert (dong_nai.name, dong_nai.codename, dong_nai.division_type) == (
        "Đồng Nai",
        "dong_nai",
        "tỉnh",
    )
    tran_bien = Commune.objects.get(code=26041)
    assert (tran_bien.name, tran_bien.division_type, tran_bien.province_id) == (
        "Phường Trấn Biên",
        "phường",
        75,
    )
    assert set(Commune.objects.values_list("division_type", flat=True)) == {
        "xã",
        "phường",
        "đặc khu",
    }


def test_running_it_twice_changes_nothing():
    load_units()
    before = snapshot()

    assert load_units() == (34, 3321)

    assert snapshot() == before


def test_it_repairs_a_unit_edited_by_hand():
    load_units()
    Commune.objects.filter(code=26041).update(name="Sai tên")

    load_units()

    assert Commune.objects.get(code=26041).name == "Phường Trấn Biên"
    assert Commune.objects.count() == 3321


def test_the_command_prints_the_counts(capsys):
    call_command("load_units")

    assert "34 tỉnh, thành phố; 3321 xã, phường, đặc khu" in capsys.readouterr().out
    assert Commune.objects.count() == 3321
