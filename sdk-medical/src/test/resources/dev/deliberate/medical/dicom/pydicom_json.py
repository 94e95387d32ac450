"""Reference for the SDK's tests: prints pydicom's view of DICOM files as JSON lines.

Usage: python3 pydicom_json.py [--force] FILE...   (one line per file on stdout; --force reads files without
a DICM prefix, as pydicom's dcmread(force=True))
Each line: {"file": path, "ok": true, "meta": {...}, "dataset": {...}} with pydicom's Dataset.to_json_dict(),
or {"file": path, "ok": false, "error": "..."} when pydicom cannot read or convert the file.
"""
import json
import sys
import warnings

warnings.simplefilter("ignore")
import pydicom  # noqa: E402


def main(args):
    force = bool(args) and args[0] == "--force"
    paths = args[1:] if force else args
    for p in paths:
        out = {"file": p}
        try:
            ds = pydicom.dcmread(p, force=force)
            out["dataset"] = ds.to_json_dict(bulk_data_threshold=1 << 62)
            meta = getattr(ds, "file_meta", None)
            out["meta"] = meta.to_json_dict() if meta is not None else {}
            out["ok"] = True
        except Exception as e:  # report, do not stop: the caller compares per file
            out = {"file": p, "ok": False, "error": type(e).__name__ + ": " + str(e)}
        sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:])
