"""Reference loops for RenderDeidBench: pydicom rendering to PNG and a pydicom Basic-Profile de-identification.

usage: pydicom_render_deid.py render FILE N    -> prints images/s (read, pixel_array, modality+VOI LUT, 8-bit, PNG)
       pydicom_render_deid.py deid FILE N TSV  -> prints files/s (read, apply the same generated action table, write)
"""
import hashlib, hmac, io, sys, time
import numpy as np
import pydicom
from PIL import Image
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_voi_lut, convert_color_space

mode, path, n = sys.argv[1], sys.argv[2], int(sys.argv[3])


def render():
    ds = pydicom.dcmread(path)
    arr = ds.pixel_array
    if int(getattr(ds, "NumberOfFrames", 1) or 1) > 1:
        arr = arr[0]
    if ds.SamplesPerPixel == 1:
        mod = apply_modality_lut(arr, ds).astype("f8")
        if "WindowCenter" in ds:
            out = apply_voi_lut(mod, ds, index=0)
            lo, hi = float(np.min(out)), float(np.max(out))
        else:
            out, lo, hi = mod, float(mod.min()), float(mod.max())
        img = np.clip((out - lo) / max(hi - lo, 1e-9) * 255.0 + 0.5, 0, 255).astype("u1")
    else:
        img = arr
        if ds.PhotometricInterpretation.startswith("YBR"):
            img = convert_color_space(arr, "YBR_FULL", "RGB")
        img = img.astype("u1")
    buf = io.BytesIO()
    Image.fromarray(img).save(buf, "png")


def load_table(tsv):
    table = {}
    for line in open(tsv):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        if "x" in f[0] or f[0] == "PRIVATE":
            continue
        table[int(f[0], 16)] = f[1][0]
    return table


def deid(table, salt=b"bench-salt-123456"):
    ds = pydicom.dcmread(path)
    ds.remove_private_tags()

    def visit(d):
        for elem in list(d):
            a = table.get(int(elem.tag))
            if elem.VR == "SQ" and a != "X":
                for item in elem.value:
                    visit(item)
            if a is None or a == "K" or a == "C":
                continue
            if a == "X":
                del d[elem.tag]
            elif a == "Z":
                elem.value = [] if elem.VR == "SQ" else ""
            elif a == "U" and elem.VR == "UI" and elem.value:
                h = hmac.new(salt, ("uid:" + str(elem.value)).encode(), hashlib.sha256).digest()[:16]
                elem.value = "2.25." + str(int.from_bytes(h, "big"))
            elif a == "D" and elem.VR != "SQ":
                elem.value = {"DA": "19000101", "TM": "000000", "DT": "19000101000000", "AS": "000Y"}.get(
                    elem.VR, "0" if elem.VR in ("DS", "IS", "US", "SS", "UL", "SL") else "ANONYMIZED")
    visit(ds)
    ds.PatientIdentityRemoved = "YES"
    buf = io.BytesIO()
    ds.save_as(buf)


if mode == "render":
    fn = render
else:
    t = load_table(sys.argv[4])
    fn = lambda: deid(t)
for _ in range(max(3, n // 10)):
    fn()
t0 = time.perf_counter()
for _ in range(n):
    fn()
print(n / (time.perf_counter() - t0))
