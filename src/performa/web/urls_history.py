from django.urls import path

from performa.web.views import history

urlpatterns = [
    path("storia/<str:app_label>/<str:model_name>/<int:pk>/", history.history, name="history"),
]
