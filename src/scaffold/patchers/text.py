"""Edits to plain text files: lines added at a marker comment, variables added to `.env` files.

Both keep the file's line endings (`\\r\\n` stays `\\r\\n`) and its final newline or lack of one.
"""

from __future__ import annotations

import re
import textwrap

from scaffold.patchers import PatchError


def insert_at_marker(
    text: str, marker: str, content: str, *, after: bool = False
) -> str | PatchError:
    """Insert the lines of `content` before the line containing `marker` (after, if `after`).

    The lines are indented like the marker line. Does nothing when they are already in the
    file as one block, wherever it is and however it is indented.
    """
    newline = _newline(text)
    lines = text.split(newline)
    new_lines = textwrap.dedent(content).strip("\r\n").splitlines()
    if _contains_block(lines, new_lines):
        return text
    found = [number for number, line in enumerate(lines) if marker in line]
    if len(found) != 1:
        return _marker_error(marker, new_lines, found)
    at = found[0]
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    position = at + 1 if after else at
    lines[position:position] = [indent + line if line.strip() else "" for line in new_lines]
    return newline.join(lines)


def ensure_env_var(text: str, key: str, value: str, comment: str | None = None) -> str:
    """Append `key=value` to a `.env` file, unless a line already assigns `key`.

    `export KEY=...` counts as an assignment, a commented-out `# KEY=...` does not. `value` is
    written as given: quote it yourself if it needs quotes.
    """
    if re.search(rf"^[ \t]*(?:export[ \t]+)?{re.escape(key)}[ \t]*=", text, re.MULTILINE):
        return text
    newline = _newline(text)
    if text and not text.endswith("\n"):
        text += newline
    if comment:
        text += f"# {comment}{newline}"
    return f"{text}{key}={value}{newline}"


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _contains_block(lines: list[str], block: list[str]) -> bool:
    """Whether `block` appears in `lines` as consecutive lines, ignoring surrounding spaces."""
    stripped, wanted = [line.strip() for line in lines], [line.strip() for line in block]
    return any(
        stripped[start : start + len(wanted)] == wanted
        for start in range(len(stripped) - len(wanted) + 1)
    )


def _marker_error(marker: str, lines: list[str], found: list[int]) -> PatchError:
    if found:
        numbers = ", ".join(str(number + 1) for number in found)
        problem = f"the marker `{marker}` is on {len(found)} lines ({numbers}), expected one"
    else:
        problem = f"could not find the marker `{marker}`"
    block = "\n".join("    " + line if line.strip() else "" for line in lines)
    manual = (
        f"Add these lines where they belong:\n\n{block}\n\n"
        f"and leave exactly one line containing `{marker}`, where later additions should go."
    )
    return PatchError(problem, manual=manual, line=found[0] + 1 if found else None)
