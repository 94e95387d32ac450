"""Reference for DicomHeaderScanBench: reads every file under the given folders with
pydicom.dcmread(stop_before_pixels=True) in one process and prints {"files", "ok", "seconds"} as JSON.
The time covers the reads only (not the interpreter start or the folder walk)."""
import json
import os
import sys
import time
import warnings

warnings.simplefilter("ignore")
import pydicom  # noqa: E402

paths = []
for root in sys.argv[1:]:
    for d, _, names in os.walk(root):
        paths.extend(os.path.join(d, n) for n in names)
paths.sort()
ok = 0
start = time.perf_counter()
for p in paths:
    try:
        ds = pydicom.dcmread(p, stop_before_pixels=True)
        ds.get("StudyInstanceUID")
        ds.get("SeriesInstanceUID")
        ok += 1
    except Exception:
        pass
print(json.dumps({"files": len(paths), "ok": ok, "seconds": time.perf_counter() - start}))
