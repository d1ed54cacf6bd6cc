"""Running an exported training script as a person would (support for the tests, not a
test file): `python exported.py` in a folder of its own, without this checkout on the path."""

import json
import os
import subprocess
import sys


def run_script(script, tmp_path):
    """Run `script` in `tmp_path`; returns the JSON of its last printed line (it must exit 0)."""
    path = tmp_path / "exported.py"
    path.write_text(script)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    done = subprocess.run([sys.executable, str(path)], cwd=tmp_path, env=env, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])
