from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.PortalLoginView.as_view(), name="login"),
    path("dang-xuat/", views.PortalLogoutView.as_view(), name="logout"),
    path("dang-ky/", views.RegisterView.as_view(), name="register"),
    path("thong-tin/", views.ProfileView.as_view(), name="profile"),
    path("doi-mat-khau/", views.PortalPasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        views.PortalPasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
