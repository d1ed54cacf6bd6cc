"""The specs and the datasets depend one way: `tflab.spec` validates with the catalog of
`tflab.data`, and `tflab.data` never imports the specs (what both need, `Param`,
`SpecError` and the names' alphabets, lives in `tflab.params` and `tflab.names`). They used
to import each other, the specs from inside functions to dodge the cycle."""

import ast
import subprocess
import sys
from pathlib import Path

import tflab

ENGINE = Path(tflab.__file__).parent


def imports(path: Path) -> list[tuple[str, bool]]:
    """(module, at the top) for every absolute import in `path`, in functions too."""
    tree = ast.parse(path.read_text(), str(path))
    top = {id(node) for node in tree.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append((node.module, id(node) in top))
    return found


def is_in(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_no_dataset_module_imports_the_specs_even_inside_a_function():
    modules = sorted((ENGINE / "data").glob("*.py"))
    assert len(modules) > 5  # the package was found
    found = {path.name: module for path in modules for module, _ in imports(path)
             if is_in(module, "tflab.spec")}
    assert found == {}


def test_the_specs_import_the_catalog_at_the_top_not_inside_functions():
    found = {path.name: module for path in sorted((ENGINE / "spec").glob("*.py"))
             for module, at_top in imports(path) if is_in(module, "tflab.data") and not at_top}
    assert found == {}


def test_importing_the_datasets_loads_no_spec():
    code = ("import sys, tflab.data; "
            "loaded = sorted(m for m in sys.modules if m.startswith('tflab.spec')); "
            "assert not loaded, loaded")
    subprocess.run([sys.executable, "-c", code], check=True)
