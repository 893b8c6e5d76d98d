"""The planning editor, under ``enti/<body_id>/pianificazione/``.

``<level>`` is ``ambiti``, ``obiettivi-strategici`` or ``schede``.
"""

from django.urls import path

from performa.web.views.planning import cards, compare, formula, tree, versions

NODE = "versioni/<int:version_id>/<slug:level>/<int:pk>/"

urlpatterns = [
    path("", versions.versions, name="planning"),
    path("aggiornamento/", versions.amend, name="planning_amend"),
    path("confronta/", compare.compare, name="planning_compare"),
    path("versioni/<int:version_id>/", tree.version, name="planning_version"),
    path("versioni/<int:version_id>/adotta/", versions.adopt, name="planning_adopt"),
    path("versioni/<int:version_id>/formula/", formula.formula, name="planning_formula"),
    path("versioni/<int:version_id>/schede/<int:pk>/indicatori/", cards.indicators,
         name="planning_indicators"),
    path("versioni/<int:version_id>/<slug:level>/aggiungi/", tree.node_new,
         name="planning_new"),
    path(NODE, tree.node_edit, name="planning_edit"),
    path(NODE + "elimina/", tree.node_delete, name="planning_delete"),
    path(NODE + "sposta/", tree.node_move, name="planning_move"),
    path(NODE + "ordina/<str:direction>/", tree.node_reorder, name="planning_reorder"),
]
