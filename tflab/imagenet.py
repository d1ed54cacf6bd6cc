"""ImageNet weights for the pretrained bases, in the Keras cache, downloaded only on request.

Building a model never downloads: `weights="imagenet"` reads the file Keras keeps in
`$KERAS_HOME/models` (default `~/.keras/models`), the same file `weights="imagenet"` in
plain Keras would fetch. `download` fetches it when a person asks for it, with a time
limit, a size limit and a checksum, into a `.part` file that becomes the real one only
when it is whole: an interrupted or refused download leaves the cache as it was.

Example:

>>> cached("InceptionV3")                                # doctest: +SKIP
None
>>> download("InceptionV3")                              # doctest: +SKIP
PosixPath('/root/.keras/models/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5')
"""

from __future__ import annotations

import hashlib
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from tflab.weights import HDF5_SIGNATURE

ORIGIN = "https://storage.googleapis.com/tensorflow/keras-applications/"


@dataclass(frozen=True)
class ImagenetFile:
    """Where Keras publishes a network's ImageNet weights (without the classifier top)."""

    file: str
    url: str
    md5: str | None  # Keras publishes none for MobileNetV2
    megabytes: int


FILES = {
    "InceptionV3": ImagenetFile(
        "inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        ORIGIN + "inception_v3/inception_v3_weights_tf_dim_ordering_tf_kernels_notop.h5",
        "bcbd6486424b2319ff4ef7d526e38f63", 84),
    "MobileNetV2": ImagenetFile(
        "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
        ORIGIN + "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224_no_top.h5",
        None, 9),
}
MIRROR_VARIABLE = "TFLAB_IMAGENET_MIRROR"  # a folder URL holding Keras' files, for offline sites
MAX_BYTES = 400 * 1024 * 1024
CHUNK = 1 << 20


class DownloadError(RuntimeError):
    """The weights could not be fetched; the message says why and what to do instead."""


def path(name: str) -> Path:
    """Where the Keras cache keeps `name`'s ImageNet weights (whether or not they are there)."""
    if name not in FILES:
        raise ValueError(f"`name` must be one of {', '.join(FILES)}; received {name!r}")
    root = Path(os.environ.get("KERAS_HOME", Path.home() / ".keras"))
    return root / "models" / FILES[name].file


def cached(name: str) -> Path | None:
    """The cached weights file of `name`, or None when they have not been downloaded."""
    found = path(name)
    return found if found.is_file() else None


def download(name: str, origin: str | None = None, md5: str | None = None,
             timeout: float = 20.0, progress: Callable[[int, int | None], None] | None = None
             ) -> Path:
    """Fetch `name`'s ImageNet weights into the Keras cache; returns their path.

    `origin` and `md5` default to Keras' own address and checksum, or to the same file
    under `$TFLAB_IMAGENET_MIRROR` when that names a mirror folder. `progress(done, total)`
    is called as bytes arrive (total is None when the server does not say).
    Raises DownloadError, naming the address, when there is no network, the server
    refuses, the file is cut short, too big, not HDF5 or fails its checksum.
    """
    target = path(name)
    if target.is_file():
        return target
    entry = FILES[name]
    mirror = os.environ.get(MIRROR_VARIABLE)
    if origin is None and mirror:
        # A mirror serves Keras' own files, so Keras' checksum still applies.
        url, md5 = f"{mirror.rstrip('/')}/{entry.file}", entry.md5
    elif origin is None:
        url, md5 = entry.url, entry.md5
    else:
        url = origin
    host = urlsplit(url).netloc or url
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".part")
    digest = hashlib.md5()
    try:
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, \
                    open(partial, "wb") as out:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                if total is not None and total > MAX_BYTES:
                    raise DownloadError(f"{url} is {total / 2**20:.0f} MB; the limit is "
                                        f"{MAX_BYTES // 2**20} MB.")
                done = 0
                while chunk := response.read(CHUNK):
                    done += len(chunk)
                    if done > MAX_BYTES:
                        raise DownloadError(f"{url} sent more than {MAX_BYTES // 2**20} MB; "
                                            "stopped.")
                    digest.update(chunk)
                    out.write(chunk)
                    if progress is not None:
                        progress(done, total)
            if total is not None and done != total:
                raise DownloadError(f"The download of {url} stopped at {done} of {total} bytes; "
                                    "try again.")
        except urllib.error.HTTPError as error:
            raise DownloadError(f"{host} refused the ImageNet weights for {name} (HTTP "
                                f"{error.code} {error.reason}) at {url}.") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            # No name resolution, a refused connection, a timeout or a reset: no network.
            reason = getattr(error, "reason", error)
            raise DownloadError(
                f"Could not download the ImageNet weights for {name}: {host} cannot be reached "
                f"from here ({reason}). There is probably no network. Copy "
                f"{entry.file} into {target.parent} yourself, upload a weights file, or train "
                "with random weights.") from None
        except OSError as error:  # the cache folder cannot be written
            raise DownloadError(f"Could not save the ImageNet weights for {name} in "
                                f"{target.parent}: {error}") from None
        with open(partial, "rb") as written:
            if written.read(len(HDF5_SIGNATURE)) != HDF5_SIGNATURE:
                raise DownloadError(f"{url} did not send an HDF5 weights file; nothing was kept.")
        if md5 is not None and digest.hexdigest() != md5:
            raise DownloadError(f"{url} sent a file whose checksum ({digest.hexdigest()}) is not "
                                f"the expected {md5}; nothing was kept.")
        partial.replace(target)
        return target
    finally:
        partial.unlink(missing_ok=True)
