"""Where ruff's isort and formatter put a new import in an existing file: in which block and
place (the order is scaffold.import_order's), with which blank lines and comments, wrapped at
which length."""

from __future__ import annotations

import itertools
from collections.abc import Sequence, Set
from typing import TypeVar, cast

import libcst as cst

from scaffold import import_order
from scaffold.patchers._nodes import (
    _add_import_name,
    _alone,
    _code,
    _from_module,
    _insert_top_level,
    _is_definition,
    _is_import,
    _replace,
    _statement,
)

# Private to scaffold.patchers, and so are its names: python.py imports them, exports none.

_PRAGMAS = {"isort", "type", "pyright", "pyrefly", "pylint", "flake8", "ruff", "ty"}
_Statement = TypeVar("_Statement", bound=cst.BaseStatement)


def _add_import(
    module: cst.Module, statement: cst.BaseStatement, first_party: Set[str]
) -> cst.Module:
    """`statement` sorted into the first block of imports, with the comments above it.

    The lines above the block stay there. A blank line comes before each new section, and
    before the comments above an import.
    """
    body = list(module.body)
    start = next((i for i, s in enumerate(body) if _is_import(s)), None)
    if start is None:
        return _new_import_block(module, statement)
    stop = next((i for i in range(start, len(body)) if not _is_import(body[i])), len(body))
    keys = [_import_key(s, first_party) for s in body[start:stop]]
    key = _import_key(statement, first_party)
    at = start + next((i for i, k in enumerate(keys) if k > key), len(keys))
    new_section = [k[0] != key[0] for k in keys]
    if at == start:
        first = body[at]
        new = statement.with_changes(leading_lines=[*first.leading_lines, *_comments(statement)])
        body[at] = _separated(first.with_changes(leading_lines=()), new_section[0])
    else:
        new = _separated(statement, new_section[at - 1 - start])
        if at < stop:
            body[at] = _separated(body[at], new_section[at - start])
    body.insert(at, new)
    return module.with_changes(body=body)


def _new_import_block(module: cst.Module, statement: cst.BaseStatement) -> cst.Module:
    """The first import, after the docstring: one blank line after it, two before a def."""
    index = int(module.get_docstring() is not None)
    body = list(module.body)
    if index < len(body):
        after = body[index]
        lines = list(itertools.dropwhile(lambda line: line.comment is None, after.leading_lines))
        blank = [cst.EmptyLine(indent=False)] * (2 if _is_definition(after) else 1)
        body[index] = after.with_changes(leading_lines=[*blank, *lines])
    return _insert_top_level(module.with_changes(body=body), index, statement, blank=index)


def _join_import(
    module: cst.Module, index: int, alias: cst.ImportAlias, first_party: Set[str]
) -> cst.Module:
    """`alias` sorted into the `from` statement at `index`, moved up if it now sorts higher."""
    line = cast(cst.SimpleStatementLine, module.body[index])
    node = cast(cst.ImportFrom, line.body[0])
    names = cast(Sequence[cst.ImportAlias], node.names)
    key = _member_key(alias)
    at = next((i for i, name in enumerate(names) if _member_key(name) > key), len(names))
    joined = _fit(line.with_changes(body=[_add_import_name(node, alias, at)]))
    above = module.body[index - 1] if index else None
    if above is None or not _is_import(above):
        return _replace(module, line, joined, line)
    if _import_key(above, first_party) <= _import_key(joined, first_party):
        return _replace(module, line, joined, line)
    # Above it, a statement for one aliased name of the same module sorts after it now.
    body = [*module.body[:index], *module.body[index + 1 :]]
    return _add_import(module.with_changes(body=body), joined, first_party)


def _separated(statement: _Statement, new_section: bool) -> _Statement:
    """An import after another: a blank line first if it starts a section or has comments."""
    comments = _comments(statement)
    blank = [cst.EmptyLine(indent=False)] if new_section or comments else []
    return statement.with_changes(leading_lines=[*blank, *comments])


def _comments(statement: cst.BaseStatement) -> list[cst.EmptyLine]:
    """The comment lines above `statement`, which isort moves with it."""
    return [line for line in statement.leading_lines if line.comment]


def _fit(line: cst.BaseStatement) -> cst.BaseStatement:
    """A `from` import on one line too long, wrapped as isort and the formatter wrap it."""
    node = _alone(line)
    if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
        return line
    code = _code(node)
    comment = cast(cst.SimpleStatementLine, line).trailing_whitespace.comment
    width = len(code) + (len(comment.value) + 2 if comment and not _is_pragma(comment) else 0)
    if "\n" in code or width <= import_order.current().line_length:
        return line
    after_parenthesis = f"  {comment.value}" if comment else ""
    names = "".join(
        f"    {_code(a.with_changes(comma=cst.MaybeSentinel.DEFAULT))},\n" for a in node.names
    )
    wrapped = _statement(f"from {_from_module(node)} import ({after_parenthesis}\n{names})")
    return wrapped.with_changes(leading_lines=line.leading_lines)


def _is_pragma(comment: cst.Comment) -> bool:
    """A comment that does not count in the line length: `# noqa`, `# type: ignore`, ..."""
    text = comment.value.removeprefix("#").lstrip()
    tool, colon, _ = text.partition(":")
    if colon and tool in _PRAGMAS:
        return True
    return text[:4].lower() == "noqa" or text.startswith("nosec")


def _import_key(statement: cst.BaseStatement, first_party: Set[str]) -> import_order.Key:
    """Where isort sorts an import statement (see scaffold.import_order)."""
    node = _alone(statement)
    if isinstance(node, cst.Import):
        alias = node.names[0]
        return import_order.statement_key(_code(alias.name), first_party, asname=_asname(alias))
    node = cast(cst.ImportFrom, node)
    names = () if isinstance(node.names, cst.ImportStar) else node.names
    pairs = [(_code(alias.name), _asname(alias)) for alias in names]
    return import_order.statement_key(_from_module(node), first_party, names=pairs)


def _member_key(alias: cst.ImportAlias) -> import_order.Key:
    return import_order.member_key(_code(alias.name), _asname(alias))


def _asname(alias: cst.ImportAlias) -> str | None:
    return _code(alias.asname.name) if alias.asname else None
