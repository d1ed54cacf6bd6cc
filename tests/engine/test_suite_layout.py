"""The tests' own layout: shared helpers live in support modules, never in a test file
another test imports (pytest collects that file's tests, and its module code runs twice
under two names), and no two test files share a basename (pytest imports them by it)."""

import ast
from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def every_test_file() -> list[Path]:
    return sorted(TESTS.rglob("test_*.py"))


def imported_modules(path: Path) -> set[str]:
    """The top-level names of every module `path` imports."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return names


def test_no_test_file_imports_another():
    tests = {path.stem for path in every_test_file()}
    assert len(tests) > 50  # the tests were found
    borrowed = {str(path.relative_to(TESTS)): sorted(imported_modules(path) & tests)
                for path in every_test_file() if imported_modules(path) & tests}
    assert borrowed == {}, "move what these import into a support module"


def test_test_file_basenames_are_unique():
    counts = Counter(path.name for path in every_test_file())
    assert [name for name, count in counts.items() if count > 1] == []
