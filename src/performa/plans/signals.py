"""What the plan tells the layers above it, which it may not import.

``plan_adopted``: a version came into force (``actions.adopt``). Measuring recomputes the
figures of the cycle's periods under it (``performa.measures.signals``).

``nodes_deleting``: an edit of a draft is about to delete indicators, and with ``cards`` the
cards holding them (``editing``). A receiver refuses by raising ``ValidationError``, inside
the edit's transaction: measuring refuses to lose measured data (``performa.measures.keeping``).
"""

from django.dispatch import Signal

plan_adopted = Signal()  # sent with version=<PlanVersion>
nodes_deleting = Signal()  # sent with indicators=<QuerySet[Indicator]>, cards=<QuerySet | None>
