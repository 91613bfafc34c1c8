"""Reading what a sandbox wrote, without following anything it could have planted.

The sandbox's only writable folder on the grading machine's disk is the job's
``results/`` (mounted at ``/grading/results``; the kernel's sockets aside).
The sandbox cannot rename or replace that folder itself (it is a mount point
inside, and its parent, the job folder, is not visible there), but it controls
every name *in* it: a test's folder could be a symlink to another job's
results, a result a symlink to a private file, a FIFO that blocks a reader, a
directory where a file is expected. So the grader opens the folder once, and
then every name in it relative to that descriptor with ``O_NOFOLLOW``: a
symlink is refused (``ELOOP``), a test's folder must be a real directory, a
result a regular file of bounded size (``fstat`` on the open descriptor, so
nothing can be swapped between the check and the read).
"""
from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

KINDS = {stat.S_IFDIR: "a folder", stat.S_IFLNK: "a symlink", stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket",
         stat.S_IFCHR: "a device", stat.S_IFBLK: "a device", stat.S_IFREG: "a file"}


class Refused(ValueError):
    """A name in the results folder that is not what the grader reads (a symlink, a FIFO, ...)."""


def kind_of(mode: int) -> str:
    return KINDS.get(stat.S_IFMT(mode), "not a regular file")


def open_folder(name: str | os.PathLike, dir_fd: int | None = None) -> int | None:
    """A descriptor of the real directory ``name`` (relative to ``dir_fd``); None if it does not
    exist; :class:`Refused` if it is a symlink or anything but a directory."""
    try:
        return os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            raise Refused(f"{os.fsdecode(name)} is {kind_of(info.st_mode)}, not a folder: refused") from None
        raise


def exists(name: str, dir_fd: int) -> bool:
    """Whether ``name`` exists in the folder (as anything, a dangling symlink included)."""
    try:
        os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
    except FileNotFoundError:
        return False
    return True


def read_regular(name: str, dir_fd: int, limit: int) -> bytes:
    """The bytes of the regular file ``name`` in the folder ``dir_fd``, at most ``limit`` of them;
    :class:`Refused` for a symlink, FIFO, socket, device or folder, or a file larger than ``limit``."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR, errno.EACCES, errno.EPERM):
            info = os.stat(name, dir_fd=dir_fd, follow_symlinks=False)
            raise Refused(f"{name} is {kind_of(info.st_mode)}, not a regular file: refused") from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{name} is {kind_of(info.st_mode)}, not a regular file: refused")
        if info.st_size > limit:
            raise Refused(f"{name} is too large ({info.st_size} bytes, at most {limit})")
        chunks, left = [], limit + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        data = b"".join(chunks)
        if len(data) > limit:
            raise Refused(f"{name} grew past {limit} bytes while being read")
        return data
    finally:
        os.close(fd)


def read_path(path: os.PathLike, limit: int) -> bytes:
    """:func:`read_regular` for a path whose folder the grader trusts (the last name is not followed)."""
    path = Path(path)
    folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        return read_regular(path.name, folder, limit)
    finally:
        os.close(folder)
