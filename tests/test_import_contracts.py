"""Import contracts: the layers point one way, and assertion kinds stay behind their package.

The layers, lowest first (a module may import its own layer and the ones below it):

0. foundations: errors, findings, model, sanitize, sdfref, fsutil, yamlsrc, yamlread, yamlblock,
   yamlprime, jsonout, schemacheck, jsonin, restrictions (the restriction vocabulary), lazyre
1. catalog, login (what the catalog knows about logging in)
2. sources/ (files) and netsuite/ (the live account), which produces snapshots too
3. effective: effective permissions of an account (no policy, no date)
4. policy/: loading, compiling, selectors, selection, assertion kinds
5. engine: the evaluation loop
6. the features built on it: runner, gitbase, baseline, blast, diff, ruledocs, rulepages,
   policytest, sdfrole, and any top-level module not listed (list it lower if it is lower)
7. report/: renderers
8. config, starter, cli, checkcmd (the check command's work), entry, __main__

Each contract is checked on the source, every ``import`` counted (also inside functions),
except under ``if TYPE_CHECKING:``. CONTRIBUTING.md explains the layers.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "suitelint"

LAYERS: list[tuple[str, ...]] = [
    (
        "errors",
        "findings",
        "model",
        "sanitize",
        "sdfref",
        "fsutil",
        "diskcache",
        "yamlsrc",
        "yamlread",
        "yamlblock",
        "yamlprime",
        "jsonout",
        "schemacheck",
        "jsonin",
        "restrictions",
        "lazyre",
        "",
    ),
    ("catalog", "login"),
    ("sources", "netsuite"),
    ("effective",),
    ("policy",),
    ("engine",),
    (
        "runner",
        "gitbase",
        "baseline",
        "blast",
        "diff",
        "ruledocs",
        "rulepages",
        "policytest",
        "sdfrole",
    ),
    ("report",),
    ("config", "starter", "cli", "checkcmd", "entry", "__main__"),
]

#: imports that break a contract on purpose, each with its reason (import-linter's
#: ``ignore_imports``): keep this list short
ALLOWED: dict[tuple[str, str], str] = {
    # the generator of docs/rules/ (a development command) lives beside help_uri, which
    # the SARIF report uses; it loads the built-in packs inside the function that writes
    ("rulepages", "runner"): "docs/rules generator, imported inside a function",
}


def _module(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[tuple[str, int]]:
    """(imported suitelint module, line), ``suitelint.`` removed."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking(node):
            yield from (i for child in node.orelse for i in _imports(child))
            continue
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "suitelint":
                for alias in node.names:
                    yield alias.name, node.lineno
            elif node.module.startswith("suitelint."):
                base = node.module.removeprefix("suitelint.")
                for alias in node.names:
                    # "from suitelint.policy import assertions" imports a module
                    candidate = f"{base}.{alias.name}"
                    is_module = (SRC / Path(*candidate.split("."))).is_dir() or (
                        SRC / (str(Path(*candidate.split("."))) + ".py")
                    ).is_file()
                    yield (candidate if is_module else base), node.lineno
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("suitelint."):
                    yield alias.name.removeprefix("suitelint."), node.lineno
        yield from _imports(node)


def _graph() -> dict[str, list[tuple[str, int]]]:
    return {
        _module(path): sorted(set(_imports(ast.parse(path.read_text("utf-8")))))
        for path in sorted(SRC.rglob("*.py"))
    }


GRAPH = _graph()


def _layer(module: str) -> int:
    top = module.split(".")[0] if module else ""
    if top == "__version__":
        return 0
    for i, names in enumerate(LAYERS):
        if top in names:
            return i
    return FEATURES  # a new top-level module is a feature until it is listed lower


#: the layer of the features built on the engine, and of any module not listed
FEATURES = next(i for i, names in enumerate(LAYERS) if "runner" in names)


def test_each_package_is_in_one_layer() -> None:
    listed = [name for names in LAYERS for name in names]
    assert len(listed) == len(set(listed))
    for package in ("sources", "netsuite", "policy", "report", "catalog"):
        assert package in listed, f"{package}/ has a layer of its own"


def test_layers_point_one_way() -> None:
    wrong = [
        f"suitelint/{module.replace('.', '/')}:{line} imports suitelint.{target} "
        f"(layer {_layer(target)} is above layer {_layer(module)})"
        for module, targets in GRAPH.items()
        for target, line in targets
        if _layer(target) > _layer(module)
        and (module.split(".")[0], target.split(".")[0]) not in ALLOWED
    ]
    assert wrong == []


@pytest.mark.parametrize(("importer", "imported"), sorted(ALLOWED))
def test_each_allowed_exception_is_still_needed(importer: str, imported: str) -> None:
    assert any(
        t.split(".")[0] == imported
        for m, targets in GRAPH.items()
        if m.split(".")[0] == importer
        for t, _ in targets
    ), f"{importer} no longer imports {imported}: remove it from ALLOWED"


def test_assertion_kinds_are_reached_only_through_their_package() -> None:
    """Outside ``policy/assertions/`` nothing names a kind's module or record type: the
    engine, the compiler and the reports go through the registry and the protocol."""
    outside = [
        f"suitelint/{module.replace('.', '/')}:{line} imports suitelint.{target}"
        for module, targets in GRAPH.items()
        if not module.startswith("policy.assertions")
        for target, line in targets
        if target.startswith("policy.assertions.")
    ]
    assert outside == []


def test_assertion_kinds_import_nothing_above_the_policy_layer_nor_each_other_freely() -> None:
    """A kind's module imports the package's ``_base``, the compiler's helpers and lower
    layers; never the compiler itself (it imports the registry), the engine or a report."""
    for module, targets in GRAPH.items():
        if not module.startswith("policy.assertions"):
            continue
        for target, line in targets:
            assert target not in ("policy.compiler", "policy.select", "policy"), (
                f"suitelint/{module.replace('.', '/')}:{line} imports suitelint.{target}"
            )


def _cycles() -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on.add(node)
        for target, _ in GRAPH.get(node, ()):
            if target not in GRAPH:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    return found


def test_no_import_cycles() -> None:
    """Between modules, and so between packages (sources ↔ netsuite, auth ↔ client were)."""
    # A package's __init__ re-exporting its modules is not a cycle unless a module
    # imports the package back; the graph has both edges then, and this fails.
    assert _cycles() == []


def test_the_contract_sees_imports_inside_functions() -> None:
    """The checker itself: a lazy import is an import."""
    tree = ast.parse("def f():\n    from suitelint.engine import evaluate\n")
    assert list(_imports(tree)) == [("engine", 2)]
