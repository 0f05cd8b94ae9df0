import pytest

from scaffold.errors import UsageError
from scaffold.naming import check_app_name, suggest_package_name


@pytest.mark.parametrize("name", ["my_app", "shop", "_private", "app2"])
def test_valid_app_names(name: str) -> None:
    assert check_app_name(name) == name


@pytest.mark.parametrize("name", ["", "My-App", "2fast", "def", "match", "os", "sqlalchemy"])
def test_invalid_app_names(name: str) -> None:
    with pytest.raises(UsageError, match="Invalid app name"):
        check_app_name(name)


@pytest.mark.parametrize(
    ("given", "expected"), [("My-App", "my_app"), ("2fast", "app_2fast"), ("--", "my_app")]
)
def test_suggestions(given: str, expected: str) -> None:
    assert suggest_package_name(given) == expected
