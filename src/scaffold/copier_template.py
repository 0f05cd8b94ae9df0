"""Rendering the copier templates scaffold ships, without importing copier.

`scaffold new` aims to start faster than Django's `startproject`, and importing copier alone
takes longer than that. scaffold's templates use a small part of copier's format — a
`_subdirectory`, the `.jinja` suffix, templated paths and the answers file — which this
module renders with Jinja2 exactly as copier does: tests/test_copier_template.py renders
each template both ways and compares them byte for byte. Copier stays the source of truth
for the format, and for updating an app from its recorded answers later.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from scaffold.rendering import bytecode_cache

CONFIG = "copier.yml"


def render(template: Path, answers: Mapping[str, Any]) -> dict[str, str]:
    """Every file of `template` rendered with `answers` (question defaults fill the rest),
    as {relative path: content}."""
    config = yaml.safe_load((template / CONFIG).read_text("utf-8"))
    suffix = config.get("_templates_suffix", ".jinja")
    root = template / config.get("_subdirectory", "")
    context = _context(template, config, answers)
    env = SandboxedEnvironment(
        loader=jinja2.FileSystemLoader(root),
        keep_trailing_newline=True,
        bytecode_cache=bytecode_cache(_to_nice_yaml),
    )
    env.filters["to_nice_yaml"] = _to_nice_yaml
    files = {}
    for source in sorted(path for path in root.rglob("*") if path.is_file()):
        relative = PurePosixPath(source.relative_to(root).as_posix())
        target = _render_path(env, relative, context, suffix)
        if target is None:
            continue
        if relative.name.endswith(suffix):
            files[target] = env.get_template(relative.as_posix()).render(context)
        else:
            files[target] = source.read_bytes().decode("utf-8", "surrogateescape")
    return files


def _context(template: Path, config: Mapping[str, Any], given: Mapping[str, Any]) -> dict:
    questions = {k: v for k, v in config.items() if not k.startswith("_")}
    answers = {name: given.get(name, spec.get("default")) for name, spec in questions.items()}
    recorded = {"_src_path": str(template), **answers}
    answers_file = config.get("_answers_file", ".copier-answers.yml")
    return {
        **answers,
        "_copier_answers": recorded,
        "_copier_conf": {"answers_file": answers_file},
    }


def _render_path(env: SandboxedEnvironment, path: PurePosixPath, context: dict, suffix: str):
    """The rendered relative path; None when a part renders empty (copier skips those)."""
    parts = [env.from_string(part).render(context) for part in path.parts]
    if not all(parts):
        return None
    if parts[-1].endswith(suffix) and suffix:
        parts[-1] = parts[-1][: -len(suffix)]
    return "/".join(parts)


def _to_nice_yaml(value: Any) -> str:
    """Copier's `to_nice_yaml` (from jinja2-ansible-filters), for the answers file."""
    return yaml.dump(value, indent=4, allow_unicode=True, default_flow_style=False)
