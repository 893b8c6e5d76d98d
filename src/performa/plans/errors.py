"""The one error every plan format raises when a file cannot be read into a PlanDocument.

A planning office must be able to find and fix the problem, so the error names *where*
(``location``: a JSON path such as ``areas[0].objectives[1].operational[2].indicators[3].weight``,
or a workbook cell such as ``foglio Indicatori, riga 14, colonna Peso``) and *why* (``reason``,
in Italian). ``str(error)`` is the message shown to the user: ``«{location}»: {reason}``.

It is a ``ValueError``: callers that only care that the input was bad can catch that.
"""

from __future__ import annotations

__all__ = ["InterchangeError"]


class InterchangeError(ValueError):
    """A plan file that cannot be read: where (``location``) and why (``reason``, Italian)."""

    location: str
    reason: str

    def __init__(self, location: str, reason: str) -> None:
        self.location = location
        self.reason = reason
        super().__init__(f"«{location}»: {reason}")

    def __reduce__(self) -> tuple[type[InterchangeError], tuple[str, str]]:
        # The default pickling calls cls(message); keep both parts across processes.
        return (type(self), (self.location, self.reason))
