"""Idempotent edits to Python source that keep the user's formatting and comments.

An edit is a small frozen dataclass called on a `libcst.Module`. It returns the module
(unchanged when the thing is already there) or a `PatchError` naming the anchor it could not
find and the edit to make by hand. `apply_edits` runs a sequence of edits on a file's text.
"""

from __future__ import annotations

import ast
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeAlias, cast

import libcst as cst

from scaffold.patchers import PatchError
from scaffold.patchers._imports import _add_import, _fit, _join_import
from scaffold.patchers._nodes import (
    _add_arg,
    _add_element,
    _add_entry,
    _alias_is,
    _alone,
    _assigned_list,
    _bound,
    _code,
    _contains,
    _defines,
    _dict_key,
    _element_key,
    _ensure_definition,
    _find_definition,
    _FirstCall,
    _free_names,
    _from_module,
    _function,
    _holder,
    _insert,
    _insert_top_level,
    _is_definition,
    _is_import,
    _key,
    _manual,
    _quoted_like,
    _replace,
    _starts_with,
    _statement,
    _statements,
    _without,
)
from scaffold.pysource import LINE_LENGTH

Edit: TypeAlias = Callable[[cst.Module], cst.Module | PatchError]


BOM = "\ufeff"  # a UTF-8 byte-order mark, as the text of a file read as UTF-8 starts with it


def apply_edits(source: str, edits: Sequence[Edit]) -> str | PatchError:
    """Apply `edits` in order to `source`; the first `PatchError` stops the run. A byte-order
    mark the file starts with stays (libcst would drop it)."""
    code = source.removeprefix(BOM)
    try:
        module = cst.parse_module(code)
    except cst.ParserSyntaxError as error:
        return _syntax_error(code, error)
    for edit in edits:
        result = edit(module)
        if isinstance(result, PatchError):
            return result
        module = result
    return source[: len(source) - len(code)] + module.code


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
    """Add the expression `element` to the list assigned to `target`. A string goes in the
    quotes the list's strings use; one the list has in other quotes is already there."""

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
        key = _element_key(self.element)
        if any(
            isinstance(e, cst.Element) and _element_key(_code(e.value)) == key
            for e in found.elements
        ):
            return module
        element = cst.Element(_quoted_like(found, cst.parse_expression(self.element)))
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
        where = f"At module level, after `{self.after}`" if self.after else "At module level"
        manual = _manual(where, self.statement)
        index = len(module.body)
        if self.after is not None:
            after = self.after
            anchors = [i for i, s in enumerate(module.body) if _starts_with(s, after)]
            if not anchors:
                return PatchError(f"could not find a statement starting with `{after}`", manual)
            index = anchors[-1] + 1
        # `router.include_router(...)` where nothing is called `router` (renamed, say) would
        # be a NameError: a missing anchor like any other.
        bound = _bound(module.body)
        missing = [n for n in _free_names(self.statement) if bound is not None and n not in bound]
        if missing:
            names = ", ".join(f"`{name}`" for name in missing)
            manual = _manual(f"At module level (with your own name for {names})", self.statement)
            problem = f"could not find {names} at module level, which `{self.statement}` uses"
            return PatchError(f"{problem}: renamed, or defined elsewhere?", manual)
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


# Removing things --------------------------------------------------------------------------


@dataclass(frozen=True)
class RemoveImport:
    """No `from module import name` (unaliased) at the top of the module: the name leaves its
    statement, and a statement left without names goes. Nothing to remove is no change."""

    module: str
    name: str

    def __call__(self, module: cst.Module) -> cst.Module:
        for line in module.body:
            node = _alone(line)
            if not isinstance(node, cst.ImportFrom) or isinstance(node.names, cst.ImportStar):
                continue
            if _from_module(node) != self.module:
                continue
            names = cast(Sequence[cst.ImportAlias], node.names)
            at = next((i for i, a in enumerate(names) if _alias_is(a, self.name, None)), None)
            if at is None:
                continue
            if len(names) == 1:
                return _drop_statement(module, line)
            joined = line.with_changes(body=[node.with_changes(names=_without(names, at))])
            return _replace(module, line, joined, line)
        return module


@dataclass(frozen=True)
class RemoveFromList:
    """No `element` in the list assigned to `target` at module level (compared as code,
    whatever its layout and a string's quotes). Nothing to remove is no change."""

    target: str
    element: str

    def __call__(self, module: cst.Module) -> cst.Module:
        assigned = _assigned_list(module.body, self.target)
        if assigned is None:
            return module
        line, found = assigned
        key = _element_key(self.element)
        elements = found.elements
        at = next(
            (i for i, e in enumerate(elements) if _element_key(_code(e.value)) == key),
            None,
        )
        if at is None:
            return module
        return _replace(module, found, found.with_changes(elements=_without(elements, at)), line)


def _drop_statement(module: cst.Module, statement: cst.BaseStatement) -> cst.Module:
    """`module` without `statement`; the blank lines and comments above it stay, above the
    statement that follows (if it has none of its own)."""
    body = list(module.body)
    index = body.index(statement)
    del body[index]
    if index < len(body) and not body[index].leading_lines:
        body[index] = body[index].with_changes(leading_lines=statement.leading_lines)
    return module.with_changes(body=body)


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
