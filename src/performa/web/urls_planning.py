"""The planning editor, under ``enti/<body_id>/pianificazione/``.

``<level>`` is ``ambiti``, ``obiettivi-strategici`` or ``schede``.
"""

from django.urls import path

from performa.web.views.planning import cards, compare, formula, parts, tree, versions

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
    # Before NODE, which «fasi/<id>/» and «azioni/<id>/» would match too.
    path("versioni/<int:version_id>/fasi/<int:phase_id>/", parts.phase_edit,
         name="planning_phase_edit"),
    path("versioni/<int:version_id>/fasi/<int:phase_id>/elimina/", parts.phase_delete,
         name="planning_phase_delete"),
    path("versioni/<int:version_id>/azioni/<int:action_id>/", parts.action_edit,
         name="planning_action_edit"),
    path("versioni/<int:version_id>/azioni/<int:action_id>/elimina/", parts.action_delete,
         name="planning_action_delete"),
    path("versioni/<int:version_id>/schede/<int:pk>/azioni/aggiungi/", parts.action_new,
         name="planning_action_new"),
    path("versioni/<int:version_id>/<slug:level>/aggiungi/", tree.node_new,
         name="planning_new"),
    path(NODE, tree.node_edit, name="planning_edit"),
    path(NODE + "elimina/", tree.node_delete, name="planning_delete"),
    path(NODE + "fasi-e-azioni/", parts.parts, name="planning_parts"),
    path(NODE + "fasi/aggiungi/", parts.phase_new, name="planning_phase_new"),
    path(NODE + "sposta/", tree.node_move, name="planning_move"),
    path(NODE + "ordina/<str:direction>/", tree.node_reorder, name="planning_reorder"),
]
