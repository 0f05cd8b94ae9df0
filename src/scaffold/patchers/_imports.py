"""Where ruff's isort (default settings) and formatter put a new import: in which block, section
and order, with which blank lines and comments, wrapped at which length."""

from __future__ import annotations

import itertools
import re
import string
import sys
from collections.abc import Sequence, Set
from typing import TypeAlias, TypeVar, cast

import libcst as cst

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
from scaffold.pysource import LINE_LENGTH

# Private to scaffold.patchers, and so are its names: python.py imports them, exports none.

_FUTURE, _STANDARD_LIBRARY, _THIRD_PARTY, _FIRST_PARTY, _LOCAL_FOLDER = range(5)
_PRAGMAS = {"isort", "type", "pyright", "pyrefly", "pylint", "flake8", "ruff", "ty"}
_NATURAL = re.compile(r"[0-9]+|.", re.DOTALL)
_Key: TypeAlias = tuple[object, ...]
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
    if "\n" in code or width <= LINE_LENGTH:
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


def _import_key(statement: cst.BaseStatement, first_party: Set[str]) -> _Key:
    """Where isort sorts an import: by section, `import` before `from`, then by module."""
    node = _alone(statement)
    if isinstance(node, cst.Import):
        alias = node.names[0]
        name = _code(alias.name)
        return (_section(name, first_party), 0, _natural_name(name), _asname_key(alias))
    node = cast(cst.ImportFrom, node)
    module = _from_module(node)
    names = node.names
    first = (-1,) if isinstance(names, cst.ImportStar) else min(map(_member_key, names))
    # Relative imports furthest first (`..` before `.`); statements from one module (one for
    # each aliased name) by their first name.
    distance = -len(node.relative)
    return (_section(module, first_party), 1, distance, _natural_name(module.lstrip(".")), first)


def _section(module: str, first_party: Set[str]) -> int:
    """isort's section: future, standard library, third-party, first-party, local folder."""
    top = module.partition(".")[0]
    if module == "__future__":
        return _FUTURE
    if not top:
        return _LOCAL_FOLDER
    if top in sys.stdlib_module_names:
        return _STANDARD_LIBRARY
    return _FIRST_PARTY if top in first_party else _THIRD_PARTY


def _member_key(alias: cst.ImportAlias) -> _Key:
    """isort's order by type: CONSTANTS, then Classes, then the rest; each by name."""
    name = _code(alias.name)
    # Like ruff, `len` in bytes: "É" is a constant.
    kind = 0 if len(name.encode()) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return (kind, _natural_name(name), _asname_key(alias))


def _asname_key(alias: cst.ImportAlias) -> _Key:
    return (_natural(_code(alias.asname.name)),) if alias.asname else ()


def _natural_name(name: str) -> _Key:
    """Case-insensitive first, then case breaks ties: "A" < "a" < "B"."""
    return (_natural(name.lower()), _natural(name))


def _natural(text: str) -> _Key:
    """Ruff's "natural" order (the natord crate): runs of digits compare by value, "a2" < "a10".

    A run with a leading zero compares digit by digit, any other run by length first; other
    characters compare by code point, so "a.b" < "a0" < "a_b" < "ab".
    """
    return tuple(map(_natural_part, _NATURAL.findall(text)))


def _natural_part(part: str) -> _Key:
    if part[0] not in string.digits:
        return (ord(part),)
    return (ord("0"), 0, part) if part[0] == "0" else (ord("0"), 1, len(part), part)
