"""The citizen's dossier pages, the file and slip downloads, and the public status page."""

from django.urls import path

from dossiers import views_citizen, views_public

app_name = "dossiers"
urlpatterns = [
    path("thu-tuc/<str:procedure_code>/nop-ho-so/", views_citizen.start, name="start"),
    path("ho-so-cua-toi/", views_citizen.mine, name="mine"),
    path("ho-so-cua-toi/<str:ref>/", views_citizen.detail, name="detail"),
    path("ho-so-cua-toi/<str:ref>/ban-nhap/", views_citizen.edit, name="edit"),
    path("ho-so-cua-toi/<str:ref>/tai-len/", views_citizen.upload, name="upload"),
    path(
        "ho-so-cua-toi/<str:ref>/giay-uy-quyen/",
        views_citizen.upload_authorisation,
        name="upload_authorisation",
    ),
    path("ho-so-cua-toi/<str:ref>/nop/", views_citizen.submit, name="submit"),
    path("ho-so-cua-toi/<str:ref>/xoa-ban-nhap/", views_citizen.discard, name="discard"),
    path("ho-so-cua-toi/<str:ref>/tep/<int:pk>/go/", views_citizen.remove_file, name="remove_file"),
    path(
        "ho-so-cua-toi/<str:ref>/tep/<int:pk>/thay/",
        views_citizen.replace_file,
        name="replace_file",
    ),
    path("ho-so-cua-toi/<str:ref>/bo-sung/", views_citizen.supplement, name="supplement"),
    path("ho-so-cua-toi/<str:ref>/rut-ho-so/", views_citizen.withdraw, name="withdraw"),
    path("ho-so-cua-toi/<str:ref>/ket-qua/", views_citizen.result, name="result"),
    # Shared with the staff pages: the access rule is Dossier.objects.for_user.
    path("ho-so/<str:ref>/tep/<int:pk>/", views_citizen.component_file, name="file"),
    path("ho-so/<str:ref>/phieu/<str:form>/", views_citizen.slip, name="slip"),
    # Public.
    path("tra-cuu/", views_public.track_search, name="track"),
    path("tra-cuu/<str:code>/", views_public.track, name="track"),
]
