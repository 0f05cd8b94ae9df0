"""The preview of a run, in Igniter's format: `Create:` with numbered lines, `Update:` with
old and new line numbers, `+`/`-` markers and `...|` where context is skipped.

Lines are compared with their endings, so a change of line ending alone shows: a changed
line ending in CRLF shows `␍` at its end, and a changed last line without a final newline is
followed by `\\ No newline at end of file`, as in git.

Renders to rich `Text`, so a terminal gets colour and a pipe gets plain text."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from rich.text import Text

from scaffold.line_endings import lines as _lines
from scaffold.project import Change

CONTEXT = 2
NO_NEWLINE = "\\ No newline at end of file"
CR = "␍"
HEADINGS = {"create": "Create", "update": "Update", "delete": "Delete", "conflict": "Conflict"}


def render(change: Change) -> Text:
    """One file's preview: a heading, a blank line, then its lines."""
    text = Text()
    text.append(f"{HEADINGS[change.status]}: {change.path}", style="bold")
    if change.status == "conflict":
        text.append(f"  ({change.note or 'exists with other content'})", style="yellow")
    text.append("\n")
    if change.status == "delete":
        return text
    text.append("\n")
    if change.status == "create":
        _numbered(text, [line.rstrip("\r\n") for line in _lines(change.after)])
    else:
        _hunks(text, _lines(change.before), _lines(change.after))
    return text


def summary_line(change: Change) -> Text:
    """One line for a summarised preview: heading, path and the size of the change."""
    added, removed = stats(change)
    text = Text(f"{HEADINGS[change.status]}: {change.path}  ", style="bold")
    text.append(f"+{added}", style="green")
    text.append(" ")
    text.append(f"-{removed}", style="red")
    return text


def stats(change: Change) -> tuple[int, int]:
    """Lines added and removed."""
    before, after = _lines(change.before), _lines(change.after)
    added = removed = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def size(change: Change) -> int:
    """How many lines the full preview of this change takes (counted, not rendered: a
    summarised preview never renders them)."""
    if change.status == "delete":
        return 1
    if change.status == "create":
        return 2 + len(_lines(change.after))
    return 2 + sum(1 for _ in _hunk_rows(_lines(change.before), _lines(change.after)))


def _numbered(text: Text, lines: list[str]) -> None:
    width = len(str(len(lines)))
    for number, line in enumerate(lines, 1):
        text.append(f"{number:>{width}} |", style="dim")
        text.append(f"{line}\n")


def _hunks(text: Text, before: list[str], after: list[str]) -> None:
    width = len(str(max(len(before), len(after), 1)))
    gutter = 2 * width + 4  # "old new m " before the bar
    for row in _hunk_rows(before, after):
        if row is None:
            text.append(" " * (gutter - 3) + "...|\n", style="dim")
        elif row == NO_NEWLINE:
            text.append(" " * (gutter + 1) + f"{NO_NEWLINE}\n", style="dim")
        else:
            _row(text, width, *row)


def _hunk_rows(before: list[str], after: list[str]) -> Iterator[tuple | str | None]:
    """The rows of the changed parts with their context; None where lines are skipped."""
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    last_end = 0
    for group in matcher.get_grouped_opcodes(CONTEXT):
        if group[0][1] > 0:
            yield None
        yield from _rows(group, before, after)
        last_end = group[-1][2]
    if last_end < len(before):
        yield None


def _rows(group, before: list[str], after: list[str]) -> Iterator[tuple | str]:
    for tag, i1, i2, j1, j2 in group:
        if tag == "equal":
            for offset in range(i2 - i1):
                yield i1 + offset + 1, j1 + offset + 1, " ", before[i1 + offset]
            continue
        for index in range(i1, i2):
            yield index + 1, None, "-", before[index]
            if not before[index].endswith("\n"):
                yield NO_NEWLINE
        for index in range(j1, j2):
            yield None, index + 1, "+", after[index]
            if not after[index].endswith("\n"):
                yield NO_NEWLINE


def _row(text: Text, width: int, old: int | None, new: int | None, mark: str, line: str) -> None:
    old_col = f"{old:>{width}}" if old else " " * width
    new_col = f"{new:>{width}}" if new else " " * width
    style = {"+": "green", "-": "red"}.get(mark, "")
    text.append(f"{old_col} {new_col} {mark} |", style=style or "dim")
    body = line.removesuffix("\n")
    if body.endswith("\r"):  # shown where the line changed: the change may be this alone
        body = body[:-1] + (CR if style else "")
    text.append(f"{body}\n", style=style)
