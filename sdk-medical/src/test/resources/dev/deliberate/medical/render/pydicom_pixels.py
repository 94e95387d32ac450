"""Reference decoding by pydicom (+GDCM/Pillow) for DicomRendererIT.

usage: pydicom_pixels.py FILE FRAME OUTDIR
writes OUTDIR/raw.bin (int64 LE, stored values, interleaved samples, as pixel_array gives them),
OUTDIR/rgb.bin (uint8 RGB after pydicom's colour conversion, colour images only),
OUTDIR/modality.bin (float64, apply_modality_lut; monochrome only),
OUTDIR/gray.bin (float64 0..255: apply_voi_lut of the modality values with the file's first window,
rescaled from pydicom's output range to 0..255 and inverted for MONOCHROME1; monochrome with a window only),
OUTDIR/meta.txt (handler, photometric, shape).
"""
import sys
import numpy as np
import pydicom
from pydicom.pixel_data_handlers.util import apply_modality_lut, apply_voi_lut, convert_color_space

path, frame, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
ds = pydicom.dcmread(path)
arr = ds.pixel_array
frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
if frames > 1:
    arr = arr[frame]
pi = ds.PhotometricInterpretation
arr.astype("<i8").tofile(out + "/raw.bin")
meta = [pi, "x".join(str(s) for s in arr.shape)]
if ds.SamplesPerPixel == 3:
    rgb = arr
    if pi.startswith("YBR"):
        rgb = convert_color_space(arr, "YBR_FULL" if pi == "YBR_FULL_422" else pi, "RGB")
    np.asarray(rgb).astype("u1").tofile(out + "/rgb.bin")
else:
    mod = apply_modality_lut(arr, ds)
    np.asarray(mod, dtype="<f8").tofile(out + "/modality.bin")
    if "WindowCenter" in ds and "WindowWidth" in ds:
        bits = ds.BitsStored
        if ds.PixelRepresentation == 0:
            y_min, y_max = 0, 2 ** bits - 1
        else:
            y_min, y_max = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        slope = float(getattr(ds, "RescaleSlope", 1) or 1)
        intercept = float(getattr(ds, "RescaleIntercept", 0) or 0)
        if "ModalityLUTSequence" not in ds:
            y_min, y_max = y_min * slope + intercept, y_max * slope + intercept
        voi = apply_voi_lut(np.asarray(mod, dtype="f8"), ds, index=0).astype("f8")
        gray = (voi - y_min) / (y_max - y_min) * 255.0
        if pi == "MONOCHROME1":
            gray = 255.0 - gray
        gray.astype("<f8").tofile(out + "/gray.bin")
open(out + "/meta.txt", "w").write("\n".join(meta) + "\n")
