"""Token buckets in a file shared by every worker process of one host (the default store).

A small memory-mapped file: a fixed open-addressing table of 32-byte slots (client digest,
tokens, last update), read-modified-written under ``flock``, so the limit holds across
``--workers N``. Cost: a few microseconds per request.
"""

from __future__ import annotations

import fcntl
import hashlib
import math
import mmap
import os
import struct
import tempfile
import threading
from pathlib import Path

_SLOT = struct.Struct("<16sdd")  # client digest, tokens, last update (unix s)
_MAGIC = b"FRLIMIT1"
_EMPTY = bytes(16)
HOST_SLOTS = 16_384  # 512 KiB; clients beyond that evict the longest-idle bucket
_PROBE = 32


class HostStore:
    """Token-bucket table in a file mapped by every worker process of one host.

    Open addressing on a 128-bit BLAKE2b digest of the client id; a full probe window evicts
    its longest-idle slot (that client starts again with a full bucket). One ``flock`` per
    take serialises the read-modify-write across processes; a thread lock across threads.
    The file is opened lazily in each process (after uvicorn has spawned its workers).
    """

    def __init__(self, path: Path, slots: int = HOST_SLOTS) -> None:
        self.path = path
        self.slots = slots
        self._size = len(_MAGIC) + slots * _SLOT.size
        self._lock = threading.Lock()
        self._pid = -1
        self._fd = -1
        self._map: mmap.mmap | None = None

    def _open(self) -> mmap.mmap:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            if os.fstat(fd).st_size != self._size or os.pread(fd, 8, 0) != _MAGIC:
                os.ftruncate(fd, 0)  # new, foreign or resized: start empty
                os.ftruncate(fd, self._size)
                os.pwrite(fd, _MAGIC, 0)
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
        self._fd, self._pid = fd, os.getpid()
        self._map = mmap.mmap(fd, self._size)
        return self._map

    def take(self, who: str, capacity: float, rate_per_s: float, now: float) -> float:
        """Take one token of ``who``'s bucket: 0.0 if admitted, else the seconds to wait."""
        digest = hashlib.blake2b(who.encode(), digest_size=16).digest()
        start = int.from_bytes(digest[:8], "little") % self.slots
        with self._lock:
            mm = self._map if self._pid == os.getpid() else None
            if mm is None:
                mm = self._open()
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                where = -1
                tokens, last = capacity, now
                oldest, oldest_at = -1, math.inf
                for i in range(_PROBE):
                    slot = (start + i) % self.slots
                    off = 8 + slot * _SLOT.size
                    d, t, at = _SLOT.unpack_from(mm, off)
                    if d == digest:
                        where, tokens, last = off, t, at
                        break
                    if d == _EMPTY:
                        where = off
                        break
                    if at < oldest_at:
                        oldest, oldest_at = off, at
                if where < 0:
                    where = oldest  # evict the longest-idle client of the window
                tokens = min(capacity, tokens + max(0.0, now - last) * rate_per_s)
                if tokens >= 1.0:
                    _SLOT.pack_into(mm, where, digest, tokens - 1.0, now)
                    return 0.0
                _SLOT.pack_into(mm, where, digest, tokens, now)
                return (1.0 - tokens) / rate_per_s
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)


def host_store_path(database_url: str) -> Path:
    """Default host store: one file per database, so the workers of one service share it and
    unrelated services (other databases, other tests) do not: next to an SQLite file, else
    in the temp dir named by user and a hash of the URL."""
    if database_url.startswith("sqlite:///") and ":memory:" not in database_url:
        db_file = database_url[len("sqlite:///") :].split("?", 1)[0]
        if db_file:
            return Path(db_file + ".ratelimit")
    tag = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"freight-ratelimit-{os.getuid()}-{tag}.bin"
