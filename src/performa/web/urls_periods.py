from django.urls import path

from performa.web.views import evidence, periods

urlpatterns = [
    path("rilevazioni/", periods.periods, name="periods"),
    path("rilevazioni/nuova/", periods.create_period, name="period_create"),
    path("rilevazioni/<int:period_id>/stato/", periods.move_period, name="period_move"),
    path("rilevazioni/<int:period_id>/valori/<int:value_id>/documento/", evidence.download,
         name="evidence"),
    path("validazione/", periods.validation, name="validation"),
    path("validazione/<int:period_id>/", periods.validation_period, name="validation_period"),
    path("validazione/<int:period_id>/valida/", periods.validate, name="validate_period"),
]
