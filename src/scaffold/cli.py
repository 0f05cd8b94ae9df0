"""The command line: parse, build the staged project, hand it to `scaffold.run`.

Kept thin, and quick to start: everything heavy is imported inside the command that
needs it."""

from __future__ import annotations

import functools
import inspect
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from scaffold import __version__

if TYPE_CHECKING:
    from rich.console import Console

    from scaffold.project import Project
    from scaffold.run import RunOptions

app = typer.Typer(
    name="scaffold",
    help="Make and grow FastAPI + SQLAlchemy web apps. Every change is previewed as a diff, "
    "confirmed, and written all at once.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Database(StrEnum):
    sqlite = "sqlite"
    postgres = "postgres"


Yes = Annotated[bool, typer.Option("--yes", "-y", help="Apply without asking.")]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Show the changes; write nothing.")]
Check = Annotated[
    bool, typer.Option("--check", help="Write nothing; exit 1 if anything would change (CI).")
]
Force = Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")]
Skip = Annotated[bool, typer.Option("--skip", help="Keep files that exist; skip those changes.")]
FullDiff = Annotated[bool, typer.Option("--full-diff", help="Never summarise the preview.")]
# Not one of RUN_FLAGS: only the commands whose changes can lose data take it.
AcceptDataLoss = Annotated[
    bool,
    typer.Option(
        "--accept-data-loss",
        help="With --yes: write changes that lose data (a migration that drops a column).",
    ),
]
# The flags of every command that writes, in RunOptions' order.
RUN_FLAGS = {
    "yes": Yes, "dry_run": DryRun, "check": Check, "force": Force, "skip": Skip,
    "full_diff": FullDiff,
}  # fmt: skip


def _runs(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` the RUN_FLAGS options; it receives them as one `options: RunOptions`.

    Typer has no shared groups of options, so this writes them into the signature Typer reads
    (its annotations evaluated: this module's are strings, and RunOptions is imported lazily).
    """
    parameters = [
        parameter.replace(annotation=eval(parameter.annotation, command.__globals__))
        for parameter in inspect.signature(command).parameters.values()
        if parameter.name != "options"
    ]
    parameters += [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=False, annotation=flag)
        for name, flag in RUN_FLAGS.items()
    ]

    def run(*args: Any, **kwargs: Any) -> None:
        flags = [kwargs.pop(name) for name in RUN_FLAGS]
        command(*args, options=_options(*flags), **kwargs)

    functools.update_wrapper(run, command, assigned=("__module__", "__name__", "__doc__"))
    run.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    run.__annotations__ = {p.name: p.annotation for p in parameters}
    return run


def _version(value: bool) -> None:
    if value:
        typer.echo(f"scaffold {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Make and grow FastAPI + SQLAlchemy web apps."""


@app.command(epilog="Examples:  scaffold new my_app  |  scaffold new shop --db postgres --yes")
@_runs
def new(
    name: Annotated[str, typer.Argument(help="The app's name: a Python package name.")],
    db: Annotated[Database, typer.Option(help="The database the app uses.")] = Database.sqlite,
    install: Annotated[
        str, typer.Option(help="Installers to run after the app is made, e.g. auth,admin.")
    ] = "",
    no_git: Annotated[bool, typer.Option("--no-git", help="No git init and first commit.")] = False,
    *,
    options: RunOptions,
) -> None:
    """Create a new app in the folder NAME: pages, database, migrations, settings, tests."""
    with _reporting():
        from scaffold.naming import check_app_name
        from scaffold.plugins import run_installer
        from scaffold.project import Project

        check_app_name(name)
        extras = [item.strip() for item in install.split(",") if item.strip()]
        target = _new_folder(Path.cwd() / name, force=options.force)

        def build(project: Project) -> None:
            project.compose("app", name=name, db=db.value)
            for extra in extras:  # as `scaffold install EXTRA` would, versions recorded
                run_installer(project, extra, [])
            if not no_git:
                _add_git_tasks(project)

        raise typer.Exit(_execute(Project(target, force=options.force), build, options))


gen = typer.Typer(
    help="Generate domains, resources, jobs and migrations in the current app.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(gen, name="gen")


class PrimaryKey(StrEnum):
    uuid = "uuid"
    uuid7 = "uuid7"
    int = "int"


@gen.command("domain", epilog="Example:  scaffold gen domain Blog")
@_runs
def gen_domain(
    name: Annotated[str, typer.Argument(help="The domain, in CamelCase: Blog, Accounts.")],
    *,
    options: RunOptions,
) -> None:
    """Add a domain: a package that groups resources, whose __init__ is their interface."""
    _run_in_project(lambda project: project.compose("domain", name=name), options)


@gen.command(
    "resource",
    epilog="Example:  scaffold gen resource Blog.Post title:string:required body:text "
    "status:enum:draft,published author:references:Accounts.User",
)
@_runs
def gen_resource(
    name: Annotated[str, typer.Argument(help="Domain.Resource, e.g. Blog.Post.")],
    attributes: Annotated[
        list[str] | None,
        typer.Argument(
            help="name:type[:modifier...]. Types: string text integer float decimal boolean "
            "date datetime uuid json enum:a,b references:Domain.Resource. Modifiers: required "
            "unique index default=VALUE private.",
            show_default=False,
        ),
    ] = None,
    primary_key: Annotated[PrimaryKey, typer.Option(help="The id's type.")] = PrimaryKey.uuid,
    timestamps: Annotated[bool, typer.Option(help="inserted_at and updated_at.")] = True,
    actions: Annotated[
        str, typer.Option(help="Which of create,read,update,destroy to generate.")
    ] = "create,read,update,destroy",
    table: Annotated[str | None, typer.Option(help="The table's name.")] = None,
    no_web: Annotated[bool, typer.Option("--no-web", help="No HTML pages.")] = False,
    no_api: Annotated[bool, typer.Option("--no-api", help="No JSON API.")] = False,
    no_admin: Annotated[bool, typer.Option("--no-admin", help="No admin view.")] = False,
    scope: Annotated[
        str | None,
        typer.Option(
            help="Who owns the rows: `user` (the default once auth is installed: each "
            "signed-in user has their own), another scope of [tool.scaffold.scopes], or `none` "
            "(public).",
            show_default=False,
        ),
    ] = None,
    owner: Annotated[
        str | None,
        typer.Option(
            help="With --scope user --force on a resource that has rows: the email of the "
            "user they go to.",
            show_default=False,
        ),
    ] = None,
    *,
    options: RunOptions,
) -> None:
    """Add a resource: model, migration, actions, pages, JSON API, admin view and tests."""
    chosen = [action.strip() for action in actions.split(",") if action.strip()]
    _run_in_project(
        lambda project: project.compose(
            "resource",
            name=name,
            attributes=list(attributes or []),
            primary_key=primary_key.value,
            timestamps=timestamps,
            actions=chosen,
            table=table,
            web=not no_web,
            api=not no_api,
            admin=not no_admin,
            scope=scope,
            owner=owner,
        ),
        options,
    )


@gen.command("job", epilog="Example:  scaffold gen job Mail.Digest")
@_runs
def gen_job(
    name: Annotated[str, typer.Argument(help="Domain.Job, e.g. Mail.Digest.")],
    *,
    options: RunOptions,
) -> None:
    """Add a background job, with its test (after `scaffold install jobs`)."""
    _run_in_project(lambda project: project.compose("job", name=name), options)


@gen.command(
    "migration",
    epilog="Examples:  scaffold gen migration add_summary_to_posts  |  "
    "scaffold gen migration rename_bio --rename posts.bio:biography",
)
@_runs
def gen_migration(
    name: Annotated[str, typer.Argument(help="What the migration does, e.g. add_summary.")],
    rename: Annotated[
        list[str] | None,
        typer.Option(
            "--rename",
            metavar="OLD:NEW",
            help="A column (posts.bio:biography) or table (posts:articles) that was renamed: "
            "its data is kept. Repeat it for several; renames not given are asked about.",
            show_default=False,
        ),
    ] = None,
    accept_data_loss: AcceptDataLoss = False,
    *,
    options: RunOptions,
) -> None:
    """Write a migration for what the models changed since the last one (no database needed).
    A column or table that seems renamed is asked about; what is dropped is shown as data
    loss."""
    _run_in_project(
        lambda project: project.compose("migration", name=name, rename=list(rename or [])),
        replace(options, accept_data_loss=accept_data_loss),
    )


class _InstallCommand(typer.core.TyperCommand):
    """`scaffold install`, whose help names the options of the installer it is given
    (`scaffold install auth --help`)."""

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # --help is eager: it is shown before NAME is parsed, so NAME is found here.
        ctx.meta["installer"] = next((word for word in args if not word.startswith("-")), None)
        return super().parse_args(ctx, args)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        super().format_help(ctx, formatter)
        if name := ctx.meta.get("installer"):
            from scaffold.plugins import installer_help

            formatter.write("\n" + installer_help(name) + "\n")


@app.command(
    cls=_InstallCommand,
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
    epilog="Examples:  scaffold install auth --strategy password  |  scaffold install admin"
    "  |  scaffold install some-package",
)
@_runs
def install(
    context: typer.Context,
    name: Annotated[str, typer.Argument(help="An installer's name, or a package to install.")],
    *,
    options: RunOptions,
) -> None:
    """Run an installer in the current app: a built-in one, or one a package provides.

    A package that is not installed yet is added to the app's dependencies and installed,
    then its installer runs. Options after NAME go to the installer.
    """
    with _reporting():
        from scaffold.plugins import install_package_then_run, run_installer

        if name in _installer_names():
            code = _in_project(lambda project: run_installer(project, name, context.args), options)
        else:
            code = install_package_then_run(name, context.args, options, _in_project)
    raise typer.Exit(code)


@app.command(epilog="Example:  scaffold upgrade --dry-run")
@_runs
def upgrade(
    *,
    options: RunOptions,
) -> None:
    """Bring the app up to this scaffold's base template, and run the upgraders of its
    installers. What the template changed is merged into your files as they are; lines you
    changed too are asked about."""
    _run_in_project(lambda project: project.compose("upgrade"), options)


@app.command(epilog="Examples:  scaffold undo --dry-run  |  scaffold history")
def undo(
    yes: Yes = False,
    dry_run: DryRun = False,
    check: Check = False,
    force: Annotated[
        bool, typer.Option("--force", help="Undo even files edited since that run.")
    ] = False,
    full_diff: FullDiff = False,
) -> None:
    """Undo the last run that wrote files: byte for byte, previewed and confirmed.
    Run it again to walk further back."""
    options = _options(yes, dry_run, check, False, False, full_diff)
    with _reporting():
        from scaffold.project import Project, find_journal_root
        from scaffold.undo import stage_undo

        def build(project: Project) -> RunOptions:
            entry = stage_undo(project, force=force)
            return replace(options, undoes=entry.id, command=f"{options.command} ({entry.command})")

        code = _execute(Project(find_journal_root(Path.cwd())), build, options)
    raise typer.Exit(code)


@app.command()
def history() -> None:
    """List what scaffold wrote here, newest first, and what was undone."""
    with _reporting():
        from scaffold import journal
        from scaffold.project import find_journal_root
        from scaffold.undo import history as describe

        typer.echo(describe(journal.entries(find_journal_root(Path.cwd()))))


@app.command("list")
def list_installers() -> None:
    """List the installers and generators available, with what each does."""
    with _reporting():
        from scaffold.plugins import describe

        typer.echo(describe())


def _run_in_project(build: Callable[[Project], None], options: RunOptions) -> None:
    with _reporting():
        code = _in_project(build, options)
    raise typer.Exit(code)


def _installer_names() -> set[str]:
    from scaffold.registry import available

    return set(available())


@gen.command("installer", epilog="Example:  scaffold gen installer hello_page")
@_runs
def gen_installer(
    name: Annotated[str, typer.Argument(help="The installer's name, snake_case.")],
    *,
    options: RunOptions,
) -> None:
    """Add an installer skeleton, with its test, to the Python package you are in."""
    with _reporting():
        from scaffold.project import Project, find_package_root

        code = _execute(
            Project(find_package_root(Path.cwd()), force=options.force),
            lambda project: project.compose("installer", name=name),
            options,
        )
    raise typer.Exit(code)


def _in_project(build: Callable[[Project], None], options: RunOptions) -> int:
    """Run `build` on the project around the current folder; return the exit code."""
    from scaffold.project import Project, find_root

    return _execute(Project(find_root(Path.cwd()), force=options.force), build, options)


def _new_folder(target: Path, *, force: bool) -> Path:
    from scaffold.errors import UsageError

    if target.exists() and not target.is_dir():
        raise UsageError(f"{target} exists and is not a folder.")
    # Only scaffold's journal (of a `new` that was interrupted, say) does not count.
    if target.exists() and any(p.name != ".scaffold" for p in target.iterdir()) and not force:
        raise UsageError(
            f"The folder {target} exists and is not empty. Choose another name, or pass "
            "--force to generate into it (files that differ are then overwritten)."
        )
    return target


def _add_git_tasks(project: Project) -> None:
    project.add_task("Initialise a git repository", "git", "init", "--quiet")
    project.add_task("Stage the app", "git", "add", "--all")
    project.add_task(
        "Make the first commit",
        "git",
        "-c", "user.name=scaffold", "-c", "user.email=scaffold@localhost",
        "commit", "--quiet", "--no-verify", "-m", "New app from scaffold",
    )  # fmt: skip


def _options(
    yes: bool, dry_run: bool, check: bool, force: bool, skip: bool, full_diff: bool
) -> RunOptions:
    from scaffold.errors import UsageError
    from scaffold.run import RunOptions

    with _reporting():
        if force and skip:
            raise UsageError("--force and --skip contradict each other; pass one of them.")
        command = " ".join(["scaffold", *sys.argv[1:]])
        return RunOptions(yes, dry_run, check, force, skip, full_diff, command=command)


def _execute(
    project: Project, build: Callable[[Project], RunOptions | None], options: RunOptions
) -> int:
    """Run the installers on `project`, then the lifecycle; return its exit code. The app's
    lock is held from the recovery of an interrupted run to the end of the apply. `build`
    may return the options to go on with (undo names the entry it undoes)."""
    from rich.console import Console

    from scaffold import lock
    from scaffold.prompt import Prompter
    from scaffold.run import after_write, write

    console = Console(highlight=False)
    prompter = Prompter(console)
    if not (options.yes or options.check):  # then no one is asked, and the answer is no
        project.asker = prompter.yes_no
    with lock.held(project.root, options.command):
        _recover(project.root, console, write=not (options.dry_run or options.check))
        options = build(project) or options
        code = write(project, options, console, prompter)
    return after_write(project, console) if code is None else code


def _recover(root: Path, console: Console, *, write: bool) -> None:
    """Roll back what a crashed run left half applied, before anything else (a dry run
    or check only says so: it writes nothing)."""
    from scaffold.journal import pending, recover

    if not write:
        for entry in pending(root):
            console.print(
                f"Warning: an earlier run (`{entry.command}`) was interrupted while writing. "
                "Run any scaffold command without --dry-run or --check to roll it back.",
                style="yellow",
                markup=False,
            )
        return
    for entry in recover(root):
        console.print(
            f"An earlier run (`{entry.command}`, {entry.created}) was interrupted while "
            "writing; its changes were rolled back, so the files are as before it.",
            style="yellow",
            markup=False,
        )


@contextmanager
def _reporting() -> Iterator[None]:
    """The one place where scaffold's errors become messages and exit codes."""
    from scaffold.errors import Interrupted, IssuesFound, ScaffoldError

    try:
        yield
    except KeyboardInterrupt:
        _fail(Interrupted())
    except IssuesFound as error:
        for issue in error.issues:
            typer.echo(f"Issue: {issue}\n", err=True)
        _fail(error)
    except ScaffoldError as error:
        _fail(error)


def _fail(error: Exception) -> None:
    from scaffold.errors import ScaffoldError

    typer.echo(f"Error: {error}", err=True)
    raise typer.Exit(error.exit_code if isinstance(error, ScaffoldError) else 2)


def main() -> None:
    app()
