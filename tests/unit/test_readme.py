"""The README's tables stay true: the settings are the package's traits with their defaults, and every
module has a unit test at its mirrored path or is listed with the integration tests that cover it."""

import importlib
import inspect
import pkgutil
import re

from traitlets.config import Configurable

import tensor_gears

from ..conftest import REPO

SIZES = {"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "s": 1}


def package_traits() -> dict[str, object]:
    """`Class.trait` -> default, for the configurable traits the package's classes declare."""
    found = {}
    for info in pkgutil.walk_packages(tensor_gears.__path__, "tensor_gears."):
        if info.name.endswith("__main__") or ".students." in info.name or ".inside" in info.name:
            continue  # a command (importing it runs it), students' answers, the box's own code
        module = importlib.import_module(info.name)
        for cls in vars(module).values():
            if inspect.isclass(cls) and issubclass(cls, Configurable) and cls.__module__ == module.__name__:
                for trait_name, trait in cls.class_own_traits(config=True).items():
                    found[f"{cls.__name__}.{trait_name}"] = trait.default_value
    return found


def readme_settings() -> dict[str, str]:
    """`Class.trait` -> the default column, for the rows of the README's table of settings."""
    section = (REPO / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return dict(re.findall(r"^\| `c\.(\w+\.\w+)` \| ([^|]+) \|", section, flags=re.MULTILINE))


def value(text: str) -> object:
    text = text.strip()
    if text in ("True", "False"):
        return text == "True"
    number, unit = re.fullmatch(r"([\d.]+) ?(\w*)", text).groups()
    return float(number) * SIZES.get(unit, 1)


def test_every_trait_is_in_the_readme_with_its_default():
    readme = readme_settings()
    for name, default in package_traits().items():
        assert name in readme, f"README's Configuration section does not list c.{name}"
        assert value(readme[name]) == default, f"c.{name}: README says {readme[name]}, the package {default}"


def test_the_readme_lists_no_setting_the_package_lacks():
    extra = set(readme_settings()) - set(package_traits()) - {"Execute.timeout"}
    assert not extra, f"README lists settings no module declares: {sorted(extra)}"


def test_every_module_has_a_unit_test_or_is_listed_as_covered_elsewhere():
    package = REPO / "tensor_gears"
    table = (REPO / "README.md").read_text().split("**The tests.**", 1)[1].split("\n\n", 2)[1]
    rows = [row.split("|")[1] for row in table.splitlines()[2:]]  # the first column, past the header
    listed = {name.replace("<notebook>", "*") for row in rows for name in re.findall(r"`([\w/<>]+\.py)`", row)}
    for module in sorted(package.rglob("*.py")):
        relative = module.relative_to(package)
        if module.name in ("__init__.py", "__main__.py") or "students" in relative.parts:
            continue
        mirrored = REPO / "tests" / "unit" / relative.parent / f"test_{module.name}"
        covered = any(relative.match(pattern) for pattern in listed)
        assert mirrored.exists() != covered, (
            f"{relative}: {'both a unit test and ' if covered else 'neither a unit test nor '}"
            "a row in the README's list of modules without one")
