"""The peer Sweep is measured against: the blog's training loop in PyTorch.

  --mode blog     Dataset + DataLoader(shuffle=True) with per-sample transforms (RandomCrop with
                  padding 4, RandomHorizontalFlip, ToTensor, Normalize), loss.item() every step,
                  Adam -- what the blog's notebook does.
  --mode tensors  the same model and optimizer on pre-built normalised tensors, shuffled by index,
                  no augmentation and no per-step host sync: the compute limit of this machine.

Prints one JSON line per timed epoch: {"model", "batch_size", "mode", "epoch", "images_per_second"}.
Written for this project (Sweep's benchmark); run it through benchmarks/run.sh.
"""
import argparse, gzip, json, struct, sys, time

import numpy as np
import torch
import torch.nn as nn
from PIL import Image
from torch.utils.data import DataLoader, Dataset
import torchvision.transforms as T


def seed_cnn(channels, size, classes):
    def block(i, h, o):
        return [nn.Conv2d(i, h, 3, padding=1), nn.ReLU(), nn.Conv2d(h, o, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)]
    flat = 256 * (size // 8) ** 2
    return nn.Sequential(*block(channels, 16, 32), *block(32, 64, 128), *block(128, 128, 256), nn.Flatten(),
                         nn.Linear(flat, 2048), nn.ReLU(), nn.Linear(2048, 256), nn.ReLU(), nn.Linear(256, classes))


def small_cnn(channels, size, classes):
    return nn.Sequential(nn.Conv2d(channels, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                         nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                         nn.Linear(32 * (size // 4) ** 2, 64), nn.ReLU(), nn.Linear(64, classes))


def load_cifar_bin(path, count):
    raw = np.fromfile(path, dtype=np.uint8).reshape(-1, 3073)[:count]
    return raw[:, 1:].reshape(-1, 3, 32, 32), raw[:, 0].astype(np.int64)


def load_idx(images_path, labels_path, count):
    with gzip.open(images_path) as f:
        _, n, rows, cols = struct.unpack(">IIII", f.read(16))
        images = np.frombuffer(f.read(), dtype=np.uint8).reshape(n, 1, rows, cols)[:count]
    with gzip.open(labels_path) as f:
        f.read(8)
        labels = np.frombuffer(f.read(), dtype=np.uint8)[:count].astype(np.int64)
    return images, labels


class ImageDataset(Dataset):
    """Like torchvision's CIFAR10: one PIL image per item, transformed sample by sample."""

    def __init__(self, images, labels, transform):
        self.images, self.labels, self.transform = images, labels, transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, i):
        image = self.images[i]
        pil = Image.fromarray(image[0] if image.shape[0] == 1 else image.transpose(1, 2, 0))
        return self.transform(pil), int(self.labels[i])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--model", choices=["seed-cnn", "small-cnn"], required=True)
    p.add_argument("--data", required=True, help="cifar bin file, or 'IMAGES.gz,LABELS.gz'")
    p.add_argument("--count", type=int, required=True)
    p.add_argument("--batch-size", type=int, required=True)
    p.add_argument("--epochs", type=int, default=4, help="the first is warm-up and not reported")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--mode", choices=["blog", "tensors"], required=True)
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    if "," in a.data:
        images, labels = load_idx(*a.data.split(","), a.count)
        mean, std = (0.2860,), (0.3530,)
    else:
        images, labels = load_cifar_bin(a.data, a.count)
        mean, std = (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)
    channels, size = images.shape[1], images.shape[2]
    model = (seed_cnn if a.model == "seed-cnn" else small_cnn)(channels, size, 10)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()

    if a.mode == "blog":
        transform = T.Compose([T.RandomCrop(size, padding=4), T.RandomHorizontalFlip(), T.ToTensor(), T.Normalize(mean, std)])
        loader = DataLoader(ImageDataset(images, labels, transform), batch_size=a.batch_size, shuffle=True)
    else:
        x_all = (torch.from_numpy(images.copy()).float() / 255 - torch.tensor(mean).view(1, -1, 1, 1)) / torch.tensor(std).view(1, -1, 1, 1)
        y_all = torch.from_numpy(labels)

    for epoch in range(1, a.epochs + 1):
        model.train()
        start = time.perf_counter()
        if a.mode == "blog":
            for x, y in loader:
                optimizer.zero_grad()
                loss = loss_fn(model(x), y)
                loss.backward()
                optimizer.step()
                print_loss = loss.item()  # the blog reads the loss every step
        else:
            order = torch.randperm(len(y_all))
            total = torch.zeros(())
            for s in range(0, len(y_all), a.batch_size):
                index = order[s:s + a.batch_size]
                optimizer.zero_grad()
                loss = loss_fn(model(x_all[index]), y_all[index])
                loss.backward()
                optimizer.step()
                total += loss.detach()
        seconds = time.perf_counter() - start
        if epoch > 1:
            print(json.dumps({"model": a.model, "batch_size": a.batch_size, "mode": a.mode, "epoch": epoch,
                              "images_per_second": len(labels) / seconds}), flush=True)


if __name__ == "__main__":
    sys.exit(main())
