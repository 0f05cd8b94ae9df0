"""`scaffold undo` and `scaffold history`: the journal read back.

Undo stages the reverse of the last apply not yet undone — created files removed, updated
and deleted files given back their old bytes — and the run previews, confirms and applies
it like any other (journaled too, as an undo of that entry). Repeated, it walks back.
"""

from __future__ import annotations

from scaffold import journal
from scaffold.errors import ScaffoldError
from scaffold.journal import Entry
from scaffold.project import Project


def last_undoable(entries: list[Entry]) -> Entry | None:
    """The newest applied entry that is neither an undo nor undone."""
    undone = {entry.undoes for entry in entries if entry.state == "applied" and entry.undoes}
    for entry in reversed(entries):
        if entry.state == "applied" and entry.undoes is None and entry.id not in undone:
            return entry
    return None


def stage_undo(project: Project, *, force: bool) -> Entry:
    """Stage the reverse of the last undoable apply on `project`; return that entry."""
    entry = last_undoable(journal.entries(project.root))
    if entry is None:
        raise ScaffoldError("Nothing to undo: the journal has no apply left to undo.")
    changed = [
        record.path
        for record in entry.files
        if journal.digest(project.read(record.path)) != record.after
    ]
    if changed and not force:
        raise ScaffoldError(
            f"These files changed after `{entry.command}` ({entry.created}): "
            + ", ".join(changed)
            + ". Undoing would lose those edits; pass --force to undo anyway."
        )
    for index, record in enumerate(entry.files):
        before = entry.before(index)
        if before is None:
            project.delete_file(record.path)
        else:  # a deleted file comes back with its permissions
            mode = record.mode if record.status == "delete" else None
            project.create_file(record.path, before, on_exists="overwrite", mode=mode)
    return entry


def history(root_entries: list[Entry]) -> str:
    """One line an apply, newest first, saying which were undone."""
    if not root_entries:
        return "The journal is empty: scaffold has not written anything here yet."
    undone = {e.undoes for e in root_entries if e.state == "applied" and e.undoes}
    lines = []
    for entry in reversed(root_entries):
        state = "undone" if entry.id in undone else entry.state
        what = f"undo of {entry.undoes}" if entry.undoes else entry.command
        files = f"{len(entry.files)} file" + ("" if len(entry.files) == 1 else "s")
        lines.append(f"{entry.id}  {entry.created}  {state:<11}  {files:<9}  {what}")
    return "\n".join(lines)
