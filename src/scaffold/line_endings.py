"""Line endings kept line by line through an edit.

Edits see `\\n` only (LibCST, tomlkit and the marker patchers all add lines with `\\n`);
`restore` then gives every line the edit kept its own ending back, and every line it added
the ending of the line above it (or the file's usual one), so a file with CRLF lines, or a
mix, is changed only where the edit changed it.
"""

from __future__ import annotations

import difflib
import re

_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def lines(text: str | None) -> list[str]:
    """The lines of `text` with their endings (only `\\n` ends a line, as on disk)."""
    return _LINE.findall(text) if text else []


def to_lf(text: str) -> str:
    return text.replace("\r\n", "\n")


def restore(original: str, edited: str) -> str:
    """`edited` (an edit of `to_lf(original)`) with the line endings of `original`."""
    if "\r\n" not in original:
        return edited
    old, new = lines(original), lines(edited)
    endings = [_ending(line) for line in old]
    usual = "\r\n" if endings.count("\r\n") >= endings.count("\n") else "\n"
    old_bodies = [line.rstrip("\r\n") for line in old]
    new_bodies = [line.rstrip("\n") for line in new]
    matcher = difflib.SequenceMatcher(None, old_bodies, new_bodies, autojunk=False)
    out = []
    for _, i1, i2, j1, j2 in matcher.get_opcodes():
        for offset, index in enumerate(range(j1, j2)):
            if i1 + offset < i2:
                ending = endings[i1 + offset]  # the line it stands for
            else:  # an added line: as the line above it, or below it at the top
                ending = endings[i2 - 1] if i2 else endings[0]
            ending = ending or usual  # the old last line had none; this one has one now
            out.append(new_bodies[index] + (ending if new[index].endswith("\n") else ""))
    return "".join(out)


def _ending(line: str) -> str:
    if line.endswith("\r\n"):
        return "\r\n"
    return "\n" if line.endswith("\n") else ""
