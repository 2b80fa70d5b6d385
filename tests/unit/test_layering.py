"""The layering of ``commission/``, read from the source: dependencies run one
way, with no cycle and no import hidden inside a function to dodge one.

    top      the app factory, cli, seeding/, dashboard/
    web      each area's views and forms; templating, errorhandlers
    domain   services, queries, policy, subscribers, exports, ...
    models   each area's models
    core     extensions, timeutil, db_types, errors, storage, signals, access, ...

A module may import from its own layer or any layer below, never above. The
layering is drawn in docs/architecture.md; keep the two together.

Modules are parsed with ``ast``, not imported, so the test sees exactly the
import statements: those a module runs when it is imported (at the top, or in
a class body) make the graph; those under ``if TYPE_CHECKING:`` are checked
against the layering but cannot make a cycle; those inside a function are
refused unless listed in ``DEFERRED`` with the reason.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "commission"

CORE, MODELS, DOMAIN, WEB, TOP = range(5)
LAYER_NAMES = {CORE: "core", MODELS: "models", DOMAIN: "domain", WEB: "web", TOP: "top"}

CORE_MODULES = {
    "commission.access",
    "commission.actions",
    "commission.auth.passwords",
    "commission.auth.roles",
    "commission.changes",
    "commission.config",
    "commission.db_types",
    "commission.devserver",
    "commission.errors",
    "commission.extensions",
    "commission.forms",
    "commission.jobs",
    "commission.kept_forms",
    "commission.links",
    "commission.logging",
    "commission.mail",
    "commission.pagination",
    "commission.security",
    "commission.signals",
    "commission.storage",
    "commission.text",
    "commission.timeutil",
}
TOP_PACKAGES = ("commission.seeding", "commission.dashboard")
WEB_MODULES = {"commission.templating", "commission.errorhandlers"}

# Imports that may stay inside a function, and why.
FACTORY = (
    "the app factory wires every area together; importing the package (for "
    "commission.timeutil, say) must not import every area, WeasyPrint and all"
)
DEFERRED = {
    ("commission", part): FACTORY
    for part in (
        "create_app",
        "_flask_app",
        "_init_core",
        "_connect_areas",
        "_init_sign_in",
        "_register_blueprints",
    )
}

# Only these may import the notifications area (the app factory connects its
# receivers, the cli runs its worker, commission.models registers every model
# for Alembic): the areas announce domain events instead.
NOTIFICATIONS_IMPORTERS = {"commission", "commission.cli", "commission.models"}

# Search reads every area and follows their changes through session events
# (commission/search/index.py): no area imports it, so search can never be
# forgotten by one, nor make a cycle. Only the app factory (which connects
# it), the cli (reindex) and the models list do.
SEARCH_IMPORTERS = {"commission", "commission.cli", "commission.models"}


def layer_of(module: str, packages: frozenset[str] = frozenset()) -> int:
    last = module.rsplit(".", 1)[-1]
    if module in {"commission", "commission.cli"} or module.startswith(TOP_PACKAGES):
        return TOP
    if module in CORE_MODULES:
        return CORE
    if module in WEB_MODULES or last in {"views", "forms"}:
        return WEB
    if last == "models":
        return MODELS
    if module in packages:
        return CORE  # an area's package itself holds nothing
    return DOMAIN


@dataclass(frozen=True)
class Import:
    source: str
    target: str
    line: int
    kind: str  # "runtime", "type-checking" or "deferred"
    function: str = ""


@dataclass
class Graph:
    modules: dict[str, Path] = field(default_factory=dict)
    packages: frozenset[str] = frozenset()
    imports: list[Import] = field(default_factory=list)

    def runtime_edges(self) -> dict[str, set[str]]:
        edges: dict[str, set[str]] = {name: set() for name in self.modules}
        for found in self.imports:
            if found.kind == "runtime" and found.target != found.source:
                edges[found.source].add(found.target)
        return edges


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _targets(node: ast.Import | ast.ImportFrom, modules: dict[str, Path]) -> list[str]:
    """The commission modules an import statement loads."""
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif node.level or node.module is None:
        raise AssertionError("relative imports are not used in commission/")
    else:
        names = []
        for alias in node.names:
            submodule = f"{node.module}.{alias.name}"
            names.append(submodule if submodule in modules else node.module)
    wanted = [name for name in names if name == "commission" or name.startswith("commission.")]
    return list(dict.fromkeys(wanted))


def _walk(body: list[ast.stmt], kind: str, function: str, source: str, graph: Graph) -> None:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            for target in _targets(node, graph.modules):
                graph.imports.append(Import(source, target, node.lineno, kind, function))
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            _walk(node.body, "deferred", function or node.name, source, graph)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            _walk(node.body, "type-checking", function, source, graph)
            _walk(node.orelse, kind, function, source, graph)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    _walk([child], kind, function, source, graph)


def read_graph(package: Path = PACKAGE) -> Graph:
    graph = Graph()
    for path in sorted(package.rglob("*.py")):
        graph.modules[module_name(path, package)] = path
    graph.packages = frozenset(
        name for name, path in graph.modules.items() if path.name == "__init__.py"
    ) - {"commission"}
    for name, path in graph.modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        _walk(tree.body, "runtime", "", name, graph)
    return graph


def find_cycle(edges: dict[str, set[str]]) -> list[str]:
    """One import cycle, as the modules along it, or [] if there is none."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def visit(module: str) -> list[str]:
        path.append(module)
        on_path.add(module)
        for target in sorted(edges.get(module, ())):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done:
                cycle = visit(target)
                if cycle:
                    return cycle
        on_path.discard(path.pop())
        done.add(module)
        return []

    for module in sorted(edges):
        if module not in done:
            cycle = visit(module)
            if cycle:
                return cycle
    return []


def layering_problems(graph: Graph) -> list[str]:
    problems = []
    for found in graph.imports:
        if found.kind == "deferred":
            if (found.source, found.function) not in DEFERRED:
                problems.append(
                    f"{found.source}:{found.line} imports {found.target} inside "
                    f"{found.function}(); import it at the top of the module"
                )
            continue
        source = layer_of(found.source, graph.packages)
        target = layer_of(found.target, graph.packages)
        if target > source:
            problems.append(
                f"{found.source}:{found.line} ({LAYER_NAMES[source]}) imports "
                f"{found.target} ({LAYER_NAMES[target]}), a layer above it"
            )
        if (
            found.source.endswith(".views")
            and found.target.endswith(".views")
            and found.source != found.target
        ):
            problems.append(
                f"{found.source}:{found.line} imports another blueprint's views "
                f"({found.target}); share through the area's queries or services"
            )
        if (
            found.target.startswith("commission.notifications")
            and not found.source.startswith("commission.notifications")
            and found.source not in NOTIFICATIONS_IMPORTERS
        ):
            problems.append(
                f"{found.source}:{found.line} imports {found.target}; send a domain "
                "event (commission.signals) instead"
            )
        if (
            found.target.startswith("commission.search")
            and not found.source.startswith("commission.search")
            and found.source not in SEARCH_IMPORTERS
        ):
            problems.append(
                f"{found.source}:{found.line} imports {found.target}; search follows "
                "the areas' changes itself (commission.search.index)"
            )
    return problems


@pytest.fixture(scope="module")
def graph() -> Graph:
    return read_graph()


def test_the_graph_is_read_from_every_module(graph):
    assert "commission.meetings.services" in graph.modules
    assert len(graph.modules) > 80
    edges = graph.runtime_edges()
    assert "commission.meetings.models" in edges["commission.meetings.services"]
    # The maps are read-side domain code, used by the areas' views.
    assert layer_of("commission.maps.queries", graph.packages) == DOMAIN
    assert layer_of("commission.maps.drawing", graph.packages) == DOMAIN


def test_no_import_cycle(graph):
    cycle = find_cycle(graph.runtime_edges())
    assert cycle == [], "import cycle: " + " -> ".join(cycle)


def test_every_import_runs_down_the_layers(graph):
    assert layering_problems(graph) == []


def test_deferred_imports_are_only_the_listed_ones(graph):
    deferred = {(i.source, i.function) for i in graph.imports if i.kind == "deferred"}
    assert deferred == set(DEFERRED)


ENDS_A_TRANSACTION = {"commit", "commit_once_answered", "rollback", "roll_back"}


def transaction_endings(source: str) -> list[str]:
    """Each call in ``source`` that would end a transaction, by name, with
    its line: ``db.session.commit()``, ``actions.commit()``, ``roll_back()``."""
    endings = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = node.func
        name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
        if name in ENDS_A_TRANSACTION:
            endings.append(f"{node.lineno}: {ast.unparse(node)}")
    return endings


def test_no_view_commits_or_rolls_back(graph):
    """A request's transaction is ended by commission.actions alone: a form
    action's by run_action or run_button_action, any other request's work,
    marked with keep_work(), by the one hook that saves it once the answer
    is made. No view (nor any module of the web layer) commits or rolls back,
    through the session or through actions."""
    ending = []
    for name, path in graph.modules.items():
        if layer_of(name, graph.packages) != WEB:
            continue
        ending += [f"{name}:{where}" for where in transaction_endings(path.read_text("utf-8"))]
    assert ending == []


@pytest.mark.parametrize(
    "source",
    [
        "db.session.commit()",
        "db.session.rollback()",
        "actions.commit()",
        "actions.commit_once_answered()",
        "from commission.actions import roll_back\nroll_back()",
    ],
)
def test_a_view_ending_a_transaction_is_found(source):
    assert len(transaction_endings(source)) == 1


def test_marking_work_to_keep_is_not_ending_a_transaction():
    assert transaction_endings("actions.keep_work()\nrun_action(save, form=form, then='/')") == []


@pytest.mark.parametrize(
    ("source", "line", "expected"),
    [
        (
            "meetings/services.py",
            "from commission.meetings import views",
            "(domain) imports commission.meetings.views (web), a layer above it",
        ),
        (
            "attendance/views.py",
            "from commission.meetings.views import bp",
            "imports another blueprint's views (commission.meetings.views)",
        ),
        (
            "consultations/services.py",
            "from commission.notifications import events",
            "send a domain event (commission.signals) instead",
        ),
        (
            "consultations/models.py",
            "from commission.policies import queries",
            "(models) imports commission.policies.queries (domain), a layer above it",
        ),
        (
            "policies/views.py",
            "from commission.consultations.views import bp",
            "imports another blueprint's views (commission.consultations.views)",
        ),
        (
            "meetings/models.py",
            "from commission.dashboard import queries",
            "(models) imports commission.dashboard.queries (top), a layer above it",
        ),
    ],
)
def test_a_bad_import_is_found(tmp_path, source, line, expected):
    """The checks find what they are for: each bad import, added to a copy
    of the package, is reported."""
    copy = tmp_path / "commission"
    for path in PACKAGE.rglob("*.py"):
        target = copy / path.relative_to(PACKAGE)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    bad = copy / source
    bad.write_text(bad.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")

    problems = layering_problems(read_graph(copy))

    assert any(expected in problem for problem in problems), problems


def test_a_cycle_is_found(tmp_path):
    edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert find_cycle(edges) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) == []


def test_an_import_inside_a_function_is_found(tmp_path):
    package = tmp_path / "commission"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "timeutil.py").write_text("")
    (package / "thing.py").write_text("def f():\n    from commission import timeutil\n")

    problems = layering_problems(read_graph(package))

    assert problems == [
        "commission.thing:2 imports commission.timeutil inside f(); "
        "import it at the top of the module"
    ]


def test_the_api_area_fits_the_layers(graph):
    """The public API is an area like the others: its views are web, its
    models are models, and what it reads and answers with is domain."""
    layers = {name: layer_of(name, graph.packages) for name in graph.modules if ".api" in name}
    assert layers == {
        "commission.api": CORE,
        "commission.api.models": MODELS,
        "commission.api.openapi": DOMAIN,
        "commission.api.params": DOMAIN,
        "commission.api.protocol": DOMAIN,
        "commission.api.queries": DOMAIN,
        "commission.api.ratelimit": DOMAIN,
        "commission.api.schemas": DOMAIN,
        "commission.api.tracking": DOMAIN,
        "commission.api.views": WEB,
    }
