"""The generated app's conventions, for installers: where a domain's interface, a resource's
model and a domain's test factories live, and steps on the files every app has (settings,
exports from models.py or a domain's interface, `.env.example`). Each step is idempotent.

The Python edits are imported when a step runs: libcst is slow to import, and an installer
that only asks where a file lives should not pay for it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from scaffold.errors import UsageError
from scaffold.naming import ResourceName, snake

if TYPE_CHECKING:
    from scaffold.patchers.python import Edit
    from scaffold.project import Project

ENV_EXAMPLE = ".env.example"
# Models that are not resources: secrets (token hashes), and the machinery of other features.
INTERNAL = frozenset(
    {"Base", "UserToken", "ApiToken", "MailboxMessage", "RateLimitCounter", "JobFailure"}
)


def domain_package(project: Project, domain: str) -> str:
    """The path of a domain's `__init__.py` (its interface): src/APP/<domain>/__init__.py."""
    return f"src/{project.app}/{snake(domain)}/__init__.py"


def model_path(app: str, name: ResourceName) -> str:
    """Where a resource's model lives: src/APP/<domain>/<resource>.py."""
    return f"src/{app}/{name.domain_module}/{name.module}.py"


def model_source(project: Project, name: ResourceName, needed_by: str) -> tuple[str, str]:
    """The path and source of resource `name`'s model. A missing one is bad input: `needed_by`
    ("Blog.Post.author references", "The admin view of Blog.Post needs") says who asks."""
    path = model_path(project.app, name)
    source = project.read(path)
    if source is None:
        raise UsageError(
            f"{needed_by} {name}, which does not exist ({path} is missing). "
            f"Create it first, e.g.: scaffold gen resource {name} name:string"
        )
    return path, source


def app_resources(project: Project) -> tuple[list[ResourceName], list[str]] | None:
    """The app's resources, from the imports of models.py (which imports every model): a model
    `X` of `src/APP/<domain>/<x>.py` is resource `Domain.X`. Also the other models it imports
    (`"X (module)"`). None, with an issue, if models.py does not parse."""
    app = project.app
    path = f"src/{app}/models.py"
    try:
        tree = ast.parse(project.read(path) or "")
    except SyntaxError as error:
        project.issue(f"{path}:{error.lineno}: is not valid Python: {error.msg}. Fix it first.")
        return None
    found, others = [], []
    for node in tree.body:
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith(f"{app}."):
            continue
        parts = (node.module or "").split(".")
        for name in (alias.name for alias in node.names if alias.name not in INTERNAL):
            resource = ResourceName(_camel(parts[1]), name) if len(parts) == 3 else None
            if resource and parts[2] == snake(name) and project.exists(model_path(app, resource)):
                found.append(resource)
            else:
                others.append(f"{name} ({node.module})")
    return found, others


def _camel(module: str) -> str:
    """`blog_posts` -> `BlogPosts`: a domain's name from its package."""
    return "".join(part.capitalize() for part in module.split("_"))


def factories_module(domain: str) -> str:
    """The module of a domain's test factories (`make_post`...): tests.<domain>.factories.

    One module a domain rather than one for the app: adding a resource patches a file that
    grows with its domain, not with the whole project."""
    return f"tests.{snake(domain)}.factories"


def factories_path(domain: str) -> str:
    """tests/<domain>/factories.py, the file of `factories_module(domain)`."""
    return factories_module(domain).replace(".", "/") + ".py"


def ensure_factories(project: Project, domain: str) -> str:
    """A domain's factories module, made (with no factory yet) if it is missing; its path."""
    from scaffold.rendering import render

    path = factories_path(domain)
    if not project.exists(path):
        project.create_file(path, render("resource/tests/factories.py.jinja", domain=domain))
    return path


def ensure_settings(project: Project, app: str, fields: Iterable[tuple[str, str]]) -> None:
    """Fields of the app's `Settings` class, each `(name, code)`; a field already there stays."""
    from scaffold.patchers.python import EnsureClassAttribute

    edits = [EnsureClassAttribute("Settings", name, code) for name, code in fields]
    project.patch_python(f"src/{app}/settings.py", *edits)


def ensure_exports(project: Project, path: str, names: Mapping[str, Iterable[str]]) -> None:
    """`from module import name` and `"name"` in `__all__`, for every name of every module."""
    from scaffold.patchers.python import AppendToList, EnsureImport, WrapLongList

    app = project.app
    edits: list[Edit] = []
    for module, exported in names.items():
        for name in exported:
            edits.append(EnsureImport(module, name, first_party=frozenset({app})))
            edits.append(AppendToList("__all__", f'"{name}"'))
    project.patch_python(path, *edits, WrapLongList("__all__"))


def ensure_section(project: Project, path: str, heading: str, section: str) -> None:
    """`section` at the end of `path` (a README, a stylesheet...), unless a line of the file
    already reads `heading`; a warning that shows the section if the file is missing."""
    if not project.exists(path):
        project.warn(f"{path} is missing, so it does not have this:\n{section}")
        return

    def append(text: str) -> str:
        if heading in text.splitlines():
            return text
        return text.rstrip("\n") + "\n\n" + section

    project.update_file(path, append)


def ensure_env_block(project: Project, key: str, block: str) -> None:
    """Append `block` (commented-out variables, with their explanation) to `.env.example`,
    unless the file mentions `key` already, commented out or not."""
    if not project.exists(ENV_EXAMPLE):
        project.warn(f"{ENV_EXAMPLE} is missing, so it does not list these settings:\n{block}")
        return
    mentioned = re.compile(rf"^[ \t#]*(?:export[ \t]+)?{re.escape(key)}[ \t]*=", re.MULTILINE)

    def append(text: str) -> str:
        if mentioned.search(text):
            return text
        return text.rstrip("\n") + "\n\n" + block if text.strip() else block

    project.update_file(ENV_EXAMPLE, append)
