"""Weighted means up a tree, each figure with the explanation that answers "why 87%?".

The same mechanism serves the strategic tree (indicators → operational objective → strategic
objective → area → body) and the organisational one (objectives → office → area): a tree is
just nodes with weights, and a leaf names the achievement it takes (``source``), so one
objective may sit under several offices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol

from .values import format_number, format_percent

__all__ = ["Explanation", "Leaf", "Measured", "Node", "Part", "Rollup", "weighted_mean"]

# Declared weights that miss 100% by less than this are rounding (7 × 14,3% = 100,1%).
WEIGHT_ROUNDING = 0.005


class Measured(Protocol):
    """What a roll-up reads of a child: indicator results and explanations both qualify.

    ``display`` is read only when someone looks, so computing a national set formats nothing.
    """

    @property
    def achievement(self) -> float | None: ...

    @property
    def display(self) -> str: ...  # the measured value as shown, e.g. "88%"

    @property
    def reason(self) -> str: ...  # why it is missing, when achievement is None


@dataclass(frozen=True, slots=True)
class Leaf:
    """A measured achievement given as plain figures (tests, imports, other trees)."""

    achievement: float | None
    display: str = ""
    reason: str = ""


@dataclass(slots=True)
class Node:
    key: str
    label: str = ""
    weight: float | None = None  # share within its parent, as a fraction; None = equal shares
    children: list[Node] = field(default_factory=list)
    source: str | None = None  # leaves: key of the achievement to read; defaults to ``key``


@dataclass(frozen=True, slots=True)
class Part:
    key: str
    label: str
    weight: float | None  # as declared
    share: float  # effective weight after re-normalisation; 0 when left out
    source: Measured
    left_out: str = ""  # why the part does not count; empty when it counts

    @property
    def achievement(self) -> float | None:
        return self.source.achievement

    @property
    def value(self) -> str:
        return self.source.display


@dataclass(frozen=True, slots=True)
class Explanation:
    key: str
    label: str
    achievement: float | None
    parts: tuple[Part, ...]
    notes: tuple[str, ...] = ()

    @property
    def display(self) -> str:
        return format_percent(self.achievement)

    @property
    def reason(self) -> str:
        return "" if self.achievement is not None else "; ".join(self.notes)

    @property
    def counted(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if not p.left_out)

    @property
    def left_out(self) -> tuple[Part, ...]:
        return tuple(p for p in self.parts if p.left_out)

    def text(self) -> str:
        """The figure in one Italian paragraph, as the "perché?" panel and documents show it."""
        name = self.label or self.key
        if self.achievement is None:
            head = f"{name}: non disponibile"
        else:
            terms = " + ".join(
                f"{format_percent(p.achievement)} × {format_number(p.share * 100, 1)}%"
                for p in self.counted
            )
            head = f"{name}: {format_percent(self.achievement)} = {terms}"
        lines = [head]
        lines += [f"escluso «{p.label or p.key}»: {p.left_out}" for p in self.left_out]
        lines += list(self.notes)
        return "; ".join(lines)


def weighted_mean(
    key: str, label: str, items: Iterable[tuple[str, str, float | None, Measured]]
) -> Explanation:
    """Mean of ``(key, label, weight, leaf)`` items, leaving out what cannot count.

    n.d. items and items with no weight (when others have one) are left out and the other
    weights re-normalised, so a missing figure neither counts as zero nor distorts the rest.
    """
    items = list(items)
    weighted = False
    for item in items:
        if item[2] is not None:
            weighted = True
            break
    included: list[tuple[str, str, float | None, Measured, float, float]] = []
    excluded: list[Part] = []
    total = 0.0
    for k, lab, w, leaf in items:
        achievement = leaf.achievement
        if achievement is None:
            excluded.append(Part(k, lab, w, 0.0, leaf, leaf.reason or _NOT_AVAILABLE))
        elif weighted and w is None:
            excluded.append(Part(k, lab, w, 0.0, leaf, "peso non indicato"))
        else:
            effective = 1.0 if w is None else w
            total += effective
            included.append((k, lab, w, leaf, effective, achievement))
    if not included or total <= 0:
        reason = "nessun elemento valutabile" if not included else "pesi tutti a zero"
        zero_weighted = [Part(k, lab, w, 0.0, leaf) for k, lab, w, leaf, _, _ in included]
        return Explanation(key, label, None, (*zero_weighted, *excluded), (reason,))
    notes: list[str] = []
    declared = sum(w for _, _, w, _ in items if w is not None) if weighted else None
    if declared is not None and abs(declared - 1.0) > WEIGHT_ROUNDING:
        notes.append(
            f"la somma dei pesi dichiarati è {format_number(declared * 100, 1)}%: "
            "pesi ri-normalizzati a 100%"
        )
    if excluded:
        counted = f"{len(included)} su {len(items)}"
        notes.append(f"pesi ri-normalizzati sugli elementi valutabili ({counted})")
    achieved = 0.0
    parts: list[Part] = []
    for k, lab, w, leaf, effective, achievement in included:
        share = effective / total
        achieved += achievement * share
        parts.append(Part(k, lab, w, share, leaf))
    return Explanation(key, label, achieved, (*parts, *excluded), tuple(notes))


class Rollup:
    """A tree ready to roll up, and to roll up again from one changed leaf only.

    ``compute`` walks the whole tree once; ``update`` recomputes the ancestors of the leaves
    whose source changed, which is what keeps a one-value edit in milliseconds.
    """

    def __init__(self, root: Node) -> None:
        self.root = root
        self._parent: dict[str, Node] = {}
        self._by_key: dict[str, Node] = {}
        self._leaves_by_source: dict[str, list[Node]] = {}
        self._index(root)
        self.results: dict[str, Explanation] = {}
        self._leaves: Mapping[str, Measured] = {}

    def _index(self, node: Node) -> None:
        if node.key in self._by_key:
            raise ValueError(f"nodo «{node.key}» presente due volte nell'albero")
        self._by_key[node.key] = node
        if not node.children:
            self._leaves_by_source.setdefault(node.source or node.key, []).append(node)
        for child in node.children:
            self._parent[child.key] = node
            self._index(child)

    def has(self, key: str) -> bool:
        return key in self._by_key

    def sources_under(self, key: str) -> set[str]:
        """The leaf sources a node's figure is made of (empty for an unknown key)."""
        stack = [self._by_key[key]] if key in self._by_key else []
        sources: set[str] = set()
        while stack:
            node = stack.pop()
            if node.children:
                stack.extend(node.children)
            else:
                sources.add(node.source or node.key)
        return sources

    def compute(self, leaves: Mapping[str, Measured]) -> dict[str, Explanation]:
        self._leaves = leaves
        self.results = {}
        self._compute(self.root)
        return self.results

    def _compute(self, node: Node) -> Measured:
        if not node.children:
            return self._leaves.get(node.source or node.key, _MISSING)
        items = [(c.key, c.label, c.weight, self._compute(c)) for c in node.children]
        explanation = weighted_mean(node.key, node.label, items)
        self.results[node.key] = explanation
        return explanation

    def update(self, leaves: Mapping[str, Measured], changed: Iterable[str]) -> set[str]:
        """Recompute after the sources in ``changed`` moved; returns the node keys redone."""
        self._leaves = leaves
        dirty: dict[str, Node] = {}
        for source in changed:
            for leaf in self._leaves_by_source.get(source, ()):
                parent = self._parent.get(leaf.key)
                while parent is not None:
                    dirty[parent.key] = parent
                    parent = self._parent.get(parent.key)
        # Deepest first, so each parent reads its children's fresh figures.
        for node in sorted(dirty.values(), key=self._depth, reverse=True):
            items = [(c.key, c.label, c.weight, self._child_leaf(c)) for c in node.children]
            self.results[node.key] = weighted_mean(node.key, node.label, items)
        return set(dirty)

    def _child_leaf(self, child: Node) -> Measured:
        if not child.children:
            return self._leaves.get(child.source or child.key, _MISSING)
        return self.results[child.key]

    def _depth(self, node: Node) -> int:
        depth, parent = 0, self._parent.get(node.key)
        while parent is not None:
            depth, parent = depth + 1, self._parent.get(parent.key)
        return depth


_NOT_AVAILABLE = "valore non disponibile (n.d.)"
_MISSING = Leaf(None, "", "nessun valore rilevato")

