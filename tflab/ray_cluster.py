"""Ray for TF Lab: importing it, what its workers need, and starting or joining a cluster.

    TFLAB_RAY_ADDRESS=local           # start a Ray on this machine, with all its CPUs
    TFLAB_RAY_ADDRESS=10.0.0.5:6379   # join the cluster whose head is there (`ray start --head`)

Ray is optional: nothing here imports it until `import_ray` is called, and without it
`RayMissing` says how to install it. `tflab.ray_executor.RayExecutor` trains on the Ray
this starts; the Build page and the command line read the address from `ADDRESS_VARIABLE`.

Example:

>>> env = runtime_env()
>>> sorted(env), Path(env["py_modules"][0]).name
(['env_vars', 'py_modules'], 'tflab')
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from tflab.words import Phrase, PhrasedError

ADDRESS_VARIABLE = "TFLAB_RAY_ADDRESS"
LOCAL = "local"
PACKAGE = Path(__file__).resolve().parent  # shipped to the cluster's workers (py_modules)


class RayMissing(PhrasedError, ImportError):
    """Ray is not installed: the message says how to install it.

    Raised with a `tflab.words.Phrase`: `str(error)` is its English, `phrase` says it in
    the reader's language.
    """


class RayUnreachable(PhrasedError, ConnectionError):
    """No Ray cluster answered at the address given; the message names it."""


def import_ray():
    """The `ray` module; `RayMissing`, which says how to install it, when it is not there.

    Example:

    >>> try:
    ...     ray = import_ray()
    ... except RayMissing as error:
    ...     assert "pip install -r requirements-ray.txt" in str(error)
    """
    try:
        import ray
    except ImportError:
        raise RayMissing(Phrase("ray.missing")) from None
    return ray


def runtime_env() -> dict:
    """What Ray needs to run TF Lab's trials: this copy of tflab, shipped to every worker
    (a cluster's machines need only the requirements installed), and TensorFlow quiet.
    `RayExecutor` gives it to `ray.init` when it starts Ray; a program that starts Ray
    itself passes it: `ray.init(runtime_env=runtime_env())`."""
    return {"py_modules": [str(PACKAGE)],
            "env_vars": {"TF_CPP_MIN_LOG_LEVEL": os.environ.get("TF_CPP_MIN_LOG_LEVEL", "2")}}


def start_ray(ray, address: str, released: threading.Event) -> None:
    """Start (or join) Ray from a thread that lives until `released` is set.

    A local Ray's processes (its GCS, raylet) are bound to the thread that started
    them (Linux's PR_SET_PDEATHSIG, which Ray sets): started from a Streamlit page's
    script thread, which ends with the page run, they were killed a second later, and
    the whole server with them ("Failed to connect to GCS within 60 seconds").

    Args:
        ray: the `ray` module (`import_ray`).
        address: `LOCAL` starts a Ray on this machine with all its CPUs; otherwise the
            address of a running cluster this machine has joined.
        released: set it (after `ray.shutdown`) to let the thread that started Ray end.

    Raises:
        RayUnreachable: no cluster answered at `address`.
    """
    options = {"include_dashboard": False, "logging_level": logging.WARNING,
               "runtime_env": runtime_env()}
    outcome: list[BaseException | None] = []
    begun = threading.Event()

    def start_and_keep() -> None:
        try:
            if address == LOCAL:
                ray.init(num_cpus=os.cpu_count(), **options)
            else:
                ray.init(address=address, **options)
            outcome.append(None)
        except BaseException as error:  # raised again in the caller's thread
            outcome.append(error)
            return
        finally:
            begun.set()
        released.wait()

    threading.Thread(target=start_and_keep, name="tflab-ray-keeper", daemon=True).start()
    begun.wait()
    [error] = outcome
    if isinstance(error, ConnectionError):
        raise RayUnreachable(Phrase("ray.unreachable", {
            "address": address, "error": str(error)})) from None
    if error is not None:
        raise error
