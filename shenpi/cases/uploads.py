"""Checking uploaded materials before anything is stored: type by extension and content, size."""

from django.conf import settings
from django.utils.translation import gettext as _

# The first bytes each accepted type starts with. OFD (GB/T 33190) is a ZIP container.
MAGIC = {"pdf": (b"%PDF-",), "jpg": (b"\xff\xd8\xff",), "jpeg": (b"\xff\xd8\xff",), "png": (b"\x89PNG\r\n\x1a\n",),
         "ofd": (b"PK\x03\x04",)}


def upload_errors(upload) -> list[str]:
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    allowed = settings.SHENPI_UPLOAD_TYPES
    if ext not in allowed:
        return [_("“%(name)s”: only %(types)s files are accepted.") % {"name": name, "types": ", ".join(sorted(set(allowed)))}]
    if upload.size > settings.SHENPI_MAX_UPLOAD_BYTES:
        return [_("“%(name)s” is %(size).1f MB; the limit is %(limit).1f MB.") % {
            "name": name, "size": upload.size / 1048576, "limit": settings.SHENPI_MAX_UPLOAD_BYTES / 1048576}]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in MAGIC[ext]):
        return [_("“%(name)s” is not really a %(ext)s file.") % {"name": name, "ext": ext.upper()}]
    return []
