from django.contrib.auth import views as auth_views
from django.urls import include, path

from performa.web.views import budget, home, members

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("enti/", home.bodies, name="bodies"),
    path("accedi/", auth_views.LoginView.as_view(template_name="web/login.html",
                                                 redirect_authenticated_user=True),
         name="login"),
    path("esci/", auth_views.LogoutView.as_view(), name="logout"),
    path("enti/<int:body_id>/", include("performa.web.urls_monitoring")),
    path("enti/<int:body_id>/pianificazione/", include("performa.web.urls_planning")),
    path("enti/<int:body_id>/", include("performa.web.urls_periods")),
    path("", include("performa.web.urls_history")),
    path("enti/<int:body_id>/bilancio/", budget.budget, name="budget"),
    path("enti/<int:body_id>/documenti/", include("performa.web.urls_documents")),
    path("enti/<int:body_id>/utenti/", include("performa.web.urls_members")),
    path("enti/<int:body_id>/utenti/inviti/<int:invitation_id>/ritira/", members.withdraw,
         name="member_withdraw"),
    path("profilo/inviti/", members.invitations_page, name="invitations"),
    path("profilo/inviti/<int:invitation_id>/accetta/", members.accept,
         name="invitation_accept"),
    path("profilo/inviti/<int:invitation_id>/rifiuta/", members.decline,
         name="invitation_decline"),
    path("profilo/token/", include("performa.web.urls_tokens")),
]
