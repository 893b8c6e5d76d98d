"""The planning editor, under ``enti/<body_id>/pianificazione/``.

``<level>`` is ``ambiti``, ``obiettivi-strategici`` or ``schede``.
"""

from django.urls import path

from performa.web.views import planning

NODE = "versioni/<int:version_id>/<slug:level>/<int:pk>/"

urlpatterns = [
    path("", planning.versions, name="planning"),
    path("aggiornamento/", planning.amend, name="planning_amend"),
    path("confronta/", planning.compare, name="planning_compare"),
    path("versioni/<int:version_id>/", planning.version, name="planning_version"),
    path("versioni/<int:version_id>/adotta/", planning.adopt, name="planning_adopt"),
    path("versioni/<int:version_id>/formula/", planning.formula, name="planning_formula"),
    path("versioni/<int:version_id>/schede/<int:pk>/indicatori/", planning.indicators,
         name="planning_indicators"),
    path("versioni/<int:version_id>/<slug:level>/aggiungi/", planning.node_new,
         name="planning_new"),
    path(NODE, planning.node_edit, name="planning_edit"),
    path(NODE + "elimina/", planning.node_delete, name="planning_delete"),
    path(NODE + "sposta/", planning.node_move, name="planning_move"),
    path(NODE + "ordina/<str:direction>/", planning.node_reorder, name="planning_reorder"),
]
