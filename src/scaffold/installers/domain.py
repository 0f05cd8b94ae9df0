"""`domain`: a package that groups resources, and whose `__init__` is their interface."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scaffold import Option, Project, installer
from scaffold.naming import check_domain_name, snake
from scaffold.rendering import render
from scaffold.wiring import domain_package


@installer(
    "domain",
    summary="A domain: a package grouping resources and the functions that act on them.",
    options=[Option("name", required=True, help="CamelCase, e.g. Blog.")],
)
def domain(project: Project, options: Mapping[str, Any]) -> None:
    name = check_domain_name(options["name"])
    path = domain_package(project, name)
    if project.exists(path):
        return  # the domain is there already: its interface is the user's now
    project.create_file(path, render("domain/__init__.py.jinja", domain=name, module=snake(name)))
