from django.contrib import admin
from django.urls import include, path

from performa.api.app import api

admin.site.site_header = "Performa — amministrazione"
admin.site.site_title = "Performa"
admin.site.index_title = "Amministrazione"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("performa.web.urls")),
]
