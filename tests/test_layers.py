"""The package's layers only point down: a module imports from its own subpackage or from
a lower layer, never from a layer above it, a sibling of its layer or the package root."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "scraper"
# Bottom to top (drawn in docs/internals.md). Units of one layer do not import each other,
# but in the bottom one (the public types).
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"_version", "errors", "config", "record"}),
    frozenset({"text"}),
    frozenset({"net", "rules", "model"}),
    frozenset({"lines"}),
    frozenset({"clean", "html"}),
    frozenset({"extractor"}),
    frozenset({"run"}),
    frozenset({"archive"}),
    frozenset({"crawl"}),
    frozenset({"train", "cli"}),
)
RANK = {unit: rank for rank, units in enumerate(LAYERS) for unit in units}


def _imports(path: Path, package_dir: Path) -> list[str]:
    """The scraper modules (and names) `path` imports from, as absolute dotted names."""
    parts = path.relative_to(package_dir.parent).with_suffix("").parts
    package = parts if path.name == "__init__.py" else parts[:-1]
    package = package[:-1] if package[-1:] == ("__init__",) else package
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(package[: len(package) - node.level + 1])
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target == "scraper" or target.startswith("scraper."):
                found += [target] if node.module else [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "scraper"]
    return found


def _unit(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else ""


def upward_imports(package_dir: Path = PACKAGE) -> list[str]:
    """Every import that points up, sideways or at the package root."""
    wrong = []
    for path in sorted(package_dir.rglob("*.py")):
        source = _unit(".".join(path.relative_to(package_dir.parent).with_suffix("").parts))
        if source in ("", "__init__", "__main__"):
            continue  # the package root re-exports the public face
        assert source in RANK, f"{path}: {source!r} is in no declared layer"
        for target in _imports(path, package_dir):
            unit = _unit(target)
            if unit == source:
                continue
            if unit in ("", "__version__") or unit not in RANK:
                wrong.append(f"{path.relative_to(package_dir)} imports the package root ({target})")
            elif RANK[unit] > RANK[source] or (RANK[unit] == RANK[source] and RANK[unit] > 0):
                wrong.append(f"{path.relative_to(package_dir)} imports {target} "
                             f"(layer {RANK[unit]} from layer {RANK[source]})")
    return wrong


def test_every_import_points_down() -> None:
    assert upward_imports() == []


def test_the_check_finds_an_import_that_points_up(tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "scraper"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("*.json", "__pycache__"))
    module = copy / "text" / "normalize.py"
    module.write_text(module.read_text(encoding="utf-8") + "\nfrom ..html.prune import prune\n",
                      encoding="utf-8")
    (copy / "lines" / "span.py").write_text("from .. import Extractor\n", encoding="utf-8")
    wrong = upward_imports(copy)
    assert any("text/normalize.py imports scraper.html.prune" in w for w in wrong)
    assert any("lines/span.py imports the package root" in w for w in wrong)
