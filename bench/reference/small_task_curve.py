"""Independent PyTorch check of the 50-bit binary-pattern task's learning curve (Miconi et al. 2018, §4.1, Fig. 3).

Implements the authors' episode and plastic update from the equations (not their code) and prints the mean
sign error per 100 episodes, then evaluates the trained network and splits its errors by whether the test
pattern was the first or the last one shown. Used to check that our engine's curve for
templates/binary-patterns-50bit-plastic.plastic.json is the computation's own, not a bug of ours.

    /usr/bin/python3 bench/reference/small_task_curve.py --seed 0 --lr 3e-4 --episodes 2000
"""
import argparse

import numpy as np
import torch

parser = argparse.ArgumentParser()
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--lr", type=float, default=3e-4)
parser.add_argument("--episodes", type=int, default=2000)
parser.add_argument("--evaluate", type=int, default=2000, help="episodes evaluated after training")
args = parser.parse_args()

BITS, PATTERNS, PRESENT, GAP, TEST = 50, 2, 3, 1, 3  # one presentation cycle
NEURONS = BITS + 1  # plus a bias neuron
STEPS = (PRESENT + GAP) * PATTERNS + TEST

torch.manual_seed(args.seed)
rng = np.random.RandomState(args.seed)
w = (0.01 * torch.randn(NEURONS, NEURONS)).requires_grad_()
alpha = (0.01 * torch.randn(NEURONS, NEURONS)).requires_grad_()
eta = torch.tensor(0.01, requires_grad=True)
optimizer = torch.optim.Adam([w, alpha, eta], lr=args.lr)


def episode(train):
    """One episode; returns (sign error, whether the test pattern was the last one shown)."""
    patterns = [rng.permutation(np.repeat([-1.0, 1.0], BITS // 2)) for _ in range(PATTERNS)]
    order = rng.permutation(PATTERNS)
    drive = np.zeros((STEPS, NEURONS))
    t = 0
    for k in order:
        drive[t : t + PRESENT, :BITS] = patterns[k]
        t += PRESENT + GAP
    query = rng.randint(PATTERNS)
    degraded = patterns[query].copy()
    degraded[rng.permutation(BITS)[: BITS // 2]] = 0
    drive[t:, :BITS] = degraded
    drive[:, BITS] = 1.0
    drive = torch.tensor(drive, dtype=torch.float32) * 20.0
    y = torch.zeros(NEURONS)
    hebb = torch.zeros(NEURONS, NEURONS)
    for step in range(STEPS):
        y_new = torch.tanh(y @ (w + alpha * hebb) + drive[step])
        hebb = (1 - eta) * hebb + eta * torch.outer(y, y_new)
        y = y_new
    target = torch.tensor(patterns[query], dtype=torch.float32)
    if train:
        loss = ((y[:BITS] - target) ** 2).sum()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    error = float((torch.sign(y[:BITS]) != target).float().mean())
    return error, query == order[-1]


errors = []
for n in range(1, args.episodes + 1):
    errors.append(episode(True)[0])
    if n % 100 == 0:
        print(f"episodes {n - 99}-{n}: mean sign error {np.mean(errors[-100:]):.4f}  eta {float(eta):.4f}", flush=True)

with torch.no_grad():
    results = [episode(False) for _ in range(args.evaluate)]
error = np.array([r[0] for r in results])
last = np.array([r[1] for r in results])
print(f"evaluation: mean sign error {error.mean():.4f}; test pattern shown last {error[last].mean():.4f}, shown first {error[~last].mean():.4f}")
