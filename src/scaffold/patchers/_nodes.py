"""What the edits of scaffold.patchers.python share: finding nodes in a `libcst.Module`,
comparing code whatever its layout, and changing nodes so that the new code is laid out like
the code around it."""

from __future__ import annotations

import ast
import builtins
import functools
import io
import re
import textwrap
import tokenize
from collections.abc import Sequence
from typing import TypeAlias, TypeVar, cast

import libcst as cst

# Private to scaffold.patchers, and so are its names: python.py imports them, exports none.

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


# Names a module binds, and names a statement needs.

_BUILTINS = frozenset(dir(builtins))


def _bound(body: Sequence[cst.BaseStatement]) -> set[str] | None:
    """The names `body` binds in its own scope (None: it has `import *`, which binds any):
    imports, assignments, definitions, also inside `if`, `try`, `with` and loops."""
    found: set[str] = set()
    for statement in body:
        if isinstance(statement, cst.SimpleStatementLine):
            for node in statement.body:
                names = _binds(node)
                if names is None:
                    return None
                found |= names
            continue
        if isinstance(statement, cst.FunctionDef | cst.ClassDef):
            found.add(statement.name.value)
            continue
        if isinstance(statement, cst.For | cst.With):
            found |= _target_names(statement)
        for block in _blocks(statement):
            inner = _bound(block)
            if inner is None:
                return None
            found |= inner
    return found


def _binds(node: cst.BaseSmallStatement) -> set[str] | None:
    if isinstance(node, cst.Import):
        return {
            _code(a.asname.name) if a.asname else _code(a.name).split(".")[0] for a in node.names
        }
    if isinstance(node, cst.ImportFrom):
        if isinstance(node.names, cst.ImportStar):
            return None
        return {_code(a.asname.name if a.asname else a.name) for a in node.names}
    targets: list[cst.BaseExpression] = []
    if isinstance(node, cst.Assign):
        targets = [t.target for t in node.targets]
    elif isinstance(node, cst.AnnAssign | cst.AugAssign):
        targets = [node.target]
    return {name for target in targets for name in _names_in(target)}


def _target_names(statement: cst.For | cst.With) -> set[str]:
    if isinstance(statement, cst.For):
        return _names_in(statement.target)
    return {n for item in statement.items if item.asname for n in _names_in(item.asname.name)}


def _names_in(target: cst.BaseExpression) -> set[str]:
    """The plain names an assignment target binds: `a`, `a, b`, `[a, *b]`."""
    if isinstance(target, cst.Name):
        return {target.value}
    if isinstance(target, cst.Tuple | cst.List):
        return {n for e in target.elements for n in _names_in(e.value)}
    if isinstance(target, cst.StarredElement):
        return _names_in(target.value)
    return set()


def _blocks(statement: cst.BaseStatement) -> list[Sequence[cst.BaseStatement]]:
    """The blocks of a compound statement that run in its scope: `if`/`elif`/`else`, `try`'s
    handlers and `finally`, the bodies of loops and `with`."""
    parts: list[object] = [getattr(statement, "body", None), getattr(statement, "finalbody", None)]
    parts += [handler.body for handler in getattr(statement, "handlers", ())]
    orelse = getattr(statement, "orelse", None)
    while isinstance(orelse, cst.If):  # an elif: its block, then its own orelse
        parts.append(orelse.body)
        orelse = orelse.orelse
    parts.append(orelse)
    blocks = [part.body if isinstance(part, cst.Else | cst.Finally) else part for part in parts]
    return [block.body for block in blocks if isinstance(block, cst.IndentedBlock)]


def _free_names(code: str) -> list[str]:
    """The names the statement `code` reads and does not bind anywhere in itself (as a target,
    a parameter, a definition or an import), builtins aside."""
    nodes = list(ast.walk(ast.parse(textwrap.dedent(code))))
    bound = {n.arg for n in nodes if isinstance(n, ast.arg)}
    bound |= {n.name for n in nodes if isinstance(n, ast.FunctionDef | ast.ClassDef)}
    bound |= {
        (a.asname or a.name).split(".")[0]
        for n in nodes
        if isinstance(n, ast.Import | ast.ImportFrom)
        for a in n.names
    }
    names = [n for n in nodes if isinstance(n, ast.Name)]
    bound |= {n.id for n in names if not isinstance(n.ctx, ast.Load)}
    read = dict.fromkeys(n.id for n in names if isinstance(n.ctx, ast.Load))
    return [name for name in read if name not in bound and name not in _BUILTINS]


# Comparing code.

_LAYOUT = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT}
_CLOSING = {")", "]", "}"}
_ONE_STRING = re.compile(r'"[^"\\\n]*"|\'[^\'\\\n]*\'')  # a plain quoted string, no escapes


# Nodes are immutable and compare by identity, and edits of one file see the same nodes
# again and again: their code is worth remembering.
@functools.lru_cache(maxsize=16384)
def _code(node: cst.CSTNode) -> str:
    # Names are most of what edits ask about (an import's module and names): their code is
    # their value, without a round of code generation.
    if isinstance(node, cst.Name) and not node.lpar:
        return node.value
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
    code = code.strip()
    if code.isidentifier() or _ONE_STRING.fullmatch(code):  # one token (and the end marker)
        return (code, "")
    readline = io.StringIO(code).readline
    tokens = [t.string for t in tokenize.generate_tokens(readline) if t.type not in _LAYOUT]
    # A trailing comma is layout too: it is what splits `f(a)` over lines.
    pairs = zip(tokens, [*tokens[1:], ""], strict=True)
    return tuple(t for t, after in pairs if not (t == "," and after in _CLOSING))


def _element_key(code: str) -> tuple[str, ...]:
    """An element's code whatever its layout, and a plain string whatever its quotes: `'Post'`
    is `"Post"`."""
    code = code.strip()
    if _ONE_STRING.fullmatch(code) and code[0] == "'":
        code = f'"{code[1:-1]}"'
    return _key(code)


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


def _without(items: Sequence[_Item], index: int) -> list[_Item]:
    """`items` without number `index`. A new last item takes the old last one's comma, and
    the whitespace after it, so the closing bracket stays where it was."""
    rest = [*items[:index], *items[index + 1 :]]
    if rest and index == len(items) - 1:
        rest[-1] = rest[-1].with_changes(comma=items[-1].comma)
    return rest


def _quoted_like(node: cst.List, value: cst.BaseExpression) -> cst.BaseExpression:
    """`value`, a plain string, in the quotes of the list's last string (if it has one)."""
    strings = [e.value.value for e in node.elements if isinstance(e.value, cst.SimpleString)]
    if not strings or not isinstance(value, cst.SimpleString):
        return value
    quote, text = strings[-1][-1], value.value
    inside = text[1:-1]
    if not _ONE_STRING.fullmatch(text) or text[0] == quote or quote in inside:
        return value
    return value.with_changes(value=f"{quote}{inside}{quote}")


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
