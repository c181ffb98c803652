#!/usr/bin/env python3
"""Random RGB crops of real photographs, for quantiser studies without downloads.

The photos are colour ones that scikit-image ships in skimage/data (Debian: apt-get install
python3-skimage), read from the package folder, so nothing is fetched: astronaut, chelsea, coffee,
rocket, motorcycle_left (stereo pair's left view) and ihc (a stained-tissue micrograph). Left
out: hubble_deep_field (72% black sky), retina (black borders, 46% of its held-out strip) and the
motorcycle's right view (a near-duplicate). Each photo is split into two disjoint regions: the
left 80% of its columns feeds --split train, the right 20% feeds --split heldout, so no held-out
pixel was ever seen in training.

A crop takes a random square window of side s = size / scale (scale drawn uniformly from
[--min-scale, 1]) inside the split's region of a photo drawn uniformly, resizes it to size x size (PIL box filter), mirrors it with
probability 1/2 (train only) and writes it as crop_NNNNNN.png. Deterministic for a given
--seed, --split, --count and --size.

  /usr/bin/python3 scripts/photo_crops.py /tmp/photos/train --count 4096 --split train --seed 0
  /usr/bin/python3 scripts/photo_crops.py /tmp/photos/heldout --count 256 --split heldout --seed 1
"""
import argparse
import os
import sys

import numpy as np
from PIL import Image

PHOTOS = ["astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg", "motorcycle_left.png", "ihc.png"]
HELDOUT_FRACTION = 0.2  # the rightmost columns of every photo


def load_photos():
    try:
        import skimage.data as data
    except ImportError:
        sys.exit("photo_crops.py: needs scikit-image's sample photos (apt-get install python3-skimage)")
    folder = os.path.dirname(data.__file__)
    out = []
    for name in PHOTOS:
        path = os.path.join(folder, name)
        if not os.path.isfile(path):
            sys.exit(f"photo_crops.py: {path} is missing (scikit-image without its sample data?)")
        with Image.open(path) as im:
            out.append((os.path.splitext(name)[0], np.asarray(im.convert("RGB"), dtype=np.uint8)))
    return out


def region(shape, split):
    h, w = shape[:2]
    cut = int(round(w * (1 - HELDOUT_FRACTION)))
    return (0, h, 0, cut) if split == "train" else (0, h, cut, w)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("out", help="folder to write the PNG crops into (created)")
    p.add_argument("--count", type=int, default=4096)
    p.add_argument("--size", type=int, default=32, help="side of the written crops in pixels")
    p.add_argument("--split", choices=["train", "heldout"], default="train")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--min-scale", type=float, default=0.25,
                   help="smallest scale: a crop covers between size and size/min_scale source pixels")
    args = p.parse_args()
    if args.count < 1 or args.size < 1 or not (0 < args.min_scale <= 1):
        sys.exit("photo_crops.py: --count and --size must be positive, --min-scale in (0, 1]")

    photos = load_photos()
    regions = [region(a.shape, args.split) for _, a in photos]
    rng = np.random.default_rng([args.seed, 0 if args.split == "train" else 1])
    os.makedirs(args.out, exist_ok=True)
    counts = [0] * len(photos)
    for i in range(args.count):
        k = int(rng.integers(len(photos)))
        y0, y1, x0, x1 = regions[k]
        scale = rng.uniform(args.min_scale, 1.0)
        side = min(int(round(args.size / scale)), y1 - y0, x1 - x0)
        y = int(rng.integers(y0, y1 - side + 1))
        x = int(rng.integers(x0, x1 - side + 1))
        img = Image.fromarray(photos[k][1][y:y + side, x:x + side])
        if side != args.size:
            img = img.resize((args.size, args.size), Image.BOX)
        if args.split == "train" and rng.random() < 0.5:
            img = img.transpose(Image.FLIP_LEFT_RIGHT)
        img.save(os.path.join(args.out, f"crop_{i:06d}.png"))
        counts[k] += 1
    print(f"{args.count} {args.size}x{args.size} {args.split} crops in {args.out}: "
          + ", ".join(f"{n} {c}" for (n, _), c in zip(photos, counts)))


if __name__ == "__main__":
    main()
