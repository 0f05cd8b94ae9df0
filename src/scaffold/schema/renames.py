"""Renames in a migration. A column the models no longer have and one of the same type that
they now have in its table may be one column renamed; so may a table gone and one with the
same columns. Each is given (`--rename posts.bio:biography`), checked against what the
comparison offers, or asked about: never guessed."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from scaffold import UsageError

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_RENAME = re.compile(rf"({_NAME})(?:\.({_NAME}))?:(?:({_NAME})\.)?({_NAME})")


@dataclass(frozen=True)
class Rename:
    """The table `table` renamed to `new`, or (with `column`) its column renamed to `new`."""

    table: str
    column: str | None
    new: str

    @classmethod
    def of(cls, pair: Sequence[str]) -> Rename:
        """From the comparison's [old, new]: ["posts.bio", "biography"], ["posts", "articles"]."""
        table, _, column = pair[0].partition(".")
        return cls(table, column or None, pair[1])

    @property
    def old(self) -> str:
        return f"{self.table}.{self.column}" if self.column else self.table

    @property
    def target(self) -> str:
        """What it is called after: posts.biography, articles."""
        return f"{self.table}.{self.new}" if self.column else self.new

    @property
    def kind(self) -> str:
        return "column" if self.column else "table"

    def pair(self) -> list[str]:
        return [self.old, self.new]

    def question(self) -> str:
        if self.column:
            return f"Was {self.old} renamed to {self.target}?"
        return f"Was the table {self.old} renamed to {self.new}?"

    def __str__(self) -> str:
        return f"{self.old}:{self.new}"


def parse(text: str) -> Rename:
    """`posts.bio:biography` (or `posts.bio:posts.biography`), `posts:articles`."""
    found = _RENAME.fullmatch(text.strip())
    if found is None:
        raise UsageError(
            f"Invalid --rename `{text}`: write OLD:NEW, a column as posts.bio:biography and a "
            "table as posts:articles."
        )
    table, column, new_table, new = found.groups()
    if new_table is not None and (column is None or new_table != table):
        raise UsageError(
            f"Invalid --rename `{text}`: a column keeps its table (posts.bio:biography); "
            "rename a table on its own (posts:articles)."
        )
    return Rename(table, column, new)


def check(
    given: Sequence[Rename],
    offers: Sequence[Rename],
    dropped: Mapping[str, str | None],
    added: Mapping[str, str | None],
) -> None:
    """Refuse (UsageError) a given rename that the comparison does not offer, saying why,
    and two that rename the same thing or to the same name."""
    problems = [_problem(rename, offers, dropped, added) for rename in given]
    for index, rename in enumerate(given):
        twice = [r for r in given[:index] if rename.old == r.old or rename.target == r.target]
        if twice:
            problems.append(f"--rename {twice[0]} and --rename {rename} clash: give one of them.")
    found = [problem for problem in problems if problem]
    if found:
        raise UsageError("\n".join(found))


def _problem(
    rename: Rename,
    offers: Sequence[Rename],
    dropped: Mapping[str, str | None],
    added: Mapping[str, str | None],
) -> str | None:
    flag = f"--rename {rename}"
    if rename in offers:
        return None
    if rename.old not in dropped:
        return (
            f"{flag}: this migration drops no {rename.kind} {rename.old} (the models still "
            "have it, or the migrations never made it)."
        )
    if rename.target not in added:
        return (
            f"{flag}: this migration adds no {rename.kind} {rename.target} (the models do not "
            "have it, or the migrations already make it)."
        )
    if rename.column:
        return (
            f"{flag}: {rename.old} is {dropped[rename.old]} and {rename.target} is "
            f"{added[rename.target]}; a rename keeps the type. Rename the column in one "
            "migration, then change its type in the next."
        )
    return (
        f"{flag}: the tables {rename.old} and {rename.new} differ in their columns or their "
        "types; a rename keeps them. Rename the table in one migration, then change its "
        "columns in the next."
    )


def choose(
    offers: Sequence[Rename], given: Sequence[Rename], ask: Callable[[str], bool]
) -> list[Rename]:
    """The given renames, and each offer (in order) that `ask` says yes to, save those of a
    table or column already renamed, or to a name already taken."""
    chosen = list(given)
    for offer in offers:
        taken = any(offer.old == r.old or offer.target == r.target for r in chosen)
        if not taken and ask(offer.question()):
            chosen.append(offer)
    return chosen
