from django.urls import path

from performa.web.views import members

urlpatterns = [
    path("", members.members_page, name="members"),
    path("nuovo/", members.grant, name="member_grant"),
    path("<int:membership_id>/togli/", members.revoke, name="member_revoke"),
]
