"""Writing Python source that ruff leaves alone: calls that fit on a line or take one argument
a line, and import blocks sorted and grouped as ruff's isort rule wants them.

A call too long for its line is exploded with a trailing comma, which ruff format keeps
exploded (its "magic trailing comma"), so the output is stable whatever the names' lengths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from scaffold import import_order

LINE_LENGTH = 100  # the generated apps' ruff `line-length`


@dataclass(frozen=True)
class Call:
    """`func(arg, ...)`, where each argument is code or another Call. `brackets` may be "[]"
    for a list literal (with an empty `func`)."""

    func: str
    args: Sequence[str | Call] = ()
    explode: bool = False  # one argument a line even when all would fit on one
    brackets: str = "()"

    def render(self, indent: int = 0, prefix: str = "", suffix: str = "") -> str:
        """The call as written at column `indent`, after `prefix` on its first line."""
        start, end = f"{prefix}{self.func}{self.brackets[0]}", self.brackets[1] + suffix
        one_line = f"{start}{', '.join(map(str, self.args))}{end}"
        if not self.args or (not self.explode and indent + len(one_line) <= LINE_LENGTH):
            return one_line
        inner = indent + 4
        lines = [" " * inner + render(arg, inner, suffix=",") for arg in self.args]
        return "\n".join([start, *lines, " " * indent + end])

    def __str__(self) -> str:
        return self.render()


def render(code: str | Call, indent: int = 0, prefix: str = "", suffix: str = "") -> str:
    """`code` at column `indent`, after `prefix` and before `suffix` on its line(s)."""
    if isinstance(code, Call):
        return code.render(indent, prefix, suffix)
    return f"{prefix}{code}{suffix}"


def line(prefix: str, code: str | Call, indent: int = 0, suffix: str = "") -> str:
    """One statement at `indent` (plus the spaces `prefix` starts with), e.g. a prefix
    `title: Mapped[str] = ` then a call."""
    stripped = prefix.lstrip(" ")
    indent += len(prefix) - len(stripped)
    head = f"{stripped}{code.func}(" if isinstance(code, Call) else ""
    if head and stripped.endswith("= ") and indent + len(head) > LINE_LENGTH:
        space = " " * indent
        subscript = _ANNOTATED.fullmatch(stripped)
        if subscript and indent + len(stripped) + 1 > LINE_LENGTH:
            # Not even `name: Mapped[X] = (` fits: ruff format splits the annotation's brackets.
            name, inner = subscript[1], subscript[2]
            after = render(code, indent, "] = ", suffix)
            return f"{space}{name}[\n{space}    {inner}\n{space}{after}"
        # Not even `name = call(` fits: ruff format puts the value in parentheses below.
        inner = " " * (indent + 4) + render(code, indent + 4)
        return f"{space}{stripped}(\n{inner}\n{space}){suffix}"
    return " " * indent + render(code, indent, stripped, suffix)


_ANNOTATED = re.compile(r"(\w+: [\w.]+)\[(.+)\] = ")  # `name: Mapped[X] = `


def comprehension(
    prefix: str, element: str, loop: str, indent: int = 0, suffix: str = "", brackets: str = "[]"
) -> str:
    """`prefix[element for ...]suffix` at `indent`, split as ruff format splits it: inside the
    brackets first, then the element and the loop on a line each."""
    pad, inner, (start, end) = " " * indent, " " * (indent + 4), brackets
    one_line = f"{pad}{prefix}{start}{element} {loop}{end}{suffix}"
    if len(one_line) <= LINE_LENGTH:
        return one_line
    body = f"{inner}{element} {loop}"
    if len(body) > LINE_LENGTH:
        body = f"{inner}{element}\n{inner}{loop}"
    return f"{pad}{prefix}{start}\n{body}\n{pad}{end}{suffix}"


def assertion(code: str | Call, rest: str, indent: int = 4) -> str:
    """`assert code rest` (`rest` like `is None`), in parentheses over lines when too long, as
    ruff format writes it."""
    one_line = line(f"{' ' * indent}assert ", code, suffix=f" {rest}")
    if "\n" not in one_line and len(one_line) <= LINE_LENGTH:
        return one_line
    inner = indent + 4
    together = line(" " * inner, code, suffix=f" {rest}")
    if "\n" in together or len(together) > LINE_LENGTH:
        together = line(" " * inner, code) + f"\n{' ' * inner}{rest}"
    return f"{' ' * indent}assert (\n{together}\n{' ' * indent})"


def signature(name: str, params: Sequence[str], returns: str, indent: int = 0) -> str:
    """`def name(params) -> returns:`, one parameter a line when it is too long."""
    return line("def ", Call(name, params), indent, suffix=f" -> {returns}:")


def string_list(items: Iterable[str], **options: bool) -> Call:
    """A list literal of strings, e.g. for `__all__`."""
    return Call("", [f'"{item}"' for item in items], brackets="[]", **options)


# Imports -----------------------------------------------------------------------------------


@dataclass
class Imports:
    """The imports a generated module needs, rendered as ruff's isort rule sorts them (in the
    order of scaffold.import_order, with the app's settings during a run)."""

    first_party: frozenset[str]
    modules: dict[str, str] = field(default_factory=dict)  # import x [as alias]: x -> alias
    names: dict[str, set[str]] = field(default_factory=dict)  # from x import a, b

    def add(self, module: str, name: str = "", *, alias: str = "") -> Imports:
        """`import module [as alias]` when `name` is empty, else `from module import name`."""
        if name:
            self.names.setdefault(module, set()).add(name)
        else:
            self.modules[module] = alias or self.modules.get(module, "")
        return self

    def update(self, pairs: Iterable[tuple[str, str]]) -> Imports:
        for module, name in pairs:
            self.add(module, name)
        return self

    def render(self, indent: int = 0) -> str:
        """The sections (standard library, third party, first party), a blank line apart."""
        statements = [
            (import_order.statement_key(m, self.first_party, asname=alias or None), self._import(m))
            for m, alias in self.modules.items()
        ] + [
            (import_order.statement_key(m, self.first_party, names=[(n, None) for n in names]),
             self._line(m, indent))
            for m, names in self.names.items()
        ]  # fmt: skip
        return import_order.block((key, " " * indent + code) for key, code in statements)

    def _import(self, module: str) -> str:
        alias = self.modules[module]
        return f"import {module}" + (f" as {alias}" if alias else "")

    def _line(self, module: str, indent: int) -> str:
        members = import_order.sorted_members(self.names[module])
        one_line = f"from {module} import {', '.join(members)}"
        if indent + len(one_line) <= import_order.current().line_length:
            return one_line
        pad = " " * (indent + 4)
        inner = "\n".join(f"{pad}{member}," for member in members)
        return f"from {module} import (\n{inner}\n{' ' * indent})"


def text(prefix: str, value: str, indent: int = 0) -> str:
    """`prefix` then a string literal, split over lines in parentheses when too long."""
    one_line = f"{prefix}{quote(value)}"
    if indent + len(one_line) <= LINE_LENGTH:
        return " " * indent + one_line
    if indent + 4 + len(quote(value)) <= LINE_LENGTH:  # ruff format's choice: one line inside
        return f"{' ' * indent}{prefix}(\n{' ' * (indent + 4)}{quote(value)}\n{' ' * indent})"
    width = LINE_LENGTH - indent - 4 - 2
    chunks, current = [], ""
    for word in value.split(" "):
        if current and len(current) + len(word) + 2 > width:  # a space, and one after it
            chunks.append(current + " ")
            current = word
        else:
            current = f"{current} {word}" if current else word
    chunks.append(current)
    inner = "".join(" " * (indent + 4) + quote(chunk) + "\n" for chunk in chunks)
    return f"{' ' * indent}{prefix}(\n{inner}{' ' * indent})"


def quote(value: str) -> str:
    """A string literal as ruff format writes it: double quotes, unless that needs escapes."""
    if '"' in value and "'" not in value:
        return f"'{value}'"
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def quoted(names: Iterable[str]) -> list[str]:
    """String literals of `names`."""
    return [quote(name) for name in names]
