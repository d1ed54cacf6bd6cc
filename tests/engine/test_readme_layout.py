"""The README's "How it is built" names every module of the engine and the components, so
the map a newcomer reads is the tree as it is (issue 12: it had fallen behind a split)."""

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def how_it_is_built() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("## How it is built")
    return text[start:text.index("\n## ", start + 1)]


def modules(folder: str) -> list[str]:
    """The modules and packages directly in `folder`, as the map names them."""
    found = []
    for path in sorted((REPO / folder).iterdir()):
        if path.suffix == ".py" and not path.name.startswith("__"):
            found.append(path.stem)
        elif path.is_dir() and (path / "__init__.py").exists():
            found.append(path.name + "/")
    return found


def missing_from(section: str, names: list[str]) -> list[str]:
    return [name for name in names if name.rstrip("/") not in section]


def test_every_engine_and_component_module_is_on_the_map():
    section = how_it_is_built()
    missing = [f"{folder}/{name}" for folder in ("tflab", "components")
               for name in missing_from(section, modules(folder))]
    assert not missing, f"not named in the README's 'How it is built': {missing}"


def test_the_check_sees_packages_and_a_module_the_map_does_not_name():
    assert {"store/", "data/", "spec/", "cli"} <= set(modules("tflab"))
    assert missing_from("store/ keeps runs; cli.py reads commands", ["store/", "cli", "gone"]) \
        == ["gone"]
