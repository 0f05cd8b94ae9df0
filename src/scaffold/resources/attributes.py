"""Resource attributes from the command line: `name:type[:modifier...]`, parsed and checked
once; templates only ask the parsed `Attribute` (its column, types, input and samples)."""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from scaffold import UsageError
from scaffold.naming import MAX_IDENTIFIER, ResourceName, parse_resource_name

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CHOICE = re.compile(r"^[a-z][a-z0-9_]*$")
# Columns every resource has, and names SQLAlchemy or pydantic keep for themselves.
RESERVED = frozenset({"id", "inserted_at", "updated_at", "metadata", "registry"})


# Names the generated code gives a meaning of its own where attributes are bound too: in the
# class bodies of the model and its schemas (an attribute named `sa` would be what the lines
# after it call `sa.String`), as the model's keyword arguments, or as form fields. An attribute
# named like a type the model imports (`date`, `datetime`, `uuid`) is fine: the model then
# imports that type another way (see resources/model.py).
_SHADOWED = (
    ("the model's class body reaches SQLAlchemy by that name", "sa mapped_column relationship"),
    ("the schemas' class bodies use that name", "pydantic field_validator classmethod"),
    ("the timestamps' default is the app's `utcnow`, called by that name", "utcnow"),
    (
        "the model and its schemas annotate their fields with Python's own type of that name",
        "str int float bool dict",
    ),
    (
        "pydantic's BaseModel has a method of that name, which the schemas would shadow",
        "construct copy from_orm json parse_file parse_obj parse_raw schema schema_json "
        "update_forward_refs validate",
    ),
    ("the model's constructor takes `self` itself, so it could not be passed one", "self"),
    ("the pages' forms send their CSRF token in the field of that name", "csrf_token"),
)
SHADOWING = {name: reason for reason, names in _SHADOWED for name in names.split()}


@dataclass(frozen=True)
class TypeInfo:
    """How one attribute type appears in the model, the migration, forms and tests."""

    python: str  # the annotation: Mapped[python], schema fields
    column: str  # the SQLAlchemy type in the model
    migration: str  # the same type as written in a migration (sa.*)
    input: str  # the HTML form control
    sample: str  # a valid value, as Python source (tests)
    form_sample: str  # the same value as a form field sends it
    imports: tuple[tuple[str, str], ...] = ()  # (module, name) the model needs; "" = import
    json_sample: str = ""  # the value in a JSON request body, as Python source
    unique_sample: str = ""  # a value distinct for each integer `n`, as Python source
    changed_sample: str = ""  # another valid value (tests that update), as Python source
    sample_imports: tuple[tuple[str, str], ...] = ()  # what `sample` and `unique_sample` need


_UUID = "12345678-1234-5678-1234-567812345678"
TYPES: dict[str, TypeInfo] = {
    "string": TypeInfo("str", "String(255)", "sa.String(length=255)", "text", '"Some text"',
                       "Some text", (("sqlalchemy", "String"),), '"Some text"',
                       'f"Some text {n}"', '"Changed text"'),
    "text": TypeInfo("str", "Text", "sa.Text()", "textarea", '"Some longer text."',
                     "Some longer text.", (("sqlalchemy", "Text"),), '"Some longer text."',
                     'f"Some longer text {n}."', '"Changed longer text."'),
    "integer": TypeInfo("int", "Integer", "sa.Integer()", "number", "42", "42",
                        (("sqlalchemy", "Integer"),), "42", "n", "7"),
    "float": TypeInfo("float", "Float", "sa.Float()", "number", "1.5", "1.5",
                      (("sqlalchemy", "Float"),), "1.5", "n + 0.5"),
    "decimal": TypeInfo("Decimal", "Numeric(12, 2)", "sa.Numeric(precision=12, scale=2)",
                        "number", 'Decimal("9.99")', "9.99",
                        (("sqlalchemy", "Numeric"), ("decimal", "Decimal")), '"9.99"',
                        "Decimal(n)", sample_imports=(("decimal", "Decimal"),)),
    "boolean": TypeInfo("bool", "Boolean", "sa.Boolean()", "checkbox", "True", "on",
                        (("sqlalchemy", "Boolean"),), "True"),
    "date": TypeInfo("date", "Date", "sa.Date()", "date", "date(2024, 1, 31)", "2024-01-31",
                     (("sqlalchemy", "Date"), ("datetime", "date")), '"2024-01-31"',
                     "date.fromordinal(738000 + n)", sample_imports=(("datetime", "date"),)),
    "datetime": TypeInfo("datetime", "DateTime(timezone=True)", "sa.DateTime(timezone=True)",
                         "datetime-local", "datetime(2024, 1, 31, 12, 30, tzinfo=UTC)",
                         "2024-01-31T12:30",
                         (("sqlalchemy", "DateTime"), ("datetime", "datetime")),
                         '"2024-01-31T12:30:00Z"', "datetime.fromtimestamp(1_700_000_000 + n, UTC)",
                         sample_imports=(("datetime", "datetime"), ("datetime", "UTC"))),
    "uuid": TypeInfo("uuid.UUID", "Uuid", "sa.Uuid()", "text", f'uuid.UUID("{_UUID}")', _UUID,
                     (("sqlalchemy", "Uuid"), ("uuid", "")), f'"{_UUID}"', "uuid.uuid4()",
                     sample_imports=(("uuid", ""),)),
    "json": TypeInfo("dict[str, Any]", "JSON", "sa.JSON()", "textarea", '{"key": "value"}',
                     '{"key": "value"}', (("sqlalchemy", "JSON"), ("typing", "Any")),
                     '{"key": "value"}'),
    "enum": TypeInfo("", "", "", "select", "", ""),
    "references": TypeInfo("", "", "", "select", "", ""),
}  # fmt: skip

_DEFAULTABLE = {"string", "text", "integer", "float", "decimal", "boolean", "enum"}
MODIFIERS = ("required", "unique", "index", "default=VALUE", "private")


@dataclass(frozen=True)
class Attribute:
    """One attribute of a resource, as the user described it."""

    name: str
    type: str
    required: bool = False
    unique: bool = False
    index: bool = False
    default: str | None = None
    private: bool = False
    choices: tuple[str, ...] = ()  # enum values
    target: ResourceName | None = None  # what a reference points to
    info: TypeInfo = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "info", TYPES[self.type])

    @property
    def column(self) -> str:
        """The column's name: a reference `author` is stored in `author_id`."""
        return f"{self.name}_id" if self.target else self.name

    @property
    def nullable(self) -> bool:
        # A checkbox cannot say "unknown": booleans are always true or false.
        return not self.required and self.type != "boolean"

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()

    def default_source(self, enum_class: str = "") -> str | None:
        """The default as Python source, or None."""
        if self.type == "boolean":
            return str(self.default == "true") if self.default else "False"
        if self.default is None:
            return None
        if self.type == "enum":
            return f"{enum_class}.{self.default}"
        if self.type == "decimal":
            return f'Decimal("{self.default}")'
        if self.type in ("integer", "float"):
            return self.default
        return repr(self.default)


def parse_attributes(specs: list[str]) -> list[Attribute]:
    """Parse every `name:type[:modifier...]`; the first problem raises UsageError."""
    attributes = [parse_attribute(spec) for spec in specs]
    seen: set[str] = set()
    for attribute in attributes:
        for name in {attribute.name, attribute.column}:
            if name in seen:
                raise UsageError(f"The attribute `{name}` is given twice.")
            seen.add(name)
    return attributes


def parse_attribute(spec: str) -> Attribute:
    name, _, rest = spec.partition(":")
    _check_name(name, spec)
    if not rest:
        raise UsageError(
            f"Attribute `{spec}` has no type: write it as name:type, e.g. {name}:string. "
            f"Types: {', '.join(TYPES)}."
        )
    kind, *modifiers = rest.split(":")
    options: dict = {"name": name, "type": kind}
    if kind == "enum":
        options["choices"] = _choices(modifiers.pop(0) if modifiers else "", spec)
    elif kind == "references":
        options["target"] = _target(modifiers.pop(0) if modifiers else "", spec)
    elif kind not in TYPES:
        raise UsageError(f"Unknown type `{kind}` in attribute `{spec}`. Types: {', '.join(TYPES)}.")
    for modifier in modifiers:
        options.update(_modifier(modifier, spec, kind))
    attribute = Attribute(**options)
    if len(attribute.column) > MAX_IDENTIFIER:
        raise UsageError(
            f"Invalid attribute `{spec}`: its column `{attribute.column}` would be "
            f"{len(attribute.column)} characters long, and PostgreSQL allows {MAX_IDENTIFIER} "
            "in a name."
        )
    _check_default(attribute, spec)
    if attribute.type == "json" and (attribute.index or attribute.unique):
        raise UsageError(
            f"Attribute `{spec}`: a JSON column cannot be indexed or unique (PostgreSQL has no "
            "index for its json type): drop :index and :unique."
        )
    if attribute.unique and attribute.type in ("boolean", "enum"):
        values = len(attribute.choices) if attribute.choices else 2
        raise UsageError(
            f"Attribute `{spec}`: unique, it would let no more than {values} rows exist (one "
            "for each of its values): drop :unique."
        )
    if attribute.private and attribute.required and attribute.default is None:
        raise UsageError(
            f"Attribute `{spec}` is private and required, so nothing could set it: "
            "give it a default=VALUE or drop one of the two."
        )
    return attribute


def _check_name(name: str, spec: str) -> None:
    if not name:
        raise UsageError(f"Attribute `{spec}` has no name.")
    if name[0].isdigit():
        raise UsageError(f"Attribute name `{name}` cannot start with a digit.")
    if not _NAME.match(name):
        raise UsageError(
            f"Invalid attribute name `{name}`: use lowercase letters, digits and underscores."
        )
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise UsageError(f"Invalid attribute name `{name}`: it is a Python keyword.")
    if name in RESERVED or name.startswith("model_"):
        raise UsageError(
            f"Invalid attribute name `{name}`: every resource has `id`, `inserted_at` and "
            "`updated_at`, and `metadata`, `registry` and `model_*` belong to the libraries."
        )
    if name in SHADOWING:
        raise UsageError(
            f"Invalid attribute name `{name}`: {SHADOWING[name]}. Choose another name."
        )


def _choices(text: str, spec: str) -> tuple[str, ...]:
    choices = tuple(choice.strip() for choice in text.split(",") if choice.strip())
    if not choices:
        raise UsageError(
            f"Attribute `{spec}` needs its values: write it as name:enum:draft,published."
        )
    for choice in choices:
        if not _CHOICE.match(choice) or keyword.iskeyword(choice):
            raise UsageError(
                f"Invalid enum value `{choice}` in `{spec}`: use lowercase letters, digits and "
                "underscores, starting with a letter."
            )
    if len(set(choices)) != len(choices):
        raise UsageError(f"Attribute `{spec}` lists an enum value twice.")
    return choices


def _target(text: str, spec: str) -> ResourceName:
    if not text:
        raise UsageError(
            f"Attribute `{spec}` needs its target: write it as name:references:Domain.Resource."
        )
    return parse_resource_name(text)


def _modifier(modifier: str, spec: str, kind: str) -> dict:
    if modifier in ("required", "unique", "index", "private"):
        return {modifier: True}
    if modifier.startswith("default="):
        return {"default": modifier.removeprefix("default=")}
    raise UsageError(
        f"Unknown modifier `{modifier}` in attribute `{spec}`. Modifiers: {', '.join(MODIFIERS)}."
    )


def _check_default(attribute: Attribute, spec: str) -> None:
    value = attribute.default
    if value is None:
        return
    if attribute.type not in _DEFAULTABLE:
        raise UsageError(f"Attribute `{spec}`: default= is not supported for {attribute.type}.")
    valid = {
        "integer": lambda: re.fullmatch(r"-?\d+", value),
        "float": lambda: re.fullmatch(r"-?\d+(\.\d+)?", value),
        "decimal": lambda: _is_decimal(value),
        "boolean": lambda: value in ("true", "false"),
        "enum": lambda: value in attribute.choices,
    }.get(attribute.type, lambda: True)()
    if not valid:
        expected = {
            "integer": "a whole number",
            "float": "a number",
            "decimal": "a decimal number",
            "boolean": "true or false",
            "enum": "one of " + ", ".join(attribute.choices),
        }[attribute.type]
        raise UsageError(f"Invalid default `{value}` in `{spec}`: expected {expected}.")


def _is_decimal(value: str) -> bool:
    try:
        return Decimal(value).is_finite()
    except InvalidOperation:
        return False
