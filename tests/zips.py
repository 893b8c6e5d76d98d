"""Test support: rewriting one member of a zip (XLSX, ODS), for files crafted to break limits.

Not a test module; importable from any test because pytest puts ``tests/`` on the path
(``pythonpath`` in pyproject.toml).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable


def rezip(data: bytes, member: str, content: bytes | Iterable[bytes]) -> bytes:
    """The same zip with one member replaced; an iterable is deflated piece by piece, so a
    member of hundreds of MB never sits in memory."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != member:
                target.writestr(info, source.read(info))
                continue
            replaced = zipfile.ZipInfo(member, date_time=info.date_time)
            replaced.compress_type = zipfile.ZIP_DEFLATED
            with target.open(replaced, "w", force_zip64=True) as out:
                for piece in [content] if isinstance(content, bytes) else content:
                    out.write(piece)
    return buffer.getvalue()
