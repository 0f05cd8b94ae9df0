"""Compare an app's models with the schema its migrations build, without its database.

Run with the app's Python: `python autogenerate.py APP_ROOT PACKAGE batch|plain`. The migration
chain is replayed into a scratch SQLite database, Alembic's autogenerate compares it with
the models, and the upgrade and downgrade code is printed as JSON (none when nothing
changed), with the app's files it read (`read`), so scaffold can check they stay so.
"""

import json
import os
import sys
import tempfile
from importlib import import_module
from pathlib import Path


def main(root: Path, package: str, batch: bool) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite:///{Path(scratch) / 'schema.db'}"
        os.environ["DATABASE_URL"] = url  # the app's migrations/env.py reads its settings
        sys.path.insert(0, str(root / "src"))

        from alembic import command
        from alembic.autogenerate import produce_migrations, render_python_code
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from sqlalchemy import create_engine

        command.upgrade(Config(str(root / "alembic.ini")), "head")
        metadata = import_module(f"{package}.models").Base.metadata
        engine = create_engine(url)
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            script = produce_migrations(context, metadata)
        engine.dispose()
    read = _files_read(root)
    if script.upgrade_ops is None or script.upgrade_ops.is_empty():
        return {"read": read}
    upgrade, downgrade = (
        render_python_code(ops, render_as_batch=batch)
        for ops in (script.upgrade_ops, script.downgrade_ops)
    )
    return {"upgrade": upgrade, "downgrade": downgrade, "read": read}


def _files_read(root: Path) -> list[str]:
    """The app's files this process read: its imported modules, its Alembic setup and its
    revisions (relative paths)."""
    found = {Path(m.__file__) for m in list(sys.modules.values()) if getattr(m, "__file__", None)}
    found |= {root / "alembic.ini", *(root / "migrations").glob("*.py")}
    found |= set((root / "migrations" / "versions").glob("*.py"))
    inside = [path.resolve() for path in found]
    return sorted(
        path.relative_to(root.resolve()).as_posix()
        for path in inside
        if path.is_file() and root.resolve() in path.parents and "site-packages" not in path.parts
    )


if __name__ == "__main__":
    root, package, batch = Path(sys.argv[1]), sys.argv[2], sys.argv[3] == "batch"
    print(json.dumps(main(root, package, batch)))
