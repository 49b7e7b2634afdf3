"""PyTorch's side of the GPU benchmark: the seed CNN trained two ways on one device.
  blog     the notebook's loop: a Dataset with per-image augmentation on the host (random crop
           with 4-pixel padding, horizontal flip, normalise), DataLoader(shuffle=True), each batch
           copied to the device, loss.item() every step.
  tensors  the whole data set resident on the device, shuffled by index there, no per-step sync.
Prints one JSON line per timed epoch (the first is warm-up). Needs torch and numpy only.
Written for Sweep's GPU benchmark (benchmarks/gpu/run.sh).
"""
import argparse, json, sys, time

import numpy as np
import torch
import torch.nn as nn
from torch.utils.data import DataLoader, Dataset

MEAN = np.array([0.4914, 0.4822, 0.4465], dtype=np.float32).reshape(3, 1, 1)
STD = np.array([0.2470, 0.2435, 0.2616], dtype=np.float32).reshape(3, 1, 1)


def seed_cnn(classes=10, size=32):
    def block(i, h, o):
        return [nn.Conv2d(i, h, 3, padding=1), nn.ReLU(), nn.Conv2d(h, o, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
    return nn.Sequential(*block(3, 16, 32), *block(32, 64, 128), *block(128, 128, 256), nn.Flatten(),
                         nn.Linear(256 * (size // 8) ** 2, 2048), nn.ReLU(), nn.Linear(2048, 256), nn.ReLU(), nn.Linear(256, classes))


class Augmented(Dataset):
    def __init__(self, images, labels):
        self.images, self.labels, self.rng = images, labels, np.random.default_rng(0)

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        padded = np.pad(self.images[i], ((0, 0), (4, 4), (4, 4)))
        top, left = self.rng.integers(0, 9, 2)
        crop = padded[:, top:top + 32, left:left + 32]
        if self.rng.random() < 0.5:
            crop = crop[:, :, ::-1]
        return torch.from_numpy(((crop.astype(np.float32) / 255 - MEAN) / STD).copy()), int(self.labels[i])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", required=True, help="cifar-10-batches-bin/data_batch_1.bin")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--mode", choices=["blog", "tensors"], required=True)
    p.add_argument("--device", default="cuda")
    a = p.parse_args()
    device = torch.device(a.device)
    torch.manual_seed(0)
    raw = np.fromfile(a.data, dtype=np.uint8).reshape(-1, 3073)[:a.count]
    images, labels = raw[:, 1:].reshape(-1, 3, 32, 32), raw[:, 0].astype(np.int64)
    model = seed_cnn().to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    if a.mode == "blog":
        loader = DataLoader(Augmented(images, labels), batch_size=a.batch_size, shuffle=True)
    else:
        x_all = ((torch.from_numpy(images).float() / 255 - torch.from_numpy(MEAN)) / torch.from_numpy(STD)).to(device)
        y_all = torch.from_numpy(labels).to(device)
    for epoch in range(1, a.epochs + 1):
        model.train()
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        if a.mode == "blog":
            for x, y in loader:
                x, y = x.to(device), y.to(device)
                optimizer.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                optimizer.step()
                loss.item()
        else:
            order = torch.randperm(len(y_all), device=device)
            for s in range(0, len(y_all), a.batch_size):
                index = order[s:s + a.batch_size]
                optimizer.zero_grad()
                loss = loss_fn(model(x_all[index]), y_all[index])
                loss.backward()
                optimizer.step()
        if device.type == "cuda":
            torch.cuda.synchronize()
        seconds = time.perf_counter() - start
        if epoch > 1:
            print(json.dumps({"batch_size": a.batch_size, "mode": a.mode, "epoch": epoch, "images_per_second": len(labels) / seconds}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
