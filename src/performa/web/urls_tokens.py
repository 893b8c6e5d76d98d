from django.urls import path

from performa.web.views import tokens

urlpatterns = [
    path("", tokens.tokens_page, name="tokens"),
    path("nuovo/", tokens.create, name="token_create"),
    path("<int:token_id>/revoca/", tokens.revoke, name="token_revoke"),
]
