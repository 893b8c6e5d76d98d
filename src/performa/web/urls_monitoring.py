from django.urls import path

from performa.web.views import entry, monitoring, phases

urlpatterns = [
    path("", monitoring.dashboard, name="dashboard"),
    path("albero/", monitoring.tree, name="tree"),
    path("albero/organizzazione/", monitoring.tree_units, name="tree_units"),
    path("indicatori/", monitoring.indicators, name="indicators"),
    path("schede/<str:code>/", monitoring.card, name="card"),
    path("schede/<str:code>/fasi/<int:phase_id>/completamento/", phases.completion,
         name="phase_completion"),
    path("perche/<int:result_set_id>/<str:tree_name>/<path:key>/", monitoring.why, name="why"),
    path("inserimento/", entry.entry, name="entry"),
    path("inserimento/<int:period_id>/<str:kind>/<int:owner_id>/", entry.save,
         name="entry_save"),
]
