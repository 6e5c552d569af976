"""The portal's own error pages, with DEBUG off as in production (issue 9): 404, 403 with
whom the page is for, 500 rendered without a request or the database, and the CSRF failure
explained, in Vietnamese and in English when chosen."""

import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import server_error

from tests.factories import CitizenFactory

STYLESHEET = "/static/css/portal.css"


@pytest.fixture(autouse=True)
def _production_like(settings) -> None:
    settings.DEBUG = False  # as in production: Django's technical pages never show


@pytest.mark.django_db
def test_a_missing_page_is_the_portals_404(client):
    response = client.get("/khong-co-trang-nay/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Không tìm thấy trang" in page
    assert STYLESHEET in page
    assert reverse("procedures:catalogue") in page
    assert reverse("dossiers:track") in page


@pytest.mark.django_db
def test_the_404_in_english_when_chosen(client):
    client.post(reverse("set_language"), {"language": "en"})

    page = client.get("/khong-co-trang-nay/").content.decode()

    assert '<html lang="en">' in page
    assert "Page not found" in page
    assert "Không tìm thấy trang" not in page


@pytest.mark.django_db
def test_a_citizen_on_a_staff_page_is_told_whom_it_is_for(client):
    client.force_login(CitizenFactory())

    response = client.get(reverse("staff:queue"))

    assert response.status_code == 403
    page = response.content.decode()
    assert "Không có quyền truy cập" in page
    assert "Trang này dành cho cán bộ, công chức." in page  # the PermissionDenied message
    assert STYLESHEET in page
    assert "Đăng xuất" in page  # the portal's header, with the user's menu

    client.post(reverse("set_language"), {"language": "en"})
    page = client.get(reverse("staff:queue")).content.decode()
    assert "Access denied" in page
    assert "This page is for civil servants and public officials." in page


def test_the_500_page_needs_no_request_context_and_no_database():
    """No django_db mark: any query (a session, a user) would raise here."""
    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="vi">' in page
    assert "Hệ thống đang gặp sự cố" in page
    assert STYLESHEET in page
    assert "Traceback" not in page


@pytest.mark.django_db
@pytest.mark.urls("tests.error_urls")
def test_a_fault_shows_the_500_page():
    client = Client(raise_request_exception=False)

    response = client.get("/hong/")

    assert response.status_code == 500
    page = response.content.decode()
    assert "Hệ thống đang gặp sự cố" in page
    assert "a fault on the portal" not in page


@pytest.mark.django_db
def test_a_form_without_its_token_gets_an_explanation_and_the_way_back():
    client = Client(enforce_csrf_checks=True)
    login = reverse("accounts:login")
    client.get(login)  # the CSRF cookie is set; the form's token is missing below

    response = client.post(
        login,
        {"username": "a@example.vn", "password": "x"},
        HTTP_REFERER=f"http://testserver{login}",
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert "Biểu mẫu chưa được gửi" in page
    assert "thông tin chưa được ghi nhận" in page
    assert f'href="http://testserver{login}"' in page  # back to the form
    assert STYLESHEET in page
    # The answer carries a fresh token, so the next try from this page can succeed.
    assert settings.CSRF_COOKIE_NAME in response.cookies


@pytest.mark.django_db
def test_a_csrf_failure_with_cookies_blocked_says_so_in_english_when_chosen():
    client = Client(enforce_csrf_checks=True)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("accounts:login"), {"username": "a"}, HTTP_REFERER="https://elsewhere.example/"
    )

    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert "The form was not sent" in page
    assert "Your browser is blocking cookies" in page
    assert 'href="/"' in page or f'href="{reverse("home")}"' in page  # not back to elsewhere
    assert "elsewhere.example" not in page
