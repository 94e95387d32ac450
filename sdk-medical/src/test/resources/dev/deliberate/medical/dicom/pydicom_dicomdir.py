"""Reference for DicomdirIT: prints pydicom's record tree of a DICOMDIR, one record per line, indented by level.

Usage: python3 pydicom_dicomdir.py DICOMDIR
Each line: two spaces per level, the Directory Record Type, a space, and the Referenced File ID joined with '/'.
"""
import sys
import warnings

warnings.simplefilter("ignore")
from pydicom import dcmread  # noqa: E402


def walk(records, ds, depth, out):
    for r in records:
        fid = r.get("ReferencedFileID", "")
        if fid and not isinstance(fid, str):
            fid = "/".join(fid)
        out.append("  " * depth + r.DirectoryRecordType + " " + (fid or ""))
        lower = r.get("OffsetOfReferencedLowerLevelDirectoryEntity", 0)
        if lower:
            walk(chain(ds, lower), ds, depth + 1, out)


def chain(ds, offset):
    by_offset = {item.seq_item_tell: item for item in ds.DirectoryRecordSequence}
    seen = set()
    while offset and offset not in seen:
        seen.add(offset)
        r = by_offset[offset]
        yield r
        offset = r.get("OffsetOfTheNextDirectoryRecord", 0)


def main(path):
    ds = dcmread(path)
    out = []
    walk(chain(ds, ds.OffsetOfTheFirstDirectoryRecordOfTheRootDirectoryEntity), ds, 0, out)
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
