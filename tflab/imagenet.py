"""ImageNet weights for the pretrained bases, in the Keras cache, downloaded only on request.

Building a model never downloads: `weights="imagenet"` reads the file Keras keeps in
`$KERAS_HOME/models` (default `~/.keras/models`), the same file `weights="imagenet"` in
plain Keras would fetch. `download` fetches it when a person asks for it, with a time
limit, a size limit and a checksum, into a partial file that becomes the real one only
when it is whole (`tflab.home.write_whole`): an interrupted or refused download leaves
the cache as it was.

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

from tflab.home import write_whole
from tflab.weights import HDF5_SIGNATURE
from tflab.words import Phrase, PhrasedError

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


class DownloadError(PhrasedError, RuntimeError):
    """The weights could not be fetched; the message says why and what to do instead.

    Args:
        phrase: why, as a `tflab.words.Phrase` (catalog section `images.imagenet`): a page
            says it in the reader's language; `str(error)` is the English.
    """


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
    digest = hashlib.md5()
    with write_whole(target) as partial:  # the cache never holds half a file
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, \
                    open(partial, "wb") as out:
                length = response.headers.get("Content-Length")
                total = int(length) if length and length.isdigit() else None
                if total is not None and total > MAX_BYTES:
                    raise DownloadError(Phrase("images.imagenet.too_big", {
                        "url": url, "megabytes": round(total / 2**20),
                        "limit": MAX_BYTES // 2**20}))
                done = 0
                while chunk := response.read(CHUNK):
                    done += len(chunk)
                    if done > MAX_BYTES:
                        raise DownloadError(Phrase("images.imagenet.sent_too_much", {
                            "url": url, "limit": MAX_BYTES // 2**20}))
                    digest.update(chunk)
                    out.write(chunk)
                    if progress is not None:
                        progress(done, total)
            if total is not None and done != total:
                raise DownloadError(Phrase("images.imagenet.cut_short", {
                    "url": url, "done": done, "total": total}))
        except urllib.error.HTTPError as error:
            raise DownloadError(Phrase("images.imagenet.refused", {
                "host": host, "name": name, "code": error.code, "reason": str(error.reason),
                "url": url})) from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
            # No name resolution, a refused connection, a timeout or a reset: no network.
            reason = getattr(error, "reason", error)
            raise DownloadError(Phrase("images.imagenet.no_network", {
                "name": name, "host": host, "reason": str(reason), "file": entry.file,
                "folder": str(target.parent)})) from None
        except OSError as error:  # the cache folder cannot be written
            raise DownloadError(Phrase("images.imagenet.not_saved", {
                "name": name, "folder": str(target.parent), "error": str(error)})) from None
        with open(partial, "rb") as written:
            if written.read(len(HDF5_SIGNATURE)) != HDF5_SIGNATURE:
                raise DownloadError(Phrase("images.imagenet.not_hdf5", {"url": url}))
        if md5 is not None and digest.hexdigest() != md5:
            raise DownloadError(Phrase("images.imagenet.checksum", {
                "url": url, "checksum": digest.hexdigest(), "expected": md5}))
    return target
