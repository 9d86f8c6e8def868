"""Deep merge of YAML trees that remembers where every key came from.

One mechanism serves two needs: a content variant that `extends` another and overrides only some
texts, and a template overlay (large print) that changes only some sizes. Mappings merge key by
key; lists of mappings that all have an `id` merge item by item; anything else is replaced. Each
key keeps the file and line it came from, so errors still point at the right file, and the keys a
variant inherits can be listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kaartgen.model.yamlfile import YamlFile

Loc = tuple[Any, ...]
Origin = tuple[Path, int]
Problem = tuple[Loc, str, dict[str, Any]]  # (location in the model, message code, its parameters)


@dataclass
class Tree:
    data: Any
    origins: dict[Loc, Origin | None] = field(default_factory=dict)  # None: a merged node neither side placed
    inherited: list[Loc] = field(default_factory=list)  # subtrees taken whole from the base

    @classmethod
    def of(cls, yf: YamlFile, prefix: Loc = ()) -> Tree:
        return cls(yf.data, {prefix + loc: (yf.path, line) for loc, line in yf.lines.items()})

    def where(self, loc: Loc) -> Origin | None:
        """Origin of the deepest part of `loc` that exists."""
        best = self.origins.get(())
        current: Loc = ()
        for part in loc:
            if current + (part,) in self.origins:
                current += (part,)
                best = self.origins[current]
        return best


def _copy(src: dict[Loc, Origin | None], at: Loc, to: Loc, out: dict[Loc, Origin | None]) -> None:
    n = len(at)
    for loc, origin in src.items():
        if loc[:n] == at:
            out[to + loc[n:]] = origin


def _by_id(items: Any) -> bool:
    return isinstance(items, list) and all(isinstance(i, dict) and "id" in i for i in items)


def merge(base: Tree, over: Tree) -> Tree:
    """`over` on top of `base`."""
    result = Tree(None)

    def walk(b: Any, o: Any, pb: Loc, po: Loc, to: Loc) -> Any:
        if isinstance(b, dict) and isinstance(o, dict):
            result.origins[to] = over.origins.get(po) or base.origins.get(pb)
            merged = {}
            for key in b:
                if key in o:
                    merged[key] = walk(b[key], o[key], pb + (key,), po + (key,), to + (key,))
                else:
                    merged[key] = b[key]
                    _copy(base.origins, pb + (key,), to + (key,), result.origins)
                    result.inherited.append(to + (key,))
            for key in o:
                if key not in b:
                    merged[key] = o[key]
                    _copy(over.origins, po + (key,), to + (key,), result.origins)
            return merged
        if _by_id(b) and _by_id(o):
            result.origins[to] = over.origins.get(po) or base.origins.get(pb)
            index = {item["id"]: j for j, item in enumerate(o)}
            merged_list: list[Any] = []
            for i, item in enumerate(b):
                here = to + (len(merged_list),)
                if item["id"] in index:
                    j = index.pop(item["id"])
                    merged_list.append(walk(item, o[j], pb + (i,), po + (j,), here))
                else:
                    merged_list.append(item)
                    _copy(base.origins, pb + (i,), here, result.origins)
                    result.inherited.append(here)
            for j, item in enumerate(o):
                if item["id"] in index:
                    _copy(over.origins, po + (j,), to + (len(merged_list),), result.origins)
                    merged_list.append(item)
            return merged_list
        _copy(over.origins, po, to, result.origins)
        return o

    result.data = walk(base.data, over.data, (), (), ())
    return result
