from django.urls import path

from accounts import views, views_2fa

app_name = "accounts"
urlpatterns = [
    path("dang-nhap/", views.PortalLoginView.as_view(), name="login"),
    path("dang-nhap/ma-xac-thuc/", views_2fa.login_code, name="login_code"),
    path("xac-thuc-hai-buoc/", views_2fa.security, name="two_factor"),
    path("xac-thuc-hai-buoc/thiet-lap/", views_2fa.enrol, name="two_factor_enrol"),
    path("xac-thuc-hai-buoc/tat/", views_2fa.remove, name="two_factor_remove"),
    path("dang-xuat/", views.PortalLogoutView.as_view(), name="logout"),
    path("dang-ky/", views.RegisterView.as_view(), name="register"),
    path("dang-ky/kiem-tra-thu/", views.RegisterDoneView.as_view(), name="register_done"),
    path("kich-hoat/<uidb64>/<token>/", views.activate, name="activate"),
    path("quen-mat-khau/", views.PasswordResetRequestView.as_view(), name="password_reset"),
    path(
        "quen-mat-khau/da-gui/", views.PasswordResetDoneView.as_view(), name="password_reset_done"
    ),
    path(
        "dat-lai-mat-khau/<uidb64>/<token>/",
        views.PortalPasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "dat-lai-mat-khau/xong/",
        views.PortalPasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("thong-tin/", views.ProfileView.as_view(), name="profile"),
    path("doi-mat-khau/", views.PortalPasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        views.PortalPasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
