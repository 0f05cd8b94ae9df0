"""Two edits the resource installer needs beside those of scaffold.patchers.python: a list that
has grown past the line length laid out one element a line (as ruff format would), and a
function replaced by a new version (`--force` regenerates a factory)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import libcst as cst

from scaffold.pysource import LINE_LENGTH


@dataclass(frozen=True)
class WrapLongList:
    """The top-level list assigned to `target`, one element a line once its line is too long."""

    target: str

    def __call__(self, module: cst.Module) -> cst.Module:
        for statement in module.body:
            node = _assignment(statement, self.target)
            if node is None or not isinstance(node.value, cst.List):
                continue
            code = module.code_for_node(statement.with_changes(leading_lines=()))
            if "\n" in code.rstrip("\n") or len(code.rstrip("\n")) <= LINE_LENGTH:
                return module
            items = "".join(
                f"    {module.code_for_node(e.value)},\n"
                for e in node.value.elements
                if isinstance(e, cst.Element)
            )
            wrapped = cst.parse_expression(f"[\n{items}]")
            return cast(cst.Module, module.deep_replace(node.value, wrapped))
        return module


@dataclass(frozen=True)
class ReplaceFunction:
    """The top-level function `name` replaced by `code` (appended when there is none)."""

    name: str
    code: str

    def __call__(self, module: cst.Module) -> cst.Module:
        new = cst.parse_statement(self.code)
        body = list(module.body)
        for index, statement in enumerate(body):
            if isinstance(statement, cst.FunctionDef) and statement.name.value == self.name:
                body[index] = new.with_changes(leading_lines=statement.leading_lines)
                return module.with_changes(body=body)
        blank = [cst.EmptyLine(indent=False)] * (2 if body else 0)
        return module.with_changes(body=[*body, new.with_changes(leading_lines=blank)])


def _assignment(statement: cst.BaseStatement, target: str) -> cst.Assign | cst.AnnAssign | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if isinstance(node, cst.AnnAssign) and _name(node.target) == target:
        return node
    if isinstance(node, cst.Assign) and any(_name(t.target) == target for t in node.targets):
        return node
    return None


def _name(node: cst.BaseExpression) -> str | None:
    return node.value if isinstance(node, cst.Name) else None
