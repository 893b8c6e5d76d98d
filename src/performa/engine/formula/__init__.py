"""The formula language of indicator algorithms.

Indicators are computed from variables with formulas written the way planning documents write
them (``N_Imprese_CD / N_ImprAtt``, ``Dip-Form / (Unit_Stab + N_Dir)``, ``1.000,5``, ``15%``).
The text comes from users and imported documents, so it is never handed to ``eval``/``ast``:
a small hand-written lexer and a recursive-descent parser build an immutable tree, which is
compiled once into nested closures so that the engine can evaluate hundreds of thousands of
formulas per second.

Language summary (documented for users and for the rest of the code base):

* numbers: ``12``, ``2.5``, ``0,5``, ``1.000`` (a dot followed by exactly three digits after a
  1-3 digit group not starting with 0 is a thousands separator, so ``1.234`` is 1234 and
  ``0.500`` one half), ``1.000,5``, ``15%`` and ``20 %`` (= 0.15, 0.2): the grammar of values
  and targets (``engine.values.scan_number``), so a text is the same number in all three. A
  comma directly followed by a digit belongs to the number, so function arguments are
  separated by ``;`` or by a comma followed by a space: ``min(a, 1,5)`` is ``min(a; 1.5)``;
* operators, loosest first: ``or`` < ``and`` < ``not`` < comparisons (``> < >= <= = == != <>
  ≥ ≤ ≠``, true = 1, false = 0, not chainable) < ``+ -`` < ``* /`` (also the signs U+00D7 and
  U+00F7) < unary minus; ``x`` is a name, not an operator;
* names: a letter or ``_`` followed by letters, digits, ``_``, ``.`` and ``-`` (a ``-`` glued
  between two name characters belongs to the name: ``Dip-Form``), or anything in square
  brackets: ``[Proventi correnti]``. With ``parse(text, known=...)`` a hyphenated name that is
  not known but whose pieces are known is read as a subtraction;
* functions (case-insensitive, with Italian aliases): ``min``, ``max``, ``avg``/``media``,
  ``sum``/``somma``, ``if``/``se``, ``abs``, ``prev``/``prec`` (previous year's value of a
  variable), ``achievement``/``raggiungimento`` (achievement of another plan node, by code).

Evaluation never raises. A value that is not available (n.d., ``None``) makes arithmetic and
comparisons n.d., while ``min/max/avg/sum`` skip it like a spreadsheet does; ``if`` evaluates only
the branch it takes and ``and``/``or`` stop early (three-valued logic: ``0 and n.d.`` is 0).
Failures (unknown variable or node, division by zero, overflow, bad input) are returned as
:class:`FormulaError` values, the first one met left to right winning over n.d., so that one bad
indicator does not stop the computation of a whole plan.

``str(formula)`` is a canonical text (English function names, plain numbers, single spaces,
only the parentheses needed) that parses back to an equal formula.

The modules, each importing only those before it: ``types`` (public types, limits), ``lexer``,
``syntax`` (tree and parser), ``printer`` (canonical text), ``compiler`` (closures) and ``api``
(:class:`Formula`, :func:`parse`, :func:`find_cycles`); this file only re-exports.
"""

from __future__ import annotations

from .api import Formula, evaluate, find_cycles, parse
from .types import MAX_DEPTH, MAX_LENGTH, Env, FormulaError, FormulaSyntaxError, MappingEnv, Number

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "Env",
    "Formula",
    "FormulaError",
    "FormulaSyntaxError",
    "MappingEnv",
    "Number",
    "evaluate",
    "find_cycles",
    "parse",
]
