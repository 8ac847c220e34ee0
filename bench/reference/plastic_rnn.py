#!/usr/bin/env python3
"""PyTorch reference for the benchmark: training episodes of a plastic recurrent layer (Miconi et al. 2018, §3).

Written for this project from the equations alone. Conventions:
  * activations are row vectors; W[i][j] runs from presynaptic i to postsynaptic j;
  * one step:  post = tanh(pre @ (w + alpha * hebb) + drive)         (input mode 'add')
               post[j] = drive[j] where drive[j] != 0, else tanh(...)  (input mode 'clamp')
  * the trace is updated AFTER post is computed, from (pre, post):
      hebb: hebb = (1 - eta) * hebb + eta * pre^T post
      oja:  hebb[i][j] += eta * post[j] * (pre[i] - hebb[i][j] * post[j])
  * every batch element has its own trace [B, N, N], zero at the start of each episode.

Three network shapes:
  * 'recurrent': drive = gain * input; loss = sum over the first `pattern_size` neurons of
    (last step's post - target)^2 (the binary and images tasks).
  * 'maze': drive = input @ i2h_w + i2h_b (17 -> N), head = post @ head_w + head_b (N -> 5);
    loss = sum over all steps, batch and outputs of (head - target)^2, divided by the step count.
  * 'omniglot': the paper's Omniglot network (section 4.3): 4 x Conv2d(3x3, stride 2, 64 channels, bias) + tanh
    on 31x31 images (31 -> 15 -> 7 -> 3 -> 1), then a plastic 64 -> 5 softmax layer (Oja's rule, alpha per
    connection): out = softmax(f @ (w + alpha * hebb) + 1000 * label), hebb += eta * out * (f - hebb * out),
    6 steps (5 labelled, 1 query); loss = BCE(out, one-hot target) at the last step, mean over batch and
    classes. `--conv-per-step` runs the convolutions once per step on that step's images, as the authors'
    code does; by default all 6·B images of a batch go through them in one call.

One episode = forward + loss.backward() + torch.optim.Adam step. Inputs, targets and initial parameters
come from a deterministic integer hash (see `hash32`) that bench/signal.ts implements identically, so
the engine and this reference compute the same losses and the harness can check they agree.

Prints one JSON object per line: {"event": "episode", ...} per episode, then {"event": "done", ...}
with the peak RSS of this process (ru_maxrss, kB). Run one case per process so peaks do not mix.
"""
import argparse
import ctypes
import ctypes.util
import json
import math
import resource
import sys
import time

import numpy as np
import torch

MASK32 = np.uint64(0xFFFFFFFF)

# Stream tags: every tensor draws from its own stream; episode streams are offset by the episode index.
STREAM_W, STREAM_ALPHA, STREAM_I2H_W, STREAM_I2H_B, STREAM_HEAD_W, STREAM_HEAD_B = 1, 2, 3, 4, 5, 6
STREAM_CONV = 16  # layer l: kernel 16 + 2l, bias 17 + 2l
STREAM_INPUT, STREAM_TARGET = 1 << 16, 1 << 17


def hash32(stream, count):
    """lowbias32 of (index * 0x9E3779B1 + stream * 0x85EBCA77) mod 2^32 for index in [0, count).

    All products stay below 2^64, so uint64 arithmetic is exact; bench/signal.ts does the same in 32-bit ints.
    """
    index = np.arange(count, dtype=np.uint64)
    x = (index * np.uint64(0x9E3779B1) + np.uint64(stream) * np.uint64(0x85EBCA77)) & MASK32
    x ^= x >> np.uint64(16)
    x = (x * np.uint64(0x7FEB352D)) & MASK32
    x ^= x >> np.uint64(15)
    x = (x * np.uint64(0x846CA68B)) & MASK32
    x ^= x >> np.uint64(16)
    return x


def uniform(stream, count):
    """Uniform in [0, 1), exact in float64 (h / 2^32)."""
    return hash32(stream, count).astype(np.float64) / 4294967296.0


def ternary(stream, count):
    """0 with probability 1/2, else +1 or -1: inputs with silent neurons, like the tasks' zero steps."""
    h = hash32(stream, count)
    sign = np.where((h >> np.uint64(1)) & np.uint64(1), 1.0, -1.0)
    return np.where(h & np.uint64(1), 0.0, sign)


def signs(stream, count):
    return np.where(hash32(stream, count) & np.uint64(1), 1.0, -1.0)


def tensor(values, shape):
    return torch.from_numpy(values.astype(np.float32).reshape(shape))


def parameter(values, shape):
    return torch.nn.Parameter(tensor(values, shape))


def plastic_sequence(drive, w, alpha, eta, rule, input_mode):
    """Runs the plastic layer over drive [T, B, N]; returns post for every step, [T, B, N]."""
    steps, batch, size = drive.shape
    hebb = torch.zeros(batch, size, size)
    pre = torch.zeros(batch, size)
    posts = []
    for t in range(steps):
        a = torch.bmm(pre.unsqueeze(1), w + alpha * hebb).squeeze(1)
        if input_mode == 'add':
            post = torch.tanh(a + drive[t])
        else:
            post = torch.where(drive[t] != 0, drive[t], torch.tanh(a))
        pre_col, post_row = pre.unsqueeze(2), post.unsqueeze(1)
        if rule == 'hebb':
            hebb = (1 - eta) * hebb + eta * torch.bmm(pre_col, post_row)
        else:
            hebb = hebb + eta * post_row * (pre_col - hebb * post_row)
        posts.append(post)
        pre = post
    return torch.stack(posts)


OMNIGLOT_SIDES = [31, 15, 7, 3, 1]
OMNIGLOT_CHANNELS = [1, 64, 64, 64, 64]
OMNIGLOT_STEPS, OMNIGLOT_CLASSES, OMNIGLOT_FEATURES = 6, 5, 64


def plastic_dense(features, label, w, alpha, eta):
    """The plastic softmax head over features [T, B, 64] with teaching labels [T, B, 5]; returns [T, B, 5]."""
    steps, batch, inputs = features.shape
    hebb = torch.zeros(batch, inputs, w.shape[1])
    outs = []
    for t in range(steps):
        pre = features[t]
        out = torch.softmax(torch.bmm(pre.unsqueeze(1), w + alpha * hebb).squeeze(1) + 1000.0 * label[t], dim=1)
        post_row = out.unsqueeze(1)
        hebb = hebb + eta * post_row * (pre.unsqueeze(2) - hebb * post_row)
        outs.append(out)
    return torch.stack(outs)


class Model:
    def __init__(self, args):
        n = args.size
        self.args = args
        if args.shape == 'omniglot':
            # Kernels are drawn in our engine's layout [k, k, C, F] and turned into PyTorch's [F, C, k, k].
            self.conv = []
            for layer in range(4):
                c, f = OMNIGLOT_CHANNELS[layer], OMNIGLOT_CHANNELS[layer + 1]
                bound = 1 / math.sqrt(9 * c)
                kernel = tensor((2 * uniform(STREAM_CONV + 2 * layer, 9 * c * f) - 1) * bound, (3, 3, c, f))
                self.conv.append(torch.nn.Parameter(kernel.permute(3, 2, 0, 1).contiguous()))
                self.conv.append(parameter((2 * uniform(STREAM_CONV + 2 * layer + 1, f) - 1) * bound, (f,)))
            scale = 0.01 * math.sqrt(3.0)
            self.w = parameter(scale * (2 * uniform(STREAM_W, 64 * 5) - 1), (64, 5))
            self.alpha = parameter(0.01 * uniform(STREAM_ALPHA, 64 * 5), (64, 5))
        elif args.shape == 'maze':
            # Maze init (the authors' code; docs/experiments.md): w and alpha 0.01*U[0,1); linear layers uniform ±1/sqrt(fan_in).
            self.w = parameter(0.01 * uniform(STREAM_W, n * n), (n, n))
            self.alpha = parameter(0.01 * uniform(STREAM_ALPHA, n * n), (n, n))
            fan_in, out = args.in_features, args.out_features
            self.i2h_w = parameter((2 * uniform(STREAM_I2H_W, fan_in * n) - 1) / math.sqrt(fan_in), (fan_in, n))
            self.i2h_b = parameter((2 * uniform(STREAM_I2H_B, n) - 1) / math.sqrt(fan_in), (n,))
            self.head_w = parameter((2 * uniform(STREAM_HEAD_W, n * out) - 1) / math.sqrt(n), (n, out))
            self.head_b = parameter((2 * uniform(STREAM_HEAD_B, out) - 1) / math.sqrt(n), (out,))
        else:
            # Uniform with the variance of 0.01*N(0,1) (the binary/images init).
            scale = 0.01 * math.sqrt(3.0)
            self.w = parameter(scale * (2 * uniform(STREAM_W, n * n) - 1), (n, n))
            self.alpha = parameter(scale * (2 * uniform(STREAM_ALPHA, n * n) - 1), (n, n))
        self.eta = torch.nn.Parameter(torch.full((1,), 0.01))

    def parameters(self):
        names = ['w', 'alpha', 'eta'] + (['i2h_w', 'i2h_b', 'head_w', 'head_b'] if self.args.shape == 'maze' else [])
        return [getattr(self, name) for name in names] + (self.conv if self.args.shape == 'omniglot' else [])

    def features(self, images):
        """images [N, 1, 31, 31] -> [N, 64] through the four convolutions."""
        x = images
        for layer in range(4):
            x = torch.tanh(torch.nn.functional.conv2d(x, self.conv[2 * layer], self.conv[2 * layer + 1], stride=2))
        return x.reshape(x.shape[0], OMNIGLOT_FEATURES)

    def episode_data(self, episode):
        a = self.args
        t, b, n = a.steps, a.batch, a.size
        if a.shape == 'omniglot':
            images = tensor(uniform(STREAM_INPUT + episode, OMNIGLOT_STEPS * b * 31 * 31), (OMNIGLOT_STEPS, b, 1, 31, 31))
            classes = (hash32(STREAM_TARGET + episode, b) % np.uint64(OMNIGLOT_CLASSES)).astype(np.int64)
            target = torch.nn.functional.one_hot(torch.from_numpy(classes), OMNIGLOT_CLASSES).float()
            # Labels: step s < 5 shows class s; the query step shows none.
            label = torch.zeros(OMNIGLOT_STEPS, b, OMNIGLOT_CLASSES)
            for s in range(OMNIGLOT_CLASSES):
                label[s, :, s] = 1
            return (images, label), target
        if a.shape == 'maze':
            inputs = tensor(ternary(STREAM_INPUT + episode, t * b * a.in_features), (t, b, a.in_features))
            target = tensor(signs(STREAM_TARGET + episode, t * b * a.out_features), (t, b, a.out_features))
        else:
            inputs = tensor(ternary(STREAM_INPUT + episode, t * b * n), (t, b, n))
            target = tensor(signs(STREAM_TARGET + episode, b * a.pattern_size), (b, a.pattern_size))
        return inputs, target

    def loss(self, inputs, target):
        a = self.args
        if a.shape == 'omniglot':
            images, label = inputs
            if a.conv_per_step:
                features = torch.stack([self.features(images[s]) for s in range(OMNIGLOT_STEPS)])
            else:
                features = self.features(images.reshape(-1, 1, 31, 31)).reshape(OMNIGLOT_STEPS, a.batch, OMNIGLOT_FEATURES)
            out = plastic_dense(features, label, self.w, self.alpha, self.eta)
            return torch.nn.functional.binary_cross_entropy(out[-1], target)
        if a.shape == 'maze':
            drive = inputs @ self.i2h_w + self.i2h_b
            post = plastic_sequence(drive, self.w, self.alpha, self.eta, a.rule, a.input_mode)
            out = post @ self.head_w + self.head_b
            return ((out - target) ** 2).sum() / a.steps
        drive = inputs * a.gain if a.input_mode == 'add' else inputs
        post = plastic_sequence(drive, self.w, self.alpha, self.eta, a.rule, a.input_mode)
        return ((post[-1, :, : a.pattern_size] - target) ** 2).sum()


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    p.add_argument('--shape', choices=['recurrent', 'maze', 'omniglot'], default='recurrent')
    p.add_argument('--conv-per-step', action='store_true', help="omniglot: run the convolutions step by step, as the authors' code")
    p.add_argument('--size', type=int, default=1001, help='plastic neurons N')
    p.add_argument('--steps', type=int, default=106, help='time steps T per episode')
    p.add_argument('--batch', type=int, default=1)
    p.add_argument('--rule', choices=['hebb', 'oja'], default='hebb')
    p.add_argument('--input-mode', choices=['add', 'clamp'], default='add')
    p.add_argument('--gain', type=float, default=20.0, help="input gain in 'add' mode (recurrent shape)")
    p.add_argument('--pattern-size', type=int, default=1000, help='outputs in the loss (recurrent shape)')
    p.add_argument('--in-features', type=int, default=17, help='maze input width')
    p.add_argument('--out-features', type=int, default=5, help='maze head width')
    p.add_argument('--lr', type=float, default=3e-4)
    p.add_argument('--episodes', type=int, default=3, help='timed episodes')
    p.add_argument('--warmup', type=int, default=1, help='untimed episodes first')
    p.add_argument('--threads', type=int, default=0, help='torch threads; 0 keeps the default')
    p.add_argument('--default-malloc', action='store_true', help="keep glibc's default allocation thresholds (see keep_freed_memory)")
    args = p.parse_args(argv)
    if args.shape == 'recurrent' and not 0 < args.pattern_size <= args.size:
        p.error('--pattern-size must be in 1..--size')
    return args


def resident_kb():
    with open('/proc/self/status') as status:
        for line in status:
            if line.startswith('VmRSS:'):
                return int(line.split()[1])
    return None


def keep_freed_memory():
    """Tells glibc's malloc to keep freed blocks for reuse instead of returning them to the system.

    By default glibc serves each large tensor buffer with its own mmap and unmaps it when freed, so every
    training step faults its working memory in again. On the 2-core VMs this project is measured on, where a
    page fault is expensive, that made the Omniglot step at batch 8 ~5x slower (67 ms instead of 12 ms);
    PyTorch builds linked with jemalloc or tcmalloc never pay it. The reference should be PyTorch at its
    practical best. Returns what was set, for the report, or None where the C library is not glibc.
    """
    try:
        libc = ctypes.CDLL(ctypes.util.find_library('c'))
        mallopt = libc.mallopt
    except (OSError, AttributeError, TypeError):
        return None
    M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3
    limit = 1 << 30
    if mallopt(M_MMAP_THRESHOLD, limit) != 1 or mallopt(M_TRIM_THRESHOLD, limit) != 1:
        return None
    return 'glibc, freed memory kept for reuse (mallopt: mmap and trim thresholds 1 GiB)'


def emit(record):
    print(json.dumps(record), flush=True)


def main(argv):
    args = parse_args(argv)
    allocator = 'default' if args.default_malloc else (keep_freed_memory() or 'default')
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    torch.manual_seed(0)  # nothing here draws from torch's RNG; set for safety
    model = Model(args)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=1e-8)
    start_rss_kb = resident_kb()  # interpreter + torch + parameters, before any episode
    for episode in range(args.warmup + args.episodes):
        inputs, target = model.episode_data(episode)
        start = time.perf_counter()
        optimizer.zero_grad()
        loss = model.loss(inputs, target)
        loss.backward()
        optimizer.step()
        loss_value = loss.item()
        seconds = time.perf_counter() - start
        emit({'event': 'episode', 'index': episode, 'warmup': episode < args.warmup,
              'seconds': seconds, 'loss': loss_value if math.isfinite(loss_value) else None})
        del loss
    emit({'event': 'done', 'peakRssKB': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, 'startRssKB': start_rss_kb,
          'backend': f'pytorch {torch.__version__} cpu', 'threads': torch.get_num_threads(), 'allocator': allocator})


if __name__ == '__main__':
    main(sys.argv[1:])
