"""Names: what a user may call an app, checked once, with a suggestion when it is wrong."""

from __future__ import annotations

import builtins
import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass

from scaffold.errors import UsageError

_BUILTINS = frozenset(name.lower() for name in dir(builtins))
_PACKAGE = re.compile(r"^[a-z_][a-z0-9_]*$")

# Names that would shadow the generated app's own dependencies or its folders.
_TAKEN = frozenset(
    {
        "alembic", "fastapi", "httpx", "itsdangerous", "jinja2", "migrations", "psycopg",
        "pydantic", "pydantic_settings", "pytest", "scaffold", "sqladmin", "sqlalchemy",
        "src", "starlette", "test", "tests", "uvicorn", "argon2",
    }
)  # fmt: skip


# Latin letters that Unicode does not decompose into an ASCII letter and an accent.
_LETTERS = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
     "Ł": "L", "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th"}
)  # fmt: skip


def _ascii_letters(text: str) -> str:
    """`Café` -> `Cafe`, `Ünï` -> `Uni`: accents dropped, so that a suggestion keeps the word
    (characters with no ASCII form, such as CJK, are dropped)."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_LETTERS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def suggest_package_name(name: str) -> str:
    """`My-App` -> `my_app`, `Café` -> `cafe`: what the user probably meant."""
    words = _ascii_letters(name.strip()).lower()
    suggestion = re.sub(r"[^a-z0-9_]+", "_", words).strip("_")
    if suggestion and suggestion[0].isdigit():
        suggestion = "app_" + suggestion
    return suggestion or "my_app"


def check_app_name(name: str) -> str:
    """Return `name` when it can be the generated app's Python package; else raise UsageError."""
    problem = _package_name_problem(name)
    if problem:
        hint = suggest_package_name(name)
        tip = f" Try `{hint}`." if hint != name and not _package_name_problem(hint) else ""
        raise UsageError(f"Invalid app name `{name}`: {problem}.{tip}")
    return name


MAX_APP_NAME = 30


def _package_name_problem(name: str) -> str | None:
    if not name:
        return "it is empty"
    if len(name) > MAX_APP_NAME:
        return (
            f"keep it to {MAX_APP_NAME} characters or fewer (it names the package, the "
            "database and the app's command)"
        )
    if name[0].isdigit():
        return "a Python package name cannot start with a digit"
    if not _PACKAGE.match(name):
        return "use lowercase letters, digits and underscores only (a Python package name)"
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        return "it is a Python keyword"
    if name in sys.stdlib_module_names:
        return "it would shadow the standard library module of that name"
    if name in _TAKEN:
        return "it would shadow a package or folder the app depends on"
    return None


# Resources ---------------------------------------------------------------------------------

_CAMEL = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_IRREGULAR = {
    "person": "people", "child": "children", "man": "men", "woman": "women", "mouse": "mice",
    "goose": "geese", "tooth": "teeth", "foot": "feet", "ox": "oxen", "leaf": "leaves",
}  # fmt: skip
_UNCOUNTABLE = frozenset({"news", "series", "species", "equipment", "information", "data"})

# PostgreSQL's limit on the length of a name (of a table, column, index...), in bytes. Every
# name scaffold makes is ASCII, so it is also a number of characters.
MAX_IDENTIFIER = 63

# Modules every app has: a domain or resource by these names would clash with them.
APP_MODULES = frozenset(
    {"api", "cli", "db", "main", "models", "settings", "web", "tests", "migrations", "static"}
)


def snake(name: str) -> str:
    """`BlogPost` -> `blog_post`, `HTTPLog` -> `http_log`."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def pluralize(word: str) -> str:
    """English plural of a lowercase word, good enough for table and route names."""
    head, _, last = word.rpartition("_")
    prefix = f"{head}_" if head else ""
    if last in _UNCOUNTABLE:
        return word
    if last in _IRREGULAR:
        return prefix + _IRREGULAR[last]
    if re.search(r"[^aeiou]y$", last):
        return prefix + last[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", last):
        return prefix + last + "es"
    return prefix + last + "s"


def humanize(snake_name: str) -> str:
    """`blog_post` -> `blog post`."""
    return snake_name.replace("_", " ")


@dataclass(frozen=True)
class ResourceName:
    """`Blog.Post`, parsed once: every name templates and installers need."""

    domain: str  # Blog
    name: str  # Post

    @property
    def domain_module(self) -> str:  # blog
        return snake(self.domain)

    @property
    def module(self) -> str:  # post
        return snake(self.name)

    @property
    def plural(self) -> str:  # posts
        return pluralize(self.module)

    @property
    def table(self) -> str:  # posts
        return self.plural

    @property
    def route(self) -> str:  # /posts
        return "/" + self.plural.replace("_", "-")

    @property
    def human(self) -> str:  # post
        return humanize(self.module)

    @property
    def human_plural(self) -> str:  # posts
        return humanize(self.plural)

    @property
    def dotted(self) -> str:  # Blog.Post
        return f"{self.domain}.{self.name}"

    def __str__(self) -> str:
        return self.dotted


def check_domain_name(text: str) -> str:
    """A domain name: CamelCase, like `Blog` or `Accounts`."""
    problem = _camel_problem(text, "domain")
    if problem is None and snake(text) in APP_MODULES:
        problem = f"`{snake(text)}` is one of the app's own modules"
    if problem:
        raise UsageError(f"Invalid domain name `{text}`: {problem}.")
    return text


def parse_resource_name(text: str) -> ResourceName:
    """`Blog.Post` -> ResourceName; raise UsageError naming the problem otherwise."""
    domain, dot, name = text.partition(".")
    if not dot or "." in name:
        raise UsageError(
            f"Invalid resource name `{text}`: write it as Domain.Resource, e.g. Blog.Post."
        )
    check_domain_name(domain)
    problem = _camel_problem(name, "resource")
    if problem is None and snake(name) in APP_MODULES:
        problem = f"`{snake(name)}` is one of the app's own modules"
    if problem:
        raise UsageError(f"Invalid resource name `{name}` in `{text}`: {problem}.")
    return ResourceName(domain, name)


def _camel_problem(text: str, what: str) -> str | None:
    if not text:
        return f"the {what} name is empty"
    if text[0].isdigit():
        return "a name cannot start with a digit"
    if not _CAMEL.match(text):
        example = _camel(text)
        hint = f" (e.g. {example})" if example else ""
        return f"use CamelCase letters and digits, starting with a capital{hint}"
    lowered = snake(text)
    if len(lowered) > MAX_IDENTIFIER:
        return (
            f"`{lowered}` is {len(lowered)} characters long, and it names tables, modules and "
            f"folders: PostgreSQL allows {MAX_IDENTIFIER} in a name"
        )
    if keyword.iskeyword(lowered) or keyword.issoftkeyword(lowered):
        return f"`{lowered}` is a Python keyword"
    if lowered in _BUILTINS or lowered in sys.stdlib_module_names:
        return f"`{lowered}` would shadow Python's own `{lowered}`"
    return None


def _camel(text: str) -> str:
    parts = re.split(r"[^A-Za-z0-9]+", _ascii_letters(text))
    return "".join(part[:1].upper() + part[1:] for part in parts if part)
