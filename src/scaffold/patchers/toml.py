"""Edits to TOML files such as `pyproject.toml`, made with tomlkit so comments and layout stay.

Files with `\\r\\n` line endings are edited as `\\n`, then each line gets its own ending back
and each new line the ending of the line above it (scaffold.line_endings): tomlkit writes the
lines it adds with `\\n`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

import tomlkit
from tomlkit.exceptions import ParseError
from tomlkit.items import Array, InlineTable
from tomlkit.toml_document import TOMLDocument

from scaffold.line_endings import restore, to_lf
from scaffold.patchers import PatchError

# The distribution name at the start of a PEP 508 requirement.
_NAME = re.compile(r"\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)")


def add_dependency(text: str, requirement: str, extra: str | None = None) -> str | PatchError:
    """Add `requirement` to `[project] dependencies`, or to the optional dependencies `extra`.

    Does nothing when a requirement for the same distribution is already listed, whatever
    its extras or version specifiers: the user's entry is kept as it is.
    """
    if _canonical_name(requirement) is None:
        return PatchError(f"`{requirement}` is not a PEP 508 requirement")
    manual = _dependency_manual(requirement, extra)
    return _edit(
        text, manual, lambda doc, lf_text: _add_requirement(doc, lf_text, requirement, extra)
    )


def read_tool_config(text: str, tool: str = "scaffold") -> dict[str, Any] | PatchError:
    """The `[tool.<tool>]` table as plain Python data, `{}` when the file has none."""
    doc = _parse(to_lf(text))
    if isinstance(doc, PatchError):
        return doc
    section = _tool_table(doc, tool)
    if isinstance(section, PatchError):
        return section
    return {} if section is None else section.unwrap()


def set_tool_config(text: str, key: str, value: Any, tool: str = "scaffold") -> str | PatchError:
    """Set `key` in `[tool.<tool>]`, adding the table at the end of the file if it is missing.

    A dict or list value is written on the key's own line (`key = {a = 1}`), never as a new
    `[table]` header.
    """
    manual = tomlkit.dumps({"tool": {tool: {key: _inline(value)}}}).rstrip("\n")
    return _edit(text, manual, lambda doc, lf_text: _set_key(doc, lf_text, tool, key, value))


def ensure_tool_table(
    text: str, path: Sequence[str], values: Mapping[str, Any], tool: str = "scaffold"
) -> str | PatchError:
    """`[tool.<tool>.<path...>]`, a table of its own (`[tool.scaffold.scopes.user]`), holding
    `values`: each key is added where missing, and a value already there stays as it is."""
    header = ".".join(["tool", tool, *path])
    manual = f"[{header}]\n" + tomlkit.dumps(dict(values)).rstrip("\n")
    return _edit(text, manual, lambda doc, lf_text: _ensure_table(doc, tool, path, values))


def _ensure_table(
    doc: TOMLDocument, tool: str, path: Sequence[str], values: Mapping[str, Any]
) -> str | PatchError:
    section = _tool_table(doc, tool)
    if section is None:
        doc.setdefault("tool", tomlkit.table(is_super_table=True))[tool] = section = tomlkit.table()
    if isinstance(section, PatchError):
        return section
    table: Any = section
    created = False
    for depth, name in enumerate(path):
        if name not in table:
            table[name] = tomlkit.table(is_super_table=depth < len(path) - 1)
            created = True
        table = table[name]
        if not isinstance(table, dict) or isinstance(table, InlineTable):
            where = ".".join([tool, *path[: depth + 1]])
            return PatchError(f"`tool.{where}` should be a table of its own (`[tool.{where}]`)")
    for key, value in values.items():
        if key not in table:
            table[key] = _inline(value)
    if created and not doc.as_string().rstrip().endswith(table.as_string().rstrip()):
        table.add(tomlkit.nl())  # a blank line before the table that follows
    return doc.as_string()


def _edit(
    text: str, manual: str, edit: Callable[[TOMLDocument, str], str | PatchError]
) -> str | PatchError:
    """Run `edit` on the parsed file; return `text` itself when the edit changes nothing."""
    lf_text = to_lf(text)
    doc = _parse(lf_text)
    result = doc if isinstance(doc, PatchError) else edit(doc, lf_text)
    if isinstance(result, str) and isinstance(broken := _parse(result), PatchError):
        result = PatchError(f"could not make the edit without breaking the file ({broken.problem})")
    if isinstance(result, PatchError):
        return replace(result, manual=manual)
    return text if result == lf_text else restore(text, result)


def _parse(text: str) -> TOMLDocument | PatchError:
    try:
        return tomlkit.parse(text)
    except ParseError as error:
        return PatchError(f"the file is not valid TOML: {error}", line=error.line)


def _add_requirement(
    doc: TOMLDocument, text: str, requirement: str, extra: str | None
) -> str | PatchError:
    project = doc.get("project")
    if not isinstance(project, dict):
        return PatchError(f"could not add `{requirement}`: there is no `[project]` table")
    if extra is None:
        array, where = project.get("dependencies"), "`dependencies` in `[project]`"
    else:
        extras = project.get("optional-dependencies")
        if extras is None:
            return _append_table(text, ("project", "optional-dependencies"), extra, [requirement])
        if not isinstance(extras, dict):
            return PatchError(
                f"could not add `{requirement}`: "
                "`optional-dependencies` in `[project]` is not a table"
            )
        if extra not in extras:
            extras[extra] = [requirement]
            return doc.as_string()
        array, where = extras[extra], f"`{extra}` in `[project.optional-dependencies]`"
    if not isinstance(array, Array):
        state = "missing" if array is None else "not an array"
        return PatchError(f"could not add `{requirement}`: {where} is {state}")
    names = {_canonical_name(item) for item in array if isinstance(item, str)}
    if _canonical_name(requirement) not in names:
        _append_item(array, requirement)
    return doc.as_string()


def _set_key(doc: TOMLDocument, text: str, tool: str, key: str, value: Any) -> str | PatchError:
    section = _tool_table(doc, tool)
    if section is None:
        return _append_table(text, ("tool", tool), key, value)
    if isinstance(section, PatchError):
        return section
    if key in section and _same(section.unwrap()[key], value):
        return text
    current = section.get(key)
    if isinstance(current, dict) and isinstance(value, dict):
        _update_table(current, value)  # in place, so the table keeps its layout
    else:
        section[key] = _inline(value)
    return doc.as_string()


def _update_table(table: dict[str, Any], value: dict[str, Any]) -> None:
    for name in [name for name in table if name not in value]:
        del table[name]
    for name, item in value.items():
        if name not in table or not _same(table[name], item):
            table[name] = _inline(item)


def _tool_table(doc: TOMLDocument, tool: str) -> dict[str, Any] | PatchError | None:
    tools = doc.get("tool", {})
    if not isinstance(tools, dict):
        return _not_a_table("tool", tools)
    section = tools.get(tool)
    if section is not None and not isinstance(section, dict):
        return _not_a_table(f"tool.{tool}", section)
    return section


def _not_a_table(name: str, item: Any) -> PatchError:
    return PatchError(f"`{name}` should be a table, but it is {type(item).__name__.lower()}")


def _canonical_name(requirement: str) -> str | None:
    """The distribution name of a PEP 508 requirement, normalized as in PEP 503."""
    match = _NAME.match(requirement)
    return re.sub(r"[-_.]+", "-", match[1]).lower() if match else None


def _append_item(array: Array, requirement: str) -> None:
    """Add `requirement` at the end of `array`, laid out like the items already there."""
    lines = array.as_string().split("\n")
    if len(lines) > 1 and lines[-1].strip() == "]":
        array.add_line(requirement, indent=_item_indent(lines[1:-1]))
    else:
        array.append(requirement)


def _item_indent(lines: list[str]) -> str:
    """The indentation of the last item among the inner lines of a multi-line array."""
    for line in reversed(lines):
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#"):
            return line[: len(line) - len(stripped)]
    return " " * 4


def _append_table(text: str, path: tuple[str, ...], key: str, value: Any) -> str:
    """`text` with a new table at `path` holding `key = value`, added at the end."""
    data: dict[str, Any] = {key: _inline(value)}
    for name in reversed(path):
        data = {name: data}
    newlines = len(text) - len(text.rstrip("\n"))
    separator = "\n" * (2 - min(newlines, 2)) if text.strip() else ""
    return text + separator + tomlkit.dumps(data)


def _inline(value: Any) -> Any:
    """`value` as an item that stays on its key's line (tomlkit would make tables of dicts)."""
    if isinstance(value, dict):
        table = tomlkit.inline_table()
        table.update(value)
        return table
    if isinstance(value, list):
        array = tomlkit.array()
        array.extend(value)
        return array
    return value


def _same(current: Any, value: Any) -> bool:
    """Whether the value in the file is `value` (`true` is not `1`, though Python says so)."""
    return current == value and isinstance(current, bool) == isinstance(value, bool)


def _dependency_manual(requirement: str, extra: str | None) -> str:
    header, key = (
        ("[project.optional-dependencies]", extra) if extra else ("[project]", "dependencies")
    )
    return f"{header}\n{key} = [\n    {tomlkit.item(requirement).as_string()},\n]"


def add_entry_point(text: str, group: str, name: str, value: str) -> str | PatchError:
    """Declare `name = "value"` in `[project.entry-points."group"]`; an existing `name` is
    left as it is (the user's declaration wins)."""
    manual = f'[project.entry-points."{group}"]\n{name} = "{value}"'
    return _edit(text, manual, lambda doc, lf_text: _add_entry(doc, lf_text, group, name, value))


def _add_entry(doc: TOMLDocument, text: str, group: str, name: str, value: str) -> str | PatchError:
    project = doc.get("project")
    if not isinstance(project, dict):
        return PatchError(f"could not declare the entry point `{name}`: no `[project]` table")
    points = project.get("entry-points")
    if points is None or group not in points:
        return _append_table(text, ("project", "entry-points", group), name, value)
    if name not in points[group]:
        points[group][name] = value
    return doc.as_string()
