"""The access log page: the supervisor and the administrators read it, with filters, 50 a
page; everyone else gets 404; reading it is itself recorded."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from audit import services
from audit.constants import Action, Purpose
from audit.models import AccessRecord
from dossiers.models import State
from tests.dossiers.factories import another_citizen, build_dossier
from tests.factories import CitizenFactory, StaffFactory

pytestmark = pytest.mark.django_db
LOG = reverse("staff:access_log")


def rows(response) -> list[str]:
    body = response.content.decode().split("<tbody>", 1)[-1].split("</tbody>", 1)[0]
    return re.findall(r"<tr>.*?</tr>", body, flags=re.S)


@pytest.mark.parametrize("who", ["citizen", "clerk", "specialist", "head"])
def test_only_the_supervisor_and_administrators_read_the_log(world, as_user, who):
    assert as_user(getattr(world, who)).get(LOG).status_code == 404


def test_the_supervisor_reads_who_read_whose_dossier(world, as_user, supervisor):
    dossier = build_dossier(world, State.RECEIVED)
    as_user(world.clerk).get(reverse("staff:dossier", args=[dossier.ref]))

    response = as_user(supervisor).get(LOG)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhật ký truy cập dữ liệu cá nhân" in html
    (row,) = rows(response)  # the clerk's read (the page's own read is written after it)
    assert world.clerk.full_name in row and str(dossier.code) in row
    assert world.citizen.full_name in row and "Giải quyết hồ sơ" in row
    own = AccessRecord.objects.order_by("-pk").first()
    assert (own.actor, own.action, own.purpose) == (supervisor, Action.VIEW, Purpose.AUDIT)


def test_an_administrator_reads_the_log(client):
    administrator = StaffFactory(role="administrator")
    client.force_login(administrator)
    assert client.get(LOG).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    assert client.get(LOG).status_code == 302


def test_the_filters_narrow_the_log(world, as_user, supervisor):
    other = another_citizen(full_name="Trương Văn Khác")
    mine = build_dossier(world, State.RECEIVED)
    theirs = build_dossier(world, State.RECEIVED, applicant=other)
    with time_machine.travel(datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)):
        services.record(
            actor=world.clerk, action=Action.VIEW, purpose=Purpose.PROCESSING, dossier=mine
        )
    services.record(
        actor=world.specialist, action=Action.DOWNLOAD, purpose=Purpose.PROCESSING, dossier=theirs
    )
    client = as_user(supervisor)

    def codes(**query) -> list[str]:
        return re.findall(
            r'class="dossier-code" href="[^"]+">([^<]+)<', "".join(rows(client.get(LOG, query)))
        )

    assert codes(ma_ho_so=theirs.code) == [theirs.code]
    assert codes(nguoi_truy_cap=world.clerk.full_name) == [mine.code]
    assert codes(nguoi="Trương") == [theirs.code]
    assert codes(nguoi_id=other.pk) == [theirs.code]
    assert codes(thao_tac="download") == [theirs.code]
    assert codes(tu_ngay="2025-03-03", den_ngay="2025-03-03") == [mine.code]


def test_an_id_number_is_refused_as_a_filter(world, as_user, supervisor):
    response = as_user(supervisor).get(LOG, {"nguoi": world.citizen.national_id})
    assert "Không tìm theo số định danh trên trang này" in response.content.decode()


def test_the_log_is_paginated_50_a_page(world, as_user, supervisor):
    AccessRecord.objects.bulk_create(
        AccessRecord(actor=world.clerk, action=Action.VIEW, purpose=Purpose.PROCESSING)
        for _ in range(60)
    )
    client = as_user(supervisor)
    assert len(rows(client.get(LOG))) == 50
    second = client.get(LOG, {"trang": 2})
    assert len(rows(second)) == 11  # ten left, and the first page's own read
    assert AccessRecord.objects.filter(actor=supervisor).count() == 2


def test_the_log_page_reads_a_fixed_number_of_queries(
    world, as_user, supervisor, django_assert_num_queries
):
    for _ in range(5):
        services.record(
            actor=world.clerk,
            action=Action.VIEW,
            purpose=Purpose.PROCESSING,
            subject=CitizenFactory(),
            dossier=None,
        )
    client = as_user(supervisor)
    client.get(LOG)  # the session settles
    # 1 session, 2 user, 3-4 permissions, 5 the paginator's COUNT, 6 the page of records
    # with actor, person and dossier (one JOIN), 7 the page's own record (INSERT), 8-10 the
    # session saved again.
    with django_assert_num_queries(10):
        assert client.get(LOG).status_code == 200
