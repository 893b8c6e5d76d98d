"""The one way every command finds the body (ente) that ``--body`` names.

An administrator types «Pistoia-Prato» or «camera di commercio di pistoia-prato» as often as
the registered name, and each command used to match it its own way (exact here, fuzzy there),
so the same words worked for ``report`` and failed for ``compute`` with a misleading message.
:func:`find_body` is the single rule: the exact name; else the name (or short name) regardless
of case; else the one body whose name contains the words. Anything else is a
:class:`~performa.cli.errors.CommandError` that lists the bodies, so the next attempt can succeed.

Django is imported inside the function (see performa.cli): call it after ``setup_django()``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from performa.cli.errors import CommandError

if TYPE_CHECKING:
    from performa.plans.models import Body

# A national instance holds some 60 chambers and their predecessors: name a few, count the rest.
SHOWN = 20


def _names(names: list[str]) -> str:
    shown = ", ".join(f"«{name}»" for name in names[:SHOWN])
    more = len(names) - SHOWN
    return shown + (f" e altri {more}" if more > 0 else "")


def find_body(name: str, *, optional: bool = False) -> Body:
    """The body ``name`` designates, or a CommandError (exit code 2) saying why none.

    With ``optional`` an empty name means "the only body there is", for the commands whose
    ``--body`` may be left out on a single-body instance.
    """
    from performa.plans.models import Body

    bodies = Body.objects.order_by("name")
    text = name.strip()
    if not text:
        every = list(bodies[:2])
        if optional and len(every) == 1:
            return every[0]
        if not every:
            raise CommandError("nessun ente caricato (performa import-plan o performa demo)")
        known = list(bodies.values_list("name", flat=True))
        raise CommandError(f"l'istanza ha più enti: indicare --body tra {_names(known)}")
    exact = bodies.filter(name=text).first()
    if exact is not None:
        return exact
    for candidates in (bodies.filter(name__iexact=text), bodies.filter(short_name__iexact=text),
                       bodies.filter(name__icontains=text)):
        found = list(candidates)
        if len(found) == 1:
            return found[0]
        if found:
            raise CommandError(f"«{text}» indica più enti: {_names([b.name for b in found])}: "
                               "scrivere il nome per intero")
    known = list(bodies.values_list("name", flat=True))
    if not known:
        raise CommandError(f"ente «{text}» non trovato: nessun ente caricato "
                           "(performa import-plan o performa demo)")
    raise CommandError(f"ente «{text}» non trovato: gli enti sono {_names(known)}")
