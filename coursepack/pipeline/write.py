"""Write: every file a build makes replaces the old one atomically, so a failed or
killed build never leaves a half-written or missing file where a good one stood."""
from __future__ import annotations

import glob
import os
import tempfile
from pathlib import Path

from ..errors import CoursepackError, Problem, first_few


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it over `path`.

    The file gets the permissions a newly created file gets under the user's umask
    (0644 under the usual 022), as `open()` would give it: mkstemp makes its
    temporary file 0600, readable by nobody else, so it is widened before the rename.

    Raises CoursepackError naming `path` when the file system refuses (a read-only
    folder, a full disk); the old file, if any, is left as it was."""
    try:
        replace_atomically(path, data)
    except OSError as exc:
        raise CoursepackError([Problem(str(path), 0, 0,
            f"cannot write this file ({exc.strerror or exc}); check that its folder can be written to "
            "and that the disk has room; the file as it was is unchanged")]) from None


def replace_atomically(path: Path, data: bytes) -> None:
    """`write_atomic` without the error message: raises OSError when the file system
    refuses (for files whose loss costs only time, such as the build cache's)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A build killed mid-write (SIGKILL, power cut) leaves its temporary file behind.
    # The name carries the writer's process id: remove those whose writer is gone,
    # never one that another build running right now is still writing.
    for stale in path.parent.glob(f".{glob.escape(path.name)}.*.tmp"):
        writer = stale.name[len(path.name) + 2:].split(".")[0]
        if not (writer.isdigit() and _running(int(writer))):
            stale.unlink(missing_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` to `path` atomically unless the file holds exactly these bytes
    already; True when it was written. An unchanged file keeps its modification
    time, so tools watching build/ see only what changed."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_atomic(path, data)
    return True


def refuse_to_overwrite(root: Path, paths: list[Path], force: bool) -> None:
    """Raise CoursepackError, naming them, when any of `paths` exists and `force` is false:
    files a command makes per student are never replaced without being asked."""
    existing = [path for path in paths if path.exists()]
    if existing and not force:
        shown = [path.relative_to(root).as_posix() for path in existing]
        raise CoursepackError([Problem(shown[0], 0, 0,
            f"already exists ({len(shown)} of the files to write do: {first_few(shown)}); nothing was written. "
            "Add --force to replace them, or move them away first")])


def _umask() -> int:
    """The process's umask. Linux shows it in /proc; elsewhere it can only be read by
    setting it, which is set back at once."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True
