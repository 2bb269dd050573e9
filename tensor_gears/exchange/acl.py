"""A file readable by one other account: a POSIX access ACL, written as the kernel's extended
attribute (`system.posix_acl_access`; what `setfacl -m u:NAME:r` writes), by the file's owner.

The file's own mode stays 0600 apart from the ACL's mask: the owner reads and writes, the one
named account reads, nobody else (not the file's group, not others) reads.
"""

import errno
import os
import struct

ATTRIBUTE = "system.posix_acl_access"
VERSION = 2
# Tags and the id of the unnamed entries (linux/posix_acl.h, posix_acl_xattr.h).
USER_OBJ, USER, GROUP_OBJ, MASK, OTHER = 0x01, 0x02, 0x04, 0x10, 0x20
UNDEFINED_ID = 0xFFFFFFFF
READ, WRITE = 4, 2


class AclUnsupported(OSError):
    """The filesystem keeps no POSIX ACLs."""


def readable_by(fd: int, uid: int) -> None:
    """Owner read and write, `uid` read, everyone else nothing, on the open file `fd`."""
    entries = [(USER_OBJ, READ | WRITE, UNDEFINED_ID), (USER, READ, uid), (GROUP_OBJ, 0, UNDEFINED_ID),
               (MASK, READ, UNDEFINED_ID), (OTHER, 0, UNDEFINED_ID)]
    value = struct.pack("<I", VERSION) + b"".join(struct.pack("<HHI", *entry) for entry in entries)
    try:
        os.setxattr(fd, ATTRIBUTE, value)
    except OSError as error:
        if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            raise AclUnsupported(error.errno, "this filesystem keeps no POSIX ACLs (mount it with acl)") from error
        raise


def named_readers(path: str) -> list[int]:
    """The uids the access ACL of `path` names (empty when it has none)."""
    try:
        value = os.getxattr(path, ATTRIBUTE, follow_symlinks=False)
    except OSError as error:
        if error.errno in (errno.ENODATA, errno.ENOTSUP, errno.EOPNOTSUPP):
            return []
        raise
    entries = [struct.unpack_from("<HHI", value, offset) for offset in range(4, len(value), 8)]
    return [uid for tag, _, uid in entries if tag == USER]
