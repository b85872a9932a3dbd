"""Write files so that a crash never leaves a half-written one: temporary file, then rename.

The temporary file sits beside the target, named ``.<name>.<pid>.<random>.tmp``. A process
killed mid-save leaves it behind; the next save to the same path removes every such file whose
process is gone, so they never pile up. The finished file gets the mode a plain ``open()``
would give it: the old file's mode when it replaces one, else 0666 less the umask.
"""

from __future__ import annotations

import os
import secrets
import threading
from contextlib import contextmanager

_lock = threading.Lock()
_writing: set[str] = set()  # this process's temporary files still being written


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # someone else's process: alive
    return True


def _remove_stale_temporaries(folder: str, base: str) -> None:
    """Remove ``.<base>.<pid>.<random>.tmp`` files left by processes that no longer run (or by
    this one, from a write that is over)."""
    prefix = f".{base}."
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if not (name.startswith(prefix) and name.endswith(".tmp")):
            continue
        pid_text = name[len(prefix):-len(".tmp")].split(".")[0]
        if not pid_text.isdigit():
            continue
        path = os.path.join(folder, name)
        pid = int(pid_text)
        stale = path not in _writing if pid == os.getpid() else not _process_alive(pid)
        if stale:
            try:
                os.unlink(path)
            except OSError:
                pass


def _mode_for(path: str) -> int:
    try:
        return os.stat(path).st_mode & 0o777
    except OSError:
        with _lock:  # os.umask can only be read by setting it
            umask = os.umask(0o022)
            os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_write(path, mode: str = "wb"):
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one rename
    (atomic on POSIX and Windows). On any error the temporary file is removed and ``path``
    is untouched."""
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"Cannot save to {path!r}: the folder {folder!r} does not exist.")
    base = os.path.basename(path)
    temporary = os.path.join(folder, f".{base}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    with _lock:
        _writing.add(temporary)
    try:
        _remove_stale_temporaries(folder, base)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(handle, mode) as stream:
                yield stream
                stream.flush()
                os.fsync(stream.fileno())
                os.chmod(temporary, _mode_for(path))
            os.replace(temporary, path)
        except BaseException:
            try:
                os.unlink(temporary)
            except FileNotFoundError:
                pass
            raise
    finally:
        with _lock:
            _writing.discard(temporary)
