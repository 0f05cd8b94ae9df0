"""A three-way merge of text, line by line, as `git merge-file` makes it: the changes from
`base` to `theirs` applied to `ours`, where `ours` did not change the same lines.

`scaffold upgrade` merges what the template changed between the version an app was made from
(base) and this one (theirs) into the file as it is now (ours: the installers' and the user's
edits). Lines both sides changed, or changed side by side, overlap: the merge is made both ways
(their lines there, or ours) and the run asks which.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from scaffold.line_endings import lines as split


@dataclass(frozen=True)
class Overlap:
    """Lines both sides changed: from line `line` of ours (1-based)."""

    line: int
    ours: tuple[str, ...]
    theirs: tuple[str, ...]


@dataclass(frozen=True)
class Merged:
    """The merge with their lines in each overlap (`text`) and with ours (`kept`)."""

    text: str
    kept: str
    overlaps: tuple[Overlap, ...]


def merge(base: str, ours: str, theirs: str) -> Merged:
    """Apply the change from `base` to `theirs` onto `ours`."""
    old, mine, new = split(base), split(ours), split(theirs)
    to_mine, to_new = _matches(old, mine), _matches(old, new)
    # Base lines neither side changed, in order in both: the merge is settled there.
    stable = [i for i in range(len(old)) if i in to_mine and i in to_new]
    text: list[str] = []
    kept: list[str] = []
    overlaps: list[Overlap] = []
    i0 = j0 = k0 = 0
    for i in [*stable, len(old)]:
        j, k = (to_mine[i], to_new[i]) if i < len(old) else (len(mine), len(new))
        was, ours_now, theirs_now = old[i0:i], mine[j0:j], new[k0:k]
        if ours_now == was:
            text += theirs_now
            kept += theirs_now
        elif theirs_now in (was, ours_now):
            text += ours_now
            kept += ours_now
        else:
            overlaps.append(Overlap(j0 + 1, tuple(ours_now), tuple(theirs_now)))
            text += theirs_now
            kept += ours_now
        if i < len(old):
            text.append(old[i])
            kept.append(old[i])
        i0, j0, k0 = i + 1, j + 1, k + 1
    return Merged("".join(text), "".join(kept), tuple(overlaps))


def _matches(a: list[str], b: list[str]) -> dict[int, int]:
    """For each line of `a` that the diff to `b` keeps, its index in `b`."""
    found = {}
    for i, j, size in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks():
        for offset in range(size):
            found[i + offset] = j + offset
    return found
