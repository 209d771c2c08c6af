"""Dependencies run one way: a package imports only packages below it in ``LAYERS``.

The test reads every ``import`` of every module under ``participation/`` (with ``ast``, so
nothing is executed), including imports inside functions: a local import does not make a
backwards dependency go away, it only hides it.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "participation"

#: Lowest first. A module may import its own package and anything earlier in this list.
#: ``database``, ``extensions`` and ``localized`` are kernel modules that predate ``core/``;
#: ``mail`` (the outbox) and ``audit`` (the log) are infrastructure every domain writes to;
#: ``exports``, ``privacy`` and ``api`` read across the domains; the ``worker`` runs the
#: periodic jobs of every domain; ``models`` (the list of every table), ``demo``, ``doctor``
#: (checks before going live), ``cli`` and the app factory (``""``) assemble everything.
LAYERS = (
    "database",
    "extensions",
    "core",
    "localized",
    "mail",
    "audit",
    "images",
    "accounts",
    "policy",
    "places",
    "events",
    "registrations",
    "feedback",
    "exports",
    "privacy",
    "opendata",
    "api",
    "worker",
    "models",
    "demo",
    "doctor",
    "cli",
    "",
)
RANK = {name: rank for rank, name in enumerate(LAYERS)}


def package_of(module: str) -> str:
    """Return the top-level part of ``participation.<part>...`` ('' for the package itself)."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def is_view(module: str) -> bool:
    """Say whether a module holds pages: ``<domain>.views`` or ``<domain>.views.<audience>``."""
    parts = module.split(".")
    return len(parts) >= 3 and parts[2] == "views"


def is_model(module: str) -> bool:
    return module.endswith(".models")


def imports_of(path: Path, module: str) -> set[str]:
    """Every ``participation`` module that ``path`` imports, wherever the import stands."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = module.split(".")[: -node.level]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            # ``from participation.x import views`` imports a module, not a name.
            found.update(f"{target}.{alias.name}" for alias in node.names)
            if target == "participation":  # ``from participation import x`` names modules
                found.discard(target)
    return {name for name in found if name == "participation" or
            name.startswith("participation.")}


def import_graph() -> dict[str, set[str]]:
    """Map each module of the package to the package's modules it imports."""
    modules = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    graph = {}
    for module, path in modules.items():
        graph[module] = {name for name in imports_of(path, module) if name in modules}
    return graph


def violations(graph: dict[str, set[str]]) -> list[str]:
    """Name every import that breaks a rule of the house."""
    found = []
    for module, imported in sorted(graph.items()):
        here = package_of(module)
        for target in sorted(imported):
            there = package_of(target)
            if module == "participation" and target == "participation":
                continue
            if here not in RANK or there not in RANK:
                found.append(f"{module} -> {target}: package not placed in LAYERS")
                continue
            if here != there and RANK[there] > RANK[here]:
                found.append(f"{module} -> {target}: {here} may not depend on {there}")
            if is_model(module) and (target.endswith(".services") or is_view(target)):
                found.append(f"{module} -> {target}: models never import services or views")
            if is_view(module) and is_view(target) and here != there:
                found.append(f"{module} -> {target}: a view imports another domain's views")
    return found


def test_dependencies_run_one_way():
    assert violations(import_graph()) == []


def test_every_package_is_placed_in_a_layer():
    packages = {package_of(module) for module in import_graph()}
    assert packages <= set(RANK), sorted(packages - set(RANK))


def test_a_backwards_import_is_caught():
    graph = {
        "participation.accounts.services": {"participation.events.services"},
        "participation.events.services": {"participation.accounts.models"},
    }
    assert violations(graph) == [
        "participation.accounts.services -> participation.events.services: "
        "accounts may not depend on events",
    ]


def test_the_kernel_may_not_import_a_domain():
    graph = {"participation.core.views.public": {"participation.events.services"}}
    assert violations(graph) == [
        "participation.core.views.public -> participation.events.services: "
        "core may not depend on events",
    ]


def test_a_model_importing_a_service_is_caught():
    graph = {"participation.feedback.models": {"participation.feedback.services"}}
    assert violations(graph) == [
        "participation.feedback.models -> participation.feedback.services: "
        "models never import services or views",
    ]


def test_a_view_importing_another_domains_views_is_caught():
    graph = {"participation.feedback.views.public": {"participation.policy.views.public"}}
    assert violations(graph) == [
        "participation.feedback.views.public -> participation.policy.views.public: "
        "a view imports another domain's views",
    ]


def test_a_backwards_import_inside_a_function_is_read(tmp_path):
    source = tmp_path / "services.py"
    source.write_text("def f():\n    from participation.feedback.models import Opinion\n")
    assert "participation.feedback.models" in imports_of(source, "participation.policy.services")
