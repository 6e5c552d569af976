"""The staff workspaces, included by ``portal/urls.py`` at ``/can-bo/``."""

from django.urls import path

from audit import views as audit_views
from dossiers import views_staff, views_tracking_book

app_name = "staff"
urlpatterns = [
    path("", views_staff.queue, name="queue"),
    path("tiep-nhan-truc-tiep/", views_staff.walk_in, name="walk_in"),
    path("xac-thuc-danh-tinh/", views_staff.verify_identity, name="verify_identity"),
    path("nhat-ky-truy-cap/", audit_views.access_log, name="access_log"),
    path("so-theo-doi/", views_tracking_book.book, name="tracking_book"),
    path("chuyen-ho-so-giay/", views_staff.paper_hand_overs, name="paper_hand_overs"),
    path(
        "chuyen-ho-so-giay/<str:ref>/",
        views_staff.record_paper_hand_over,
        name="record_paper_hand_over",
    ),
    path("ho-so/<str:ref>/", views_staff.dossier, name="dossier"),
    path("ho-so/<str:ref>/van-ban-ket-qua/", views_staff.result_file, name="result"),
    path("ho-so/<str:ref>/nop-phi/", views_staff.record_payment, name="record_payment"),
    # <action> is the name of the service in services.ACTIONS (receive, hand_over, …).
    path("ho-so/<str:ref>/<slug:action>/", views_staff.action, name="action"),
]
