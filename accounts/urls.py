from django.contrib.auth import views as auth_views
from django.urls import path

from .forms import LoginForm

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

# User management in the browser (accounts/views_users.py).
from . import views_users  # noqa: E402

urlpatterns += [
    path("users/", views_users.user_list, name="user_list"),
    path("users/new/", views_users.user_create, name="user_create"),
    path("users/<str:username>/", views_users.user_detail, name="user_detail"),
    path("users/<str:username>/edit/", views_users.user_edit, name="user_edit"),
    path("users/<str:username>/active/", views_users.user_set_active, name="user_set_active"),
    path("users/<str:username>/password/", views_users.user_password, name="user_password"),
    path("users/<str:username>/unlock/", views_users.user_unlock, name="user_unlock"),
]

# The second step of the login (accounts/views_two_factor.py).
from . import views_two_factor  # noqa: E402

urlpatterns += [
    path("two-factor/", views_two_factor.overview, name="two_factor"),
    path("two-factor/enrol/", views_two_factor.enrol, name="two_factor_enrol"),
    path("two-factor/verify/", views_two_factor.verify, name="two_factor_verify"),
    path(
        "two-factor/backup-codes/",
        views_two_factor.renew_backup_codes,
        name="two_factor_backup_codes",
    ),
    path(
        "users/<str:username>/two-factor/reset/",
        views_users.user_reset_two_factor,
        name="user_reset_two_factor",
    ),
]

# The user's own profile page (accounts/views_profile.py).
from . import views_profile  # noqa: E402

urlpatterns += [path("profile/", views_profile.profile, name="profile")]
