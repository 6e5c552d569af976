"""The overdue pages, included by ``portal/urls.py`` at ``/can-bo/qua-han/``."""

from django.urls import path

from apologies import views

app_name = "apologies"
urlpatterns = [
    path("", views.watch, name="watch"),
    path("phieu-cho-ky/", views.letters, name="letters"),
    path("phieu/<int:pk>/", views.letter, name="letter"),
    path("phieu/<int:pk>/pdf/", views.letter_pdf, name="letter_pdf"),
]
