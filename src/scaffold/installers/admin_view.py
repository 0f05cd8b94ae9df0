"""`admin_view`: one resource's view in the admin, with its test.

`scaffold install admin` adds the view of every resource the app has, and `scaffold gen
resource` composes this installer for each new one. What it reads: the resource's model file,
the model files of the resources it references, and its domain's test factories.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from scaffold import Option, Project, installer
from scaffold.admin.model_file import Model, read_model
from scaffold.admin.views import Target, View
from scaffold.naming import ResourceName, parse_resource_name
from scaffold.patchers.python import AppendToList, EnsureImport, WrapLongList
from scaffold.pysource import signature
from scaffold.rendering import render
from scaffold.wiring import factories_path, model_source

# Auth's users have a view of their own, made with auth's guard (admin/accounts_users.py).
USERS = ResourceName("Accounts", "User")


@installer(
    "admin_view",
    summary="A resource's view in the admin (once the admin is installed).",
    options=[
        Option("name", required=True, help="Domain.Resource, e.g. Blog.Post."),
    ],
)
def admin_view(project: Project, options: Mapping[str, Any]) -> None:
    name = parse_resource_name(options["name"])
    if not project.config().get("admin"):
        project.issue(
            "The admin is not installed in this app: `scaffold install admin` installs it, "
            "with a view for every resource."
        )
        return
    stage_view(project, name, force=project.force)


def stage_view(project: Project, name: ResourceName, *, force: bool = False) -> None:
    """The view of resource `name` and its test, registered in the admin's VIEWS. `force`:
    made again, as `gen resource --force` makes the model again (a view of the old one would
    name columns and enums it no longer has)."""
    app = project.app
    if name == USERS and project.config().get("auth_strategies"):
        return
    model = _read(project, app, name, needed_by=f"The admin view of {name}")
    if model is None:
        return
    view = View(name, app, model, _targets(project, app, model))
    # Once made, the view is the user's: running again leaves it as it is, unless forced.
    on_exists = "overwrite" if force else "skip"
    code = render("admin/view/view.py.jinja", view=view)
    project.create_file(view.path, code, on_exists=on_exists)
    factories = factories_path(name.domain)
    if re.search(rf"^def {view.factory}\b", project.read(factories) or "", re.MULTILINE):
        test = render("admin/view/test_view.py.jinja", view=view, sig=signature)
        project.create_file(view.test_path, test, on_exists=on_exists)
    elif not project.exists(view.test_path):
        project.warn(
            f"{factories} has no {view.factory}, so the admin view of {name} has no test: "
            f"write {view.factory}, then a test like the others in tests/admin/."
        )
    register(project, app, view.module, view.cls)


def register(project: Project, app: str, module: str, cls: str) -> None:
    """`cls` of admin/<module>.py in the admin's VIEWS."""
    project.patch_python(
        f"src/{app}/admin/__init__.py",
        EnsureImport(f"{app}.admin.{module}", cls, first_party=frozenset({app})),
        AppendToList("VIEWS", cls),
        WrapLongList("VIEWS"),
    )


def _read(project: Project, app: str, name: ResourceName, needed_by: str) -> Model | None:
    path, source = model_source(project, name, f"{needed_by} needs")
    model = read_model(source, name.name, f"{app}.{name.domain_module}.{name.module}")
    if isinstance(model, str):
        project.issue(f"{path}: {model}. {needed_by} reads it: fix it, then run again.")
        return None
    return model


def _targets(project: Project, app: str, model: Model) -> dict[str, Target]:
    """The referenced models, and what their rows are known by (from their own files)."""
    found = {}
    for relation, _ in model.references:
        module = model.module_of(relation.target)
        if module is None:
            continue  # a class the file does not import: the form offers every row
        if module == model.module:
            label = model.label
        else:
            source = project.read("src/" + module.replace(".", "/") + ".py") or ""
            target = read_model(source, relation.target, module)
            label = target.label if isinstance(target, Model) else None
        found[relation.name] = Target(relation.target, module, label)
    return found
