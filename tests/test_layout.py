"""The layout holds: apps depend on each other one way, and no module imports itself round a circle.

    core <- outbox <- members <- meetings <- materials <- rectification <- reports <- notices

Each app may import the apps before it; `config` and `demo` may import all of them. Every import
counts, including those inside functions (a lazy import is still a dependency). The other
direction goes through signals (meetings.signals).
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["core", "outbox", "members", "meetings", "materials", "rectification", "reports", "notices"]
OUTER = ["config", "demo"]
PACKAGES = ORDER + OUTER


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The project module an imported name lives in (a module, or the package that defines it)."""
    while name:
        if name in MODULES:
            return name
        name = name.rpartition(".")[0]
    return None


def _imports(module: str, path: Path) -> set[str]:
    """Every project module this one imports, at the top or inside a function."""
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                origin = ".".join(base + ([node.module] if node.module else []))
            else:
                origin = node.module or ""
            targets = [f"{origin}.{alias.name}" for alias in node.names] + [origin]
        else:
            continue
        for target in targets:
            resolved = _resolve(target)
            if resolved and resolved != module:
                found.add(resolved)
    return found


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _app(module: str) -> str:
    return module.split(".")[0]


def _wrong_imports(graph: dict[str, set[str]]) -> list[str]:
    wrong = []
    for module, targets in graph.items():
        app = _app(module)
        for target in targets:
            other = _app(target)
            if other == app or app in OUTER:
                continue
            if other in OUTER or ORDER.index(other) > ORDER.index(app):
                wrong.append(f"{module} imports {target}")
    return wrong


def test_every_app_imports_only_the_apps_before_it():
    assert _wrong_imports(GRAPH) == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []
    counter = [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_no_module_imports_itself_round_a_circle():
    assert _cycles(GRAPH) == []


def test_the_checks_find_what_they_look_for():
    """The walker sees lazy and relative imports, and the cycle finder finds a circle."""
    assert "members.models" in GRAPH["members.permissions"]
    assert "meetings.signals" in GRAPH["rectification.apps"]  # imported inside ready()
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_outbox_depends_on_core_only_and_the_apps_may_use_it():
    """The outbox knows nothing of what its emails are about; the apps that send mail go through it."""
    outbox_targets = {_app(t) for m, targets in GRAPH.items() if _app(m) == "outbox" for t in targets}
    assert outbox_targets <= {"core", "outbox"}
    for app in ["members", "meetings", "materials", "rectification", "notices"]:
        assert _wrong_imports({f"{app}.services": {"outbox.services"}}) == []
        assert _wrong_imports({"outbox.services": {f"{app}.models"}}) == ["outbox.services imports " + f"{app}.models"]
    assert _wrong_imports({"core.views": {"outbox.services"}}) == ["core.views imports outbox.services"]
    assert "outbox.services" in GRAPH["materials.notifications"]
    assert "outbox.services" in GRAPH["rectification.reminders"]


def test_core_holds_no_models():
    assert not (ROOT / "core" / "models.py").exists()
    assert not (ROOT / "core" / "migrations").exists()
