"""Reading a file that is meant to be a regular file, boundedly: a FIFO is never opened (nothing
hangs), a device or directory never read, and never more than the limit + 1 bytes read.

The type and size come from ``stat`` before the file is opened; it is opened non-blocking and its
type checked again (a FIFO put in place since the ``stat``); the size ``stat`` gives is not trusted
either (``/proc`` files say 0): the read stops one byte past the limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import InputError

__all__ = ["read_regular_file"]


def _not_regular(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    kinds = (
        (stat.S_ISDIR, "a directory"),
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((kind for test, kind in kinds if test(mode)), "not a regular file")


def read_regular_file(path: Path, *, limit: int, where: str, hint: str = "") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes; anything else is an InputError.

    The type and size come from ``stat`` before opening (a FIFO is never opened); the file is
    opened non-blocking, checked again, and read for at most ``limit + 1`` bytes.
    """
    try:
        status = os.stat(path)
        kind = _not_regular(status.st_mode)
        if kind is not None:
            raise InputError(f"{where}: is {kind}, not a regular file")
        if status.st_size > limit:
            raise InputError(f"{where}: {status.st_size} bytes is over the size limit of {limit} bytes{hint}")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
        with os.fdopen(fd, "rb") as file:
            kind = _not_regular(os.fstat(file.fileno()).st_mode)  # replaced since the stat
            if kind is not None:
                raise InputError(f"{where}: is {kind}, not a regular file")
            data = file.read(limit + 1)
    except OSError as exc:
        raise InputError(f"{where}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        # it grew since the stat, or it is a file whose stat size means nothing (/proc, /sys)
        stopped = f"stopped reading at {len(data)}"
        raise InputError(f"{where}: is over the size limit of {limit} bytes ({stopped}){hint}")
    return data
