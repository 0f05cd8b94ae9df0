"""Idempotent edits to Python source that keep the user's formatting and comments.

An edit is a small frozen dataclass called on a `libcst.Module`. It returns the module
(unchanged when the thing is already there) or a `PatchError` naming the anchor it could not
find and the edit to make by hand. `apply_edits` runs a sequence of edits on a file's text.
"""

from __future__ import annotations

import ast
import functools
import io
import itertools
import re
import string
import sys
import textwrap
import tokenize
import warnings
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from typing import TypeAlias, TypeVar, cast

import libcst as cst

from scaffold.patchers import PatchError

Edit: TypeAlias = Callable[[cst.Module], cst.Module | PatchError]


def apply_edits(source: str, edits: Sequence[Edit]) -> str | PatchError:
    """Apply `edits` in order to `source`; the first `PatchError` stops the run."""
    try:
        module = cst.parse_module(source)
    except cst.ParserSyntaxError as error:
        return _syntax_error(source, error)
    for edit in edits:
        result = edit(module)
        if isinstance(result, PatchError):
            return result
        module = result
    return module.code


@dataclass(frozen=True)
class EnsureImport:
    """`import module` or `from module import name [as alias]`, where ruff's isort puts it.

    A sorted file stays sorted (ruff's `I` rules, default settings, line length 100): a new
    statement goes into the first block of imports, a new name into its `from` statement.
    `first_party` holds the top-level packages isort counts as first-party, like the app's own.
    As with isort's defaults, a name imported under an alias gets a statement of its own.
    """

    module: str
    name: str | None = None
    alias: str | None = None
    first_party: frozenset[str] = frozenset()

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        imports = {i: _alone(s) for i, s in enumerate(module.body) if _is_import(s)}
        nodes = cast(dict[int, cst.BaseSmallStatement], imports)
        if any(self._binds(node) for node in nodes.values()):
            return module
        if (index := next((i for i, n in nodes.items() if self._extends(n)), None)) is not None:
            return _join_import(module, index, self._alias(), self.first_party)
        return _add_import(module, _fit(_statement(self._code())), self.first_party)

    def _code(self) -> str:
        alias = f" as {self.alias}" if self.alias else ""
        if self.name is None:
            return f"import {self.module}{alias}"
        return f"from {self.module} import {self.name}{alias}"

    def _alias(self) -> cst.ImportAlias:
        asname = cst.AsName(cst.Name(self.alias)) if self.alias else None
        return cst.ImportAlias(cst.Name(cast(str, self.name)), asname)

    def _binds(self, node: cst.BaseSmallStatement) -> bool:
        if self.name is None:
            names = node.names if isinstance(node, cst.Import) else ()
            return any(_alias_is(a, self.module, self.alias) for a in names)
        return self._imports_from(node) and any(
            _alias_is(a, self.name, self.alias) for a in cast(cst.ImportFrom, node).names
        )

    def _extends(self, node: cst.BaseSmallStatement) -> bool:
        """A `from module import ...` statement, without aliases, the name can be added to."""
        return (
            self.alias is None
            and self._imports_from(node)
            and not any(a.asname for a in cast(Sequence[cst.ImportAlias], node.names))
        )

    def _imports_from(self, node: cst.BaseSmallStatement) -> bool:
        return (
            self.name is not None
            and isinstance(node, cst.ImportFrom)
            and not isinstance(node.names, cst.ImportStar)
            and _from_module(node) == self.module
        )


@dataclass(frozen=True)
class AppendToList:
    """Add the expression `element` to the list assigned to `target`."""

    target: str
    element: str
    function: str | None = None

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        inside = f" inside `{self.function}`" if self.function else ""
        manual = _manual(f"In the list assigned to `{self.target}`{inside}", f"{self.element},")
        scope = _function(module, self.function) if self.function else module
        if isinstance(scope, str):
            return PatchError(scope, manual)
        assigned = _assigned_list(_statements(scope), self.target)
        if assigned is None:
            return PatchError(f"could not find a list assigned to `{self.target}`{inside}", manual)
        line, found = assigned
        key = _key(self.element)
        if any(isinstance(e, cst.Element) and _key(_code(e.value)) == key for e in found.elements):
            return module
        element = cst.Element(cst.parse_expression(self.element))
        top = _holder(module, self.function) if self.function else line
        return _replace(module, found, _add_element(found, element), top)


@dataclass(frozen=True)
class EnsureDictEntry:
    """The entry `key: value` in the dict assigned to `target` (at module level); an entry the
    dict already has for `key` stays as it is."""

    target: str
    key: str
    value: str

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        manual = _manual(f"In the dict assigned to `{self.target}`", f"{self.key}: {self.value},")
        assigned = _assigned_list(module.body, self.target, cst.Dict)
        if assigned is None:
            return PatchError(f"could not find a dict assigned to `{self.target}`", manual)
        line, found = assigned
        keys = {_dict_key(_code(e.key)) for e in found.elements if isinstance(e, cst.DictElement)}
        if _dict_key(self.key) in keys:
            return module
        entry = cst.DictElement(cst.parse_expression(self.key), cst.parse_expression(self.value))
        return _replace(module, found, _add_entry(found, entry), line)


@dataclass(frozen=True)
class EnsureStatement:
    """A statement in the body of `function` ("create_app" or "Class.method")."""

    function: str
    statement: str
    before: str | None = None

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        where = f"before `{self.before}`" if self.before else "at the end (before a final `return`)"
        manual = _manual(f"Inside `{self.function}`, {where}", self.statement)
        function = _function(module, self.function)
        if isinstance(function, str):
            return PatchError(function, manual)
        if not isinstance(block := function.body, cst.IndentedBlock):
            return PatchError(f"`{self.function}` has its body on the `def` line", manual)
        statement = _statement(self.statement)
        if _contains(block.body, statement):
            return module
        index = self._index(block.body)
        if index is None:
            missing = f"a statement starting with `{self.before}` in `{self.function}`"
            return PatchError(f"could not find {missing}", manual)
        body = _insert(block.body, index, statement)
        return _replace(
            module, block, block.with_changes(body=body), _holder(module, self.function)
        )

    def _index(self, body: Sequence[cst.BaseStatement]) -> int | None:
        if self.before is not None:
            before = self.before
            return next((i for i, s in enumerate(body) if _starts_with(s, before)), None)
        returns = bool(body) and isinstance(_alone(body[-1]), cst.Return)
        return len(body) - 1 if returns else len(body)


@dataclass(frozen=True)
class EnsureModuleStatement:
    """A top-level statement, after the last one starting with `after` or at the end."""

    statement: str
    after: str | None = None

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        statement = _statement(self.statement)
        if _contains(module.body, statement):
            return module
        index = len(module.body)
        if self.after is not None:
            after = self.after
            anchors = [i for i, s in enumerate(module.body) if _starts_with(s, after)]
            if not anchors:
                manual = _manual(f"At module level, after `{after}`", self.statement)
                return PatchError(f"could not find a statement starting with `{after}`", manual)
            index = anchors[-1] + 1
        blank = 2 if index and _is_definition(module.body[index - 1]) else 0
        return _insert_top_level(module, index, statement, blank)


@dataclass(frozen=True)
class EnsureKeywordArgument:
    """`keyword=value` in the first call to `call`; a value the user already gave wins.

    With `first_argument`, the first call whose first positional argument has that code, e.g.
    `app.add_middleware` with `SessionMiddleware` among several `app.add_middleware` calls.
    """

    call: str
    keyword: str
    value: str
    function: str | None = None
    first_argument: str | None = None

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        inside = f" inside `{self.function}`" if self.function else ""
        called = f"{self.call}({self.first_argument}, ...)" if self.first_argument else self.call
        manual = _manual(f"In the call to `{called}`{inside}", f"{self.keyword}={self.value},")
        scope = _function(module, self.function) if self.function else module
        if isinstance(scope, str):
            return PatchError(scope, manual)
        first = _key(self.first_argument) if self.first_argument else None
        finder = _FirstCall(_key(self.call), first)
        scope.visit(finder)
        if (call := finder.found) is None:
            return PatchError(f"could not find a call to `{called}`{inside}", manual)
        if any(arg.keyword and arg.keyword.value == self.keyword for arg in call.args):
            return module
        no_space = cst.AssignEqual(cst.SimpleWhitespace(""), cst.SimpleWhitespace(""))
        arg = cst.Arg(cst.parse_expression(self.value), cst.Name(self.keyword), no_space)
        top = _holder(module, self.function) if self.function else None
        return _replace(module, call, _add_arg(call, arg), top)


@dataclass(frozen=True)
class EnsureFunction:
    """A top-level function, appended when no def or class has its name."""

    name: str
    code: str

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        return _ensure_definition(module, self.name, self.code)


@dataclass(frozen=True)
class EnsureClass:
    """A top-level class, appended when no def or class has its name."""

    name: str
    code: str

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        return _ensure_definition(module, self.name, self.code)


@dataclass(frozen=True)
class EnsureClassAttribute:
    """The statement `code` at the end of `class_name`, unless it already defines `name`."""

    class_name: str
    name: str
    code: str

    def __call__(self, module: cst.Module) -> cst.Module | PatchError:
        cls = _find_definition(module.body, self.class_name, cst.ClassDef)
        if cls is None or not isinstance(block := cls.body, cst.IndentedBlock):
            manual = _manual(f"Inside `class {self.class_name}`", self.code)
            return PatchError(f"could not find a class `{self.class_name}`", manual)
        if any(_defines(s, self.name) for s in block.body):
            return module
        blank = 1 if block.body and _is_definition(block.body[-1]) else 0
        body = _insert(block.body, len(block.body), _statement(self.code), blank)
        return _replace(module, block, block.with_changes(body=body), cls)


def _syntax_error(source: str, error: cst.ParserSyntaxError) -> PatchError:
    """Report where Python itself sees the error: libcst's line is often one too far."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. invalid escape sequences: not our business
            ast.parse(source)
    except SyntaxError as python:
        return PatchError(f"is not valid Python: {python.msg}", line=python.lineno)
    # Python reads it but libcst does not (newer syntax): libcst's words will have to do.
    return PatchError(f"is not valid Python: {error.message}", line=error.raw_line)


# Finding things.

_Def = TypeVar("_Def", cst.FunctionDef, cst.ClassDef)


def _find_definition(body: Sequence[cst.BaseStatement], name: str, kind: type[_Def]) -> _Def | None:
    return next((s for s in body if isinstance(s, kind) and s.name.value == name), None)


def _function(module: cst.Module, dotted: str) -> cst.FunctionDef | str:
    """The function "name" or method "Class.name", or the problem to report."""
    owner, _, name = dotted.rpartition(".")
    body: Sequence[cst.BaseStatement] = module.body
    if owner:
        cls = _find_definition(module.body, owner, cst.ClassDef)
        body = _statements(cls) if cls is not None else ()
    found = _find_definition(body, name, cst.FunctionDef)
    kind = "method" if owner else "function"
    return found if found is not None else f"could not find a {kind} `{dotted}`"


def _holder(module: cst.Module, dotted: str) -> cst.BaseStatement | None:
    """The top-level statement that holds the function "name" or method "Class.name"."""
    owner, _, name = dotted.rpartition(".")
    kind = cst.ClassDef if owner else cst.FunctionDef
    return _find_definition(module.body, owner or name, kind)


def _statements(node: cst.Module | cst.FunctionDef | cst.ClassDef) -> Sequence[cst.BaseStatement]:
    if isinstance(node, cst.Module):
        return node.body
    return node.body.body if isinstance(node.body, cst.IndentedBlock) else ()


_Literal = TypeVar("_Literal", cst.List, cst.Dict)


def _assigned_list(
    statements: Sequence[cst.BaseStatement], target: str, kind: type[_Literal] = cst.List
) -> tuple[cst.SimpleStatementLine, _Literal] | None:
    """The list (or other `kind` of literal) last assigned to `target`, plain or annotated (the
    one in effect), with the line that assigns it."""
    values = [
        (line, node.value)
        for line in statements
        if isinstance(line, cst.SimpleStatementLine)
        for node in line.body
        if isinstance(node, cst.Assign | cst.AnnAssign)
        and _assigns(node, target)
        and isinstance(node.value, kind)
    ]
    return values[-1] if values else None


def _assigns(node: cst.BaseSmallStatement, name: str) -> bool:
    if isinstance(node, cst.Assign):
        return any(_code(t.target) == name for t in node.targets)
    return isinstance(node, cst.AnnAssign) and _code(node.target) == name


def _defines(statement: cst.BaseStatement, name: str) -> bool:
    if isinstance(statement, cst.SimpleStatementLine):
        return any(_assigns(node, name) for node in statement.body)
    return _is_definition(statement) and statement.name.value == name


def _is_definition(statement: cst.BaseStatement) -> bool:
    return isinstance(statement, cst.FunctionDef | cst.ClassDef)


def _alone(statement: cst.BaseStatement) -> cst.BaseSmallStatement | None:
    """The small statement on a line of its own, like `return app` or an import."""
    if isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1:
        return statement.body[0]
    return None


def _is_import(statement: cst.BaseStatement) -> bool:
    return isinstance(_alone(statement), cst.Import | cst.ImportFrom)


class _FirstCall(cst.CSTVisitor):
    """Finds the first call, in reading order, whose callee has the code `key`.

    Not `libcst.matchers.findall`: importing the matchers doubles the start-up time.
    """

    def __init__(self, key: tuple[str, ...], first: tuple[str, ...] | None = None) -> None:
        super().__init__()
        self.key = key
        self.first = first  # the code of the first positional argument, when it matters
        self.found: cst.Call | None = None

    def visit_Call(self, node: cst.Call) -> bool:
        if self.found is None and _key(_code(node.func)) == self.key and self._first_fits(node):
            self.found = node
        return self.found is None

    def _first_fits(self, node: cst.Call) -> bool:
        if self.first is None:
            return True
        positional = [arg for arg in node.args if arg.keyword is None and not arg.star]
        return bool(positional) and _key(_code(positional[0].value)) == self.first


def _from_module(node: cst.ImportFrom) -> str:
    """The module as written, relative dots included: ".blog", "..", "app.models"."""
    return "." * len(node.relative) + (_code(node.module) if node.module else "")


def _alias_is(alias: cst.ImportAlias, name: str, asname: str | None) -> bool:
    bound = _code(alias.asname.name) if alias.asname else None
    return _code(alias.name) == name and bound == asname


def _contains(body: Sequence[cst.BaseStatement], statement: cst.BaseStatement) -> bool:
    key = _key(_source(statement))
    return any(_key(_source(s)) == key for s in body)


def _dict_key(code: str) -> object:
    """A key's value if it is a literal (`'a'` is `"a"`), else its code."""
    try:
        value = ast.literal_eval(code)
        hash(value)
    except (ValueError, TypeError, SyntaxError):
        return ("code", _key(code))
    return ("value", value)


def _starts_with(statement: cst.BaseStatement, prefix: str) -> bool:
    return _source(statement).startswith(prefix)


# Comparing code.

_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
_CLOSING = {")", "]", "}"}


# Nodes are immutable and compare by identity, and edits of one file see the same nodes
# again and again: their code is worth remembering.
@functools.lru_cache(maxsize=16384)
def _code(node: cst.CSTNode) -> str:
    return cst.Module([]).code_for_node(node)


@functools.lru_cache(maxsize=16384)
def _source(statement: cst.BaseStatement) -> str:
    """A statement's code without the comments and blank lines above it."""
    return _code(statement.with_changes(leading_lines=()))


@functools.lru_cache(maxsize=16384)
def _key(code: str) -> tuple[str, ...]:
    """The code's tokens without whitespace and comments, so that layout never matters.

    Tokens rather than `ast`, so that any syntax libcst reads compares on any Python.
    """
    readline = io.StringIO(code.strip()).readline
    tokens = [t.string for t in tokenize.generate_tokens(readline) if t.type not in _LAYOUT]
    # A trailing comma is layout too: it is what splits `f(a)` over lines.
    pairs = zip(tokens, [*tokens[1:], ""], strict=True)
    return tuple(t for t, after in pairs if not (t == "," and after in _CLOSING))


# Changing things.

_Item = TypeVar("_Item", cst.BaseElement, cst.BaseDictElement, cst.Arg, cst.ImportAlias)
_Space: TypeAlias = cst.BaseParenthesizableWhitespace
_NONE = cst.SimpleWhitespace("")


def _statement(code: str) -> cst.BaseStatement:
    return cst.parse_statement(textwrap.dedent(code).strip() + "\n")


def _manual(where: str, code: str) -> str:
    return f"{where}, add:\n" + textwrap.indent(textwrap.dedent(code).strip(), "    ")


def _replace(
    module: cst.Module, old: cst.CSTNode, new: cst.CSTNode, top: cst.CSTNode | None = None
) -> cst.Module:
    """`module` with `old` replaced by `new`. Given `top`, the top-level statement that holds
    `old` (or is it), only that statement is rebuilt rather than the whole module."""
    if top is None:
        return cast(cst.Module, module.deep_replace(old, new))
    changed = new if top is old else top.deep_replace(old, new)
    return module.with_changes(body=[changed if s is top else s for s in module.body])


def _insert(
    body: Sequence[cst.BaseStatement], index: int, statement: cst.BaseStatement, blank: int = 0
) -> list[cst.BaseStatement]:
    """`body` with `statement` at `index`, after `blank` blank lines."""
    lines = [cst.EmptyLine(indent=False)] * blank + list(statement.leading_lines)
    return [*body[:index], statement.with_changes(leading_lines=lines), *body[index:]]


def _insert_top_level(
    module: cst.Module, index: int, statement: cst.BaseStatement, blank: int
) -> cst.Module:
    # An empty file has no trailing newline to keep; the new code gets one.
    newline = module.has_trailing_newline or not module.body
    body = _insert(module.body, index, statement, blank)
    return module.with_changes(body=body, has_trailing_newline=newline)


def _ensure_definition(module: cst.Module, name: str, code: str) -> cst.Module:
    if any(_is_definition(s) and _defines(s, name) for s in module.body):
        return module
    blank = 2 if module.body else 0
    return _insert_top_level(module, len(module.body), _statement(code), blank)


def _add_element(node: cst.List, element: cst.Element) -> cst.List:
    # In a list, the whitespace before `]` belongs to the bracket, even after a trailing comma.
    opening, tail = node.lbracket.whitespace_after, node.rbracket.whitespace_before
    elements, tail = _append(node.elements, element, opening, tail)
    rbracket = node.rbracket.with_changes(whitespace_before=tail)
    return node.with_changes(elements=elements, rbracket=rbracket)


def _add_entry(node: cst.Dict, entry: cst.DictElement) -> cst.Dict:
    # As in a list, the whitespace before `}` belongs to the brace.
    opening, tail = node.lbrace.whitespace_after, node.rbrace.whitespace_before
    elements, tail = _append(node.elements, entry, opening, tail)
    rbrace = node.rbrace.with_changes(whitespace_before=tail)
    return node.with_changes(elements=elements, rbrace=rbrace)


def _add_arg(call: cst.Call, arg: cst.Arg) -> cst.Call:
    if not call.args:
        return call.with_changes(args=[arg])
    *args, last = call.args
    opening = call.whitespace_before_args
    if isinstance(last.comma, cst.Comma):
        return call.with_changes(args=_append_after_comma(call.args, arg, opening))
    # Without a trailing comma, the whitespace before `)` belongs to the last argument.
    args = [*args, last.with_changes(whitespace_after_arg=_NONE)]
    args, tail = _append(args, arg, opening, last.whitespace_after_arg)
    return call.with_changes(args=[*args[:-1], args[-1].with_changes(whitespace_after_arg=tail)])


def _add_import_name(node: cst.ImportFrom, alias: cst.ImportAlias, at: int) -> cst.ImportFrom:
    """`node` with `alias` before its name number `at`, laid out like the others."""
    names = list(cast(Sequence[cst.ImportAlias], node.names))
    opening = node.lpar.whitespace_after if node.lpar else node.whitespace_after_import
    if at == len(names):
        return _append_import_name(node, names, alias, opening)
    before = cast(cst.Comma, names[at - 1].comma).whitespace_after if at else opening
    if isinstance(before, cst.ParenthesizedWhitespace):
        # One name a line: the new one goes on the line of the name it precedes, and the
        # comment lines above that name stay above it.
        after: _Space = cst.ParenthesizedWhitespace(
            empty_lines=before.empty_lines, indent=before.indent, last_line=before.last_line
        )
        before = before.with_changes(empty_lines=())
    elif len(names) > 1:
        after = _between(cast(cst.Comma, names[0].comma).whitespace_after, alone=False)
    else:
        after = cst.SimpleWhitespace(" ")
    names.insert(at, alias.with_changes(comma=cst.Comma(whitespace_after=after)))
    if at:
        comma = cast(cst.Comma, names[at - 1].comma)
        names[at - 1] = names[at - 1].with_changes(
            comma=comma.with_changes(whitespace_after=before)
        )
        return node.with_changes(names=names)
    if node.lpar:
        return node.with_changes(names=names, lpar=node.lpar.with_changes(whitespace_after=before))
    return node.with_changes(names=names, whitespace_after_import=before)


def _append_import_name(
    node: cst.ImportFrom, names: Sequence[cst.ImportAlias], alias: cst.ImportAlias, opening: _Space
) -> cst.ImportFrom:
    if isinstance(names[-1].comma, cst.Comma):  # only possible in parentheses
        return node.with_changes(names=_append_after_comma(names, alias, opening))
    tail = node.rpar.whitespace_before if node.rpar else _NONE
    names, tail = _append(names, alias, opening, tail)
    rpar = node.rpar.with_changes(whitespace_before=tail) if node.rpar else None
    return node.with_changes(names=names, rpar=rpar)


def _append_after_comma(items: Sequence[_Item], new: _Item, opening: _Space) -> list[_Item]:
    """`_append` for calls and imports, where whitespace after a trailing comma is the comma's."""
    *rest, last = items
    comma = cast(cst.Comma, last.comma)
    last = last.with_changes(comma=comma.with_changes(whitespace_after=_NONE))
    items, tail = _append([*rest, last], new, opening, comma.whitespace_after)
    *rest, last = items
    return [*rest, last.with_changes(comma=last.comma.with_changes(whitespace_after=tail))]


def _append(
    items: Sequence[_Item], new: _Item, opening: _Space, tail: _Space
) -> tuple[list[_Item], _Space]:
    """`items` then `new`, laid out like `items`, and the new whitespace before the bracket.

    `opening` follows the opening bracket and `tail` precedes the closing one; the last item's
    comma, if any, has no whitespace after it.
    """
    if not items:
        return [new], tail
    *rest, last = items
    between = _between(rest[-1].comma.whitespace_after if rest else opening, alone=not rest)
    trailing = last.comma
    comma = trailing if isinstance(trailing, cst.Comma) else cst.Comma()
    after_last = between
    if isinstance(tail, cst.ParenthesizedWhitespace):
        # One item a line: the old last item keeps its end-of-line comment; the new one comes
        # on a line of its own, indented like the others.
        indent = between.last_line if isinstance(between, cst.ParenthesizedWhitespace) else between
        after_last = tail.with_changes(last_line=indent)
        tail = cst.ParenthesizedWhitespace(indent=tail.indent, last_line=tail.last_line)
    last = last.with_changes(comma=comma.with_changes(whitespace_after=after_last))
    return [*rest, last, new.with_changes(comma=trailing)], tail


def _between(space: _Space, alone: bool) -> _Space:
    """The whitespace to put between two items, copied from `space` without its comments."""
    if isinstance(space, cst.ParenthesizedWhitespace):
        return space.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    # After the opening bracket of a one-line sequence, there is usually no space.
    return cst.SimpleWhitespace(" ") if alone else space


# Imports, where ruff's isort (default settings) and formatter put them.

_LINE_LENGTH = 100  # the generated apps' ruff `line-length`
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
    if "\n" in code or width <= _LINE_LENGTH:
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


# Layout and replacement -------------------------------------------------------------------


@dataclass(frozen=True)
class WrapLongList:
    """The top-level list assigned to `target`, one element a line once its line is too long
    (as ruff format lays it out), so that appending to `__all__` keeps the file ruff-clean."""

    target: str

    def __call__(self, module: cst.Module) -> cst.Module:
        for statement in module.body:
            node = _top_level_assignment(statement, self.target)
            if node is None or not isinstance(node.value, cst.List):
                continue
            code = module.code_for_node(statement.with_changes(leading_lines=()))
            if "\n" in code.rstrip("\n") or len(code.rstrip("\n")) <= _LINE_LENGTH:
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
    """The top-level function `name` replaced by `code` (appended when there is none): the
    one edit that is not an `Ensure*`, for regenerating on request (`--force`)."""

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


def _top_level_assignment(
    statement: cst.BaseStatement, target: str
) -> cst.Assign | cst.AnnAssign | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if isinstance(node, cst.AnnAssign) and _simple_name(node.target) == target:
        return node
    if isinstance(node, cst.Assign) and any(_simple_name(t.target) == target for t in node.targets):
        return node
    return None


def _simple_name(node: cst.BaseExpression) -> str | None:
    return node.value if isinstance(node, cst.Name) else None
