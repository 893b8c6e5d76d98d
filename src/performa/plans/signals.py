"""What the plan tells the layers above it, which it may not import.

``plan_adopted``: a version came into force (``actions.adopt``). Measuring recomputes the
figures of the cycle's periods under it (``performa.measures.signals``).
"""

from django.dispatch import Signal

plan_adopted = Signal()  # sent with version=<PlanVersion>
