from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Performa — amministrazione"
admin.site.site_title = "Performa"
admin.site.index_title = "Amministrazione"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("performa.web.urls")),
]
