"""The house rule: every public function and class of cnnlab has a docstring with a runnable example.

The examples themselves run as doctests (``--doctest-modules``, set in pyproject.toml).
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import cnnlab


def public_modules() -> list[str]:
    return ["cnnlab"] + [info.name for info in pkgutil.walk_packages(cnnlab.__path__, "cnnlab.")
                         if not info.name.split(".")[-1].startswith("_")]


def public_objects(module_name: str) -> list[tuple[str, object]]:
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None) or [name for name in vars(module) if not name.startswith("_")]
    return [(name, getattr(module, name)) for name in names
            if (inspect.isfunction(getattr(module, name)) or inspect.isclass(getattr(module, name)))
            and getattr(getattr(module, name), "__module__", None) == module_name]


@pytest.mark.parametrize("module_name", public_modules())
def test_public_functions_have_an_example(module_name: str) -> None:
    module = importlib.import_module(module_name)
    assert module.__doc__, f"{module_name} has no module docstring"
    # An exercise checker has no example: it would show a right answer to anyone typing check.ex3_1?
    checker = re.compile(r"ex\d+_\d+")
    missing = [name for name, thing in public_objects(module_name)
               if inspect.isfunction(thing) and ">>>" not in (thing.__doc__ or "")
               and not (module_name.startswith("cnnlab.exercises.") and checker.fullmatch(name))]
    undocumented = [name for name, thing in public_objects(module_name) if not thing.__doc__]
    assert not undocumented, f"{module_name}: no docstring: {undocumented}"
    assert not missing, f"{module_name}: no example (>>>) in the docstring of {missing}"
