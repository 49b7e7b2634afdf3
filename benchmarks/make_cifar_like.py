"""Writes CIFAR-10-shaped data in the official binary layout (cifar-10-batches-bin) with random
pixels: training speed does not depend on the content. Used by run.sh and fused.sh.
  python3 make_cifar_like.py DIR TRAIN_IMAGES
"""
import os, sys
import numpy as np

root = os.path.join(sys.argv[1], "cifar-10-batches-bin")
os.makedirs(root)
rng = np.random.default_rng(0)
for name, n in [("data_batch_1", int(sys.argv[2]))] + [(f"data_batch_{i}", 10) for i in range(2, 6)] + [("test_batch", 100)]:
    labels = (np.arange(n) % 10).astype(np.uint8).reshape(-1, 1)
    np.concatenate([labels, rng.integers(0, 256, (n, 3072), dtype=np.uint8)], axis=1).tofile(os.path.join(root, name + ".bin"))
