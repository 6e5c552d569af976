"""The clerk's day (issue 9 item 5): the queue sorted by due date, reception date and state,
filtered to "assigned to me", "due soon" and "overdue", names found without diacritics and
codes in any case (on PostgreSQL and SQLite alike), staff landing on their workspace, the
full checklist of components on the dossier page, and one confirmation per simple action."""

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from dossiers import search, selectors_staff
from dossiers.models import Dossier, State
from tests.dossiers.factories import World, add_fees, build_dossier
from tests.dossiers.test_staff_pages import (
    codes_in_order,
    events_of,
    messages_of,
    page,
    url,
)
from tests.factories import DEFAULT_PASSWORD

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.fixture
def as_user(client):
    def sign_in(user):
        client.force_login(user)
        return client

    return sign_in


def dossiers_with(world: World, state: str, n: int) -> list[Dossier]:
    return [build_dossier(world, state) for _ in range(n)]


def set_fields(dossier: Dossier, **fields: object) -> Dossier:
    Dossier.objects.filter(pk=dossier.pk).update(**fields)
    return Dossier.objects.get(pk=dossier.pk)


def queue_codes(client, **params: str) -> list[str]:
    response = client.get(url("queue"), params)
    assert response.status_code == 200
    return codes_in_order(page(response))


# --- sorting ------------------------------------------------------------------------------------


@pytest.fixture
def three_received(world: World) -> list[Dossier]:
    """Received dossiers whose due dates run the other way round from their reception."""
    first, second, third = dossiers_with(world, State.RECEIVED, 3)
    hours = datetime.timedelta(hours=1)
    return [
        set_fields(first, received_at=NOW - 3 * hours, due_at=NOW + 30 * hours),
        set_fields(second, received_at=NOW - 2 * hours, due_at=NOW + 20 * hours),
        set_fields(third, received_at=NOW - 1 * hours, due_at=NOW + 10 * hours),
    ]


def test_the_queue_sorts_by_due_date_both_ways_and_submitted_ones_have_none_yet(
    world, as_user, three_received
):
    first, second, third = three_received
    waiting = build_dossier(world, State.SUBMITTED)  # not received: no due date yet
    client = as_user(world.clerk)

    assert queue_codes(client, sap_xep="han") == [third.code, second.code, first.code, waiting.code]
    # Descending is the exact reverse (and reads the same index backwards).
    assert queue_codes(client, sap_xep="-han") == [
        waiting.code,
        first.code,
        second.code,
        third.code,
    ]


def test_the_queue_sorts_by_reception_date_both_ways(world, as_user, three_received):
    first, second, third = three_received
    client = as_user(world.clerk)
    assert queue_codes(client, sap_xep="tiep_nhan") == [first.code, second.code, third.code]
    assert queue_codes(client, sap_xep="-tiep_nhan") == [third.code, second.code, first.code]


def test_the_queue_sorts_by_state_in_the_order_of_the_workflow(world, as_user):
    ready = build_dossier(world, State.READY_FOR_RETURN)
    received = build_dossier(world, State.RECEIVED)
    submitted = build_dossier(world, State.SUBMITTED)
    waiting = build_dossier(world, State.SUPPLEMENT_REQUESTED)
    client = as_user(world.clerk)

    in_order = [submitted.code, waiting.code, received.code, ready.code]
    assert queue_codes(client, sap_xep="trang_thai") == in_order
    assert queue_codes(client, sap_xep="-trang_thai") == in_order[::-1]


def test_the_column_headers_say_the_order_and_flip_it_keeping_the_filters(
    world, as_user, three_received
):
    client = as_user(world.clerk)
    html = page(client.get(url("queue"), {"sap_xep": "han", "trang_thai": State.RECEIVED}))

    sorted_th = re.findall(
        r'<th scope="col" class="staff-sortable" aria-sort="(\w+)"><a href="([^"]+)">([^<]+)', html
    )
    assert len(sorted_th) == 1  # aria-sort on the sorted column only
    aria, link, label = sorted_th[0]
    assert (aria, label) == ("ascending", "Hẹn trả")
    assert "sap_xep=-han" in link and "trang_thai=received" in link
    # The order stays when the filters are applied again (a hidden field of the form).
    assert '<input type="hidden" name="sap_xep" value="han"' in html
    assert "hẹn trả sớm nhất trước" in html

    # No order given: oldest submission first, said by the submission column.
    default = page(client.get(url("queue")))
    assert re.search(r'aria-sort="ascending"><a href="\?sap_xep=-nop">Ngày nộp', default)


def test_an_unknown_order_falls_back_to_oldest_first_and_keeps_the_filters(world, as_user):
    received = build_dossier(world, State.RECEIVED)
    build_dossier(world, State.SUBMITTED)
    codes = queue_codes(as_user(world.clerk), sap_xep="xoa", trang_thai=State.RECEIVED)
    assert codes == [received.code]


# --- filters ------------------------------------------------------------------------------------


def test_assigned_to_me_shows_only_the_dossiers_given_to_this_person(world, as_user):
    mine = build_dossier(world, State.IN_APPRAISAL)
    someone_elses = build_dossier(world, State.IN_APPRAISAL)
    set_fields(mine, assignee=world.specialist)
    set_fields(someone_elses, assignee=world.head)
    client = as_user(world.specialist)

    assert set(queue_codes(client)) == {mine.code, someone_elses.code}
    assert queue_codes(client, cua_toi="on") == [mine.code]
    html = page(client.get(url("queue"), {"cua_toi": "on"}))
    assert "Chỉ hồ sơ giao cho tôi" in html
    assert re.search(r'<input type="checkbox" name="cua_toi"[^>]* checked', html)


def test_due_soon_and_overdue_follow_the_deadline_scans_flags(world, as_user):
    calm, soon, late = dossiers_with(world, State.RECEIVED, 3)
    set_fields(soon, due_soon_at=NOW)
    set_fields(late, due_soon_at=NOW - datetime.timedelta(days=1), overdue_since=NOW)
    client = as_user(world.clerk)

    assert queue_codes(client, han="sap_den_han") == [soon.code]
    assert queue_codes(client, han="qua_han") == [late.code]
    html = page(client.get(url("queue"), {"han": "qua_han"}))
    assert "Sắp đến hạn" in html and "Quá hạn" in html  # the radio labels
    assert re.search(r'value="qua_han"[^>]* checked', html)
    assert calm.code in queue_codes(client)


def test_filters_combine_and_stay_in_the_pagination_links(world, as_user, monkeypatch):
    late = dossiers_with(world, State.RECEIVED, 3)
    for dossier in late:
        set_fields(dossier, overdue_since=NOW)
    build_dossier(world, State.SUBMITTED)
    monkeypatch.setattr(selectors_staff, "QUEUE_PER_PAGE", 2)
    html = page(as_user(world.clerk).get(url("queue"), {"han": "qua_han", "sap_xep": "-tiep_nhan"}))
    assert len(codes_in_order(html)) == 2
    next_link = re.search(r'<a href="\?([^"]+)" rel="next">', html)
    assert next_link is not None
    assert "han=qua_han" in next_link.group(1)
    assert "sap_xep=-tiep_nhan" in next_link.group(1)
    assert "trang=2" in next_link.group(1)


# --- search without diacritics ------------------------------------------------------------------


def test_plain_makes_vietnamese_plain_including_d_with_stroke():
    assert search.plain_term("  Nguyễn   Văn AN ") == "nguyen van an"
    assert search.plain_term("Đỗ Thị Ưng") == "do thi ung"
    assert search.plain("Đặng") == "Dang"


@pytest.fixture
def named(world: World) -> dict[str, Dossier]:
    an, dung, dang = dossiers_with(world, State.SUBMITTED, 3)
    return {
        "an": set_fields(an, applicant_name="Nguyễn Văn An"),
        "dung": set_fields(dung, applicant_name="Trần Thị Dung"),
        "dang": set_fields(dang, applicant_name="Đặng Quốc Bảo"),
    }


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("nguyen van an", {"an"}),
        ("NGUYEN", {"an"}),
        ("Nguyễn Văn An", {"an"}),
        ("van an", {"an"}),
        ("dang quoc", {"dang"}),  # "Đ" is found as "d"
        ("thi dung", {"dung"}),
        ("quốc bao", {"dang"}),  # half typed with marks
        ("nguyen van bao", set()),
        ("100%", set()),  # LIKE's wildcards are matched as text
    ],
)
def test_names_are_found_without_diacritics_in_any_case(world, as_user, named, typed, found):
    codes = queue_codes(as_user(world.clerk), q=typed)
    assert set(codes) == {named[key].code for key in found}


def test_the_database_compares_through_f_unaccent_on_either_database(named):
    """On PostgreSQL the migration's SQL function, on SQLite the registered Python one."""
    plain = (
        Dossier.objects.alias(p=search.plain_name())
        .filter(p__contains="dang quoc bao")
        .values_list("applicant_name", flat=True)
    )
    assert list(plain) == ["Đặng Quốc Bảo"]


def test_a_code_typed_in_lower_case_finds_the_dossier(world, as_user, named):
    dossier = named["dang"]
    client = as_user(world.clerk)
    assert queue_codes(client, q=str(dossier.code).lower()) == [dossier.code]
    assert queue_codes(client, q=str(dossier.code).lower()[-11:]) == [dossier.code]


@pytest.mark.postgres
def test_the_name_search_reads_the_trigram_index_on_postgresql(named):
    with connection.cursor() as cursor:
        cursor.execute("SELECT provolatile FROM pg_proc WHERE proname = 'f_unaccent'")
        assert cursor.fetchone() == ("i",)  # IMMUTABLE, so it can be indexed
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = (
            Dossier.objects.alias(p=search.plain_name()).filter(p__contains="nguyen van").explain()
        )
    assert "dossier_applicant_name_trgm" in plan


# --- landing after login ------------------------------------------------------------------------


def test_staff_land_on_their_workspace_after_login(client, world):
    response = client.post(
        reverse("accounts:login"), {"username": world.clerk.email, "password": DEFAULT_PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("staff:queue")


def test_citizens_land_where_they_did_and_a_safe_next_still_wins(client, world, settings):
    login = reverse("accounts:login")
    citizen = client.post(login, {"username": world.citizen.email, "password": DEFAULT_PASSWORD})
    assert citizen.url == reverse(settings.LOGIN_REDIRECT_URL)
    client.logout()

    dossier_page = "/can-bo/ho-so/ABC/"
    staff = client.post(
        f"{login}?next={dossier_page}",
        {"username": world.clerk.email, "password": DEFAULT_PASSWORD, "next": dossier_page},
    )
    assert staff.url == dossier_page
    client.logout()

    foreign = client.post(
        login,
        {
            "username": world.clerk.email,
            "password": DEFAULT_PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert foreign.url == reverse("staff:queue")


# --- the checklist on the dossier page ----------------------------------------------------------


def checklist_of(html: str) -> str:
    return html.split('id="files-heading"', 1)[1].split("</section>", 1)[0]


def test_the_dossier_page_lists_every_component_present_or_missing(world, as_user):
    dossier = build_dossier(world, State.SUBMITTED)
    required_two = dossier.files.get(component=world.components[1])
    required_two.delete()  # the identity card scan is missing now

    section = checklist_of(page(as_user(world.clerk).get(url("dossier", dossier.ref))))

    rows = re.findall(
        r'<li class="is-(present|missing)">\s*<span class="dossier-checklist-name">([^<]+)</span>',
        section,
    )
    assert rows == [
        ("present", "1. Tờ khai yêu cầu cấp Phiếu lý lịch tư pháp"),
        ("missing", "2. Bản chụp thẻ Căn cước"),
        ("missing", "3. Giấy ủy quyền"),
    ]
    assert "Thiếu 1 thành phần bắt buộc" in section
    assert "Còn thiếu" in section  # the required one
    assert "Không nộp" in section  # the optional one
    stored = dossier.files.get()
    assert reverse("dossiers:file", args=[dossier.ref, stored.pk]) in section


def test_files_for_no_component_are_listed_as_other_files(world, as_user, media_root):
    from dossiers import services
    from tests.dossiers.factories import make_pdf_upload

    dossier = build_dossier(world, State.SUPPLEMENT_REQUESTED)
    services.dossier_attach_file(
        dossier=dossier, actor=world.citizen, upload=make_pdf_upload("cccd-ro.pdf")
    )
    section = checklist_of(page(as_user(world.clerk).get(url("dossier", dossier.ref))))
    assert "Đủ thành phần hồ sơ bắt buộc" in section
    assert "Tệp khác" in section.split("cccd-ro.pdf")[0]


# --- one confirmation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "who", "action", "target"),
    [
        (State.SUBMITTED, "clerk", "receive", State.RECEIVED),
        (State.RECEIVED, "clerk", "hand_over", State.IN_APPRAISAL),
        (State.READY_FOR_RETURN, "clerk", "return_result", State.RETURNED),
    ],
)
def test_a_simple_action_is_confirmed_on_the_dossier_page_itself(
    world, as_user, state, who, action, target
):
    dossier = build_dossier(world, state)
    client = as_user(getattr(world, who))
    html = page(client.get(url("dossier", dossier.ref)))

    # The button still links to the action's page (no JavaScript), and opens the dialog.
    assert (
        f'data-action="{action}" href="{url("action", dossier.ref, action)}" data-confirm="confirm-{action}"'
        in html
    )
    dialog = html.split(f'<dialog class="staff-confirm" id="confirm-{action}"', 1)[1].split(
        "</dialog>", 1
    )[0]
    assert f'<form method="post" action="{url("action", dossier.ref, action)}">' in dialog
    assert "csrfmiddlewaretoken" in dialog

    # The dialog's form: one POST, back on the dossier page with the success message.
    response = client.post(url("action", dossier.ref, action), {"note": ""}, follow=True)
    dossier.refresh_from_db()  # reception gives the dossier its code: the page moves to it
    assert response.redirect_chain == [(url("dossier", dossier.ref), 302)]
    assert any("Đã thực hiện" in m for m in messages_of(response))
    assert dossier.state == target
    assert events_of(dossier)[-1] == action


def test_actions_that_need_input_keep_their_page_and_have_no_dialog(world, as_user):
    dossier = build_dossier(world, State.SUBMITTED)
    html = page(as_user(world.clerk).get(url("dossier", dossier.ref)))
    for action in ("request_supplement", "refuse"):
        assert f'data-action="{action}" href="{url("action", dossier.ref, action)}">' in html


def test_receiving_a_dossier_with_fee_lines_to_choose_opens_the_receive_form(world, as_user):
    """The applicable fee line is chosen at reception: no one-click receive then."""
    add_fees(world)
    dossier = build_dossier(world, State.SUBMITTED)
    html = page(as_user(world.clerk).get(url("dossier", dossier.ref)))
    assert f'data-action="receive" href="{url("action", dossier.ref, "receive")}">' in html
    assert 'id="confirm-receive"' not in html


def test_confirming_a_payment_asks_for_its_receipt_on_its_page(world, as_user):
    dossier = build_dossier(world, State.AWAITING_PAYMENT)
    html = page(as_user(world.clerk).get(url("dossier", dossier.ref)))
    action = "confirm_payment"
    assert f'data-action="{action}" href="{url("action", dossier.ref, action)}">' in html
    assert f'id="confirm-{action}"' not in html


def test_the_hand_over_dialog_names_the_next_step_and_offers_choosing_a_person(world, as_user):
    dossier = build_dossier(world, State.RECEIVED)
    html = page(as_user(world.clerk).get(url("dossier", dossier.ref)))
    dialog = html.split('id="confirm-hand_over"', 1)[1].split("</dialog>", 1)[0]
    assert "Thẩm định, trình ký" in dialog
    assert "Giao cho một người cụ thể…" in dialog
