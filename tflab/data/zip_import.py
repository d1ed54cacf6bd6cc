"""Your own pictures: a zip of class folders becomes a dataset that runs can use.

The zip holds one folder per class (`cats/1.jpg`, `dogs/2.png`), optionally under one
top folder: the layout `keras.utils.image_dataset_from_directory` reads. An upload is
hostile until proven otherwise, so `import_zip` never extracts a member by its own
path: it reads each member's bytes (counting them, so a lying header cannot exceed the
limits), checks them with `tflab.images.read_image`, and writes them as
`<root>/datasets/<id>/<class>/<n>.<ext>`. The id is the zip's content hash, so the same
zip gives the same id and runs that name it stay reproducible. `tflab.data.folders`
reads the stored datasets back.

Example:

>>> import io, tempfile, zipfile
>>> from pathlib import Path
>>> from PIL import Image
>>> from tflab.data.folders import load_folder
>>> def png(colour):
...     buffer = io.BytesIO()
...     Image.new("RGB", (8, 8), colour).save(buffer, "PNG")
...     return buffer.getvalue()
>>> upload = io.BytesIO()
>>> with zipfile.ZipFile(upload, "w") as archive:
...     for n in range(2):
...         archive.writestr(f"pets/cats/{n}.png", png("black"))
...         archive.writestr(f"pets/dogs/{n}.png", png("white"))
...     archive.writestr("pets/notes.txt", "hello")
>>> root = Path(tempfile.mkdtemp())
>>> record = import_zip(upload.getvalue(), "pets.zip", root)
>>> record.class_names, record.counts
(('cats', 'dogs'), {'cats': 2, 'dogs': 2})
>>> record.skipped
(('pets/notes.txt', 'not inside a class folder'),)
>>> load_folder(record.id, 32, 0.25, seed=0, root=root).x_train.shape
(3, 32, 32, 3)
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path

from tflab.data.folders import RECORD_FILE, DatasetRecord, datasets_folder, read_record
from tflab.home import content_id
from tflab.image_arrays import to_model_array
from tflab.images import ImageInputError, read_image
from tflab.words import Amount, Phrase, PhrasedError

MB = 1024 * 1024

# Pillow's format -> the extension the stored copy gets.
_EXTENSIONS = {"PNG": "png", "JPEG": "jpg", "MPO": "jpg", "WEBP": "webp", "BMP": "bmp",
               "GIF": "gif", "TIFF": "tif"}
_DRIVE = re.compile(r"^[A-Za-z]:")
_UNSAFE_CHARACTERS = re.compile(r"[^\w\- ]")
_CHUNK = 1 * MB
# A file that unpacks to at most this much is not held to the compression ratio: its size
# is bounded anyway (and the total is counted), while flat pictures (a plain BMP or TIFF)
# compress far beyond 100:1 and would otherwise refuse the whole zip.
RATIO_FREE_BYTES = 16 * MB


class UploadError(PhrasedError, ValueError):
    """An uploaded zip that cannot become a dataset; the message says why, for people.

    Raised with a `tflab.words.Phrase`: `str(error)` is its English, `phrase` says it in
    the reader's language.
    """


def import_zip(data: bytes, name: str, root: Path | None = None, *, max_bytes: int = 200 * MB,
               max_files: int = 5000, max_total_uncompressed: int = 1024 * MB,
               max_ratio: int = 100) -> DatasetRecord:
    """Store the pictures of an uploaded zip of class folders as a dataset.

    Hidden files and `__MACOSX` are skipped silently; other files that are not readable
    images (text, damaged pictures, pictures over `read_image`'s pixel limit) are left
    out and listed in `skipped`. Importing the same zip again returns its record and
    writes nothing. A failed import leaves nothing behind: the pictures are written to
    a temporary folder inside `<root>/datasets/`, renamed into place at the end.

    Args:
        data: the zip file's bytes.
        name: the uploaded file's name, for messages and the record.
        root: the store's folder. Defaults to `tflab.home.default_root()`.
        max_bytes: the largest zip accepted. Defaults to 200 MB.
        max_files: the most files (folders not counted) accepted. Defaults to 5000.
        max_total_uncompressed: the most bytes all files may unpack to. Defaults to 1 GB.
        max_ratio: the largest unpacked/packed size of one file over 16 MB unpacked.
            Defaults to 100.

    Returns:
        The DatasetRecord.

    Raises:
        UploadError: not a zip or a damaged one, an unsafe member (a path leaving its
            folder, an absolute path, a link), over a limit, fewer than two classes or a
            class without a readable picture.
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"Expected the zip's bytes for `data`. Received: data of type "
                        f"{type(data).__name__}")
    data = bytes(data)
    if len(data) > max_bytes:
        raise UploadError(Phrase("errors.upload.too_large", {
            "name": repr(name), "size": _megabytes(len(data)), "limit": _megabytes(max_bytes)}))
    dataset_id = content_id(data)
    datasets = datasets_folder(root)
    target = datasets / dataset_id
    if (target / RECORD_FILE).exists():
        return read_record(dataset_id, root)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise UploadError(Phrase("errors.upload.not_zip", {"name": repr(name)})) from None
    with archive:
        members = _check_members(archive, name, max_files, max_total_uncompressed, max_ratio)
        datasets.mkdir(parents=True, exist_ok=True)
        temporary = Path(tempfile.mkdtemp(prefix=".import-", dir=datasets))
        try:
            record = _extract(archive, members, name, dataset_id, temporary,
                              max_total_uncompressed, max_ratio)
            (temporary / RECORD_FILE).write_text(json.dumps(record.to_dict(), indent=1),
                                                 encoding="utf-8")
            try:
                os.rename(temporary, target)
            except OSError:
                if not (target / RECORD_FILE).exists():
                    raise
                shutil.rmtree(temporary)  # Another import of the same zip finished first.
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    return record


def _check_members(archive: zipfile.ZipFile, name: str, max_files: int,
                   max_total: int, max_ratio: int) -> list[zipfile.ZipInfo]:
    """The archive's files, after the checks that need no decompression."""
    files = [info for info in archive.infolist() if not info.is_dir()]
    if len(files) > max_files:
        raise UploadError(Phrase("errors.upload.too_many_files", {
            "name": repr(name), "n": len(files), "limit": max_files}))
    declared = sum(info.file_size for info in files)
    if declared > max_total:
        raise UploadError(Phrase("errors.upload.unpacks_too_large", {
            "name": repr(name), "size": _megabytes(declared), "limit": _megabytes(max_total)}))
    for info in files:
        reason = _unsafe(info)
        if reason:
            raise UploadError(Phrase("errors.upload.unsafe_member", {
                "name": repr(name), "member": repr(info.filename), "reason": reason}))
        if info.file_size > _ratio_limit(info, max_ratio):
            raise UploadError(_ratio_message(name, info.filename, max_ratio))
    return sorted(files, key=lambda info: info.filename)


def _unsafe(info: zipfile.ZipInfo) -> Phrase | None:
    """Why a member's name or type is unsafe to honour (`errors.unsafe`), or None when safe."""
    path = info.filename
    if stat.S_ISLNK(info.external_attr >> 16):
        return Phrase("errors.unsafe.link")
    if "\\" in path or _DRIVE.match(path):
        return Phrase("errors.unsafe.windows_path")
    if path.startswith("/"):
        return Phrase("errors.unsafe.absolute_path")
    if ".." in path.split("/"):
        return Phrase("errors.unsafe.leaves_folder")
    if "\x00" in path:
        return Phrase("errors.unsafe.nul_character")
    return None


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], name: str,
             dataset_id: str, folder: Path, max_total: int, max_ratio: int) -> DatasetRecord:
    """Write each readable picture to `folder/<class>/<n>.<ext>`; return the record."""
    paths = []
    for info in members:
        parts = [part for part in info.filename.split("/") if part]
        if any(part.startswith(".") or part == "__MACOSX" for part in parts):
            continue  # Hidden files and macOS resource forks: never what the user meant.
        paths.append((info, parts))
    tops = {parts[0] for _, parts in paths}
    if len(tops) == 1 and any(len(parts) >= 3 for _, parts in paths):
        paths = [(info, parts[1:]) for info, parts in paths]  # One top folder around all.

    counts: dict[str, int] = {}
    folders: dict[str, str] = {}  # class folder on disk -> its name in the zip
    skipped = []
    unpacked = 0
    for info, parts in paths:
        if len(parts) < 2:
            skipped.append((info.filename, "not inside a class folder"))
            continue
        class_name = _class_folder(parts[0])
        if folders.setdefault(class_name, parts[0]) != parts[0]:
            raise UploadError(Phrase("errors.upload.folders_clash", {
                "name": repr(name), "first": repr(folders[class_name]), "second": repr(parts[0]),
                "class_name": repr(class_name)}))
        counts.setdefault(class_name, 0)
        content = _read_member(archive, info, name, max_total - unpacked, max_total, max_ratio)
        unpacked += len(content)
        try:
            image = read_image(content, name=info.filename)
            to_model_array(image, 8, 8, 3)  # What load_folder will do, so it cannot fail.
        except ImageInputError as error:
            skipped.append((info.filename, str(error)))
            continue
        (folder / class_name).mkdir(exist_ok=True)
        extension = _EXTENSIONS[image.format]
        (folder / class_name / f"{counts[class_name]}.{extension}").write_bytes(content)
        counts[class_name] += 1

    if len(counts) < 2:
        found = ", ".join(repr(c) for c in sorted(counts))
        raise UploadError(Phrase("errors.upload.few_classes" if found else "errors.upload.no_classes",
                                 {"name": repr(name), "n": len(counts), "found": found}))
    empty = sorted(c for c, n in counts.items() if n == 0)
    if empty:
        raise UploadError(Phrase("errors.upload.empty_class", {
            "name": repr(name), "class_name": repr(empty[0])}))
    class_names = tuple(sorted(counts))
    return DatasetRecord(id=dataset_id, name=name, class_names=class_names,
                         counts={c: counts[c] for c in class_names}, skipped=tuple(skipped))


def _class_folder(zip_name: str) -> str:
    """A folder name safe on any system, from the class folder's name in the zip."""
    safe = _UNSAFE_CHARACTERS.sub("_", zip_name).strip(" _")[:64]
    return safe or "class"


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, budget: int,
                 max_total: int, max_ratio: int) -> bytes:
    """A member's bytes, read in chunks and counted: headers may lie about sizes."""
    limit = min(budget, _ratio_limit(info, max_ratio))
    chunks, size = [], 0
    try:
        with archive.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    if size > budget:
                        raise UploadError(Phrase("errors.upload.unpacks_over", {
                            "name": repr(name), "limit": _megabytes(max_total)}))
                    raise UploadError(_ratio_message(name, info.filename, max_ratio))
                chunks.append(chunk)
    except UploadError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError,
            RuntimeError, ValueError) as error:
        raise UploadError(Phrase("errors.upload.damaged", {
            "name": repr(name), "member": repr(info.filename), "error": str(error)})) from None
    return b"".join(chunks)


def _ratio_limit(info: zipfile.ZipInfo, max_ratio: int) -> int:
    """The most bytes a member may unpack to: `max_ratio` times its packed size, but never
    less than RATIO_FREE_BYTES."""
    return max(max_ratio * max(info.compress_size, 1), RATIO_FREE_BYTES)


def _ratio_message(name: str, member: str, max_ratio: int) -> Phrase:
    return Phrase("errors.upload.zip_bomb", {"name": repr(name), "member": repr(member),
                                             "ratio": max_ratio})


def _megabytes(size: int) -> Amount:
    """Megabytes with one decimal, none when it is .0 ("2.5", "8")."""
    megabytes = size / MB
    if f"{megabytes:.1f}".endswith(".0"):
        return Amount(round(megabytes), ",")
    return Amount(megabytes, ",.1f")
