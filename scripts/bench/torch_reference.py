"""PyTorch reference for scripts/bench.mjs: the same workloads and shapes, one JSON row per
workload on stdout ({workload, backend: "torch-cpu", variant: "reference", median_ms, ...}).
Optional: run with Debian's python3-torch (/usr/bin/python3). Usage:
  /usr/bin/python3 scripts/bench/torch_reference.py --workloads matmul-1024,np-btl-step-paper --reps 5 --threads 2
--device cuda runs them on the GPU (rows with backend "torch-cuda", float32 without TF32, as tfjs
computes); each timed call ends with torch.cuda.synchronize(), so a row is the work done, not the
launches queued.
"""
import argparse
import json
import statistics
import sys
import time

import torch
from torch import nn

PAPER = dict(name="np-btl-step-paper", D=4096, H=256, heads=8, B=64, T=20, K=10, pair="linear")
SYNTHETIC = dict(name="np-btl-step-synthetic", D=1, H=256, heads=8, B=64, T=20, K=10, pair="mlp")


class NpBtl(nn.Module):
    """METHOD.md section 2 as btl-reward's NP-BTL builds it with its defaults (deterministic,
    attention dropout 0.1, BatchNorm in g); the harness times btl-reward's model at the same shapes."""

    def __init__(self, s):
        super().__init__()
        D, H = s["D"], s["H"]
        self.s = s
        self.pair = nn.Linear(2 * D, H) if s["pair"] == "linear" else nn.Sequential(nn.Linear(2 * D, H), nn.ReLU(), nn.Linear(H, H))
        self.attn = nn.MultiheadAttention(H, s["heads"], dropout=0.1, batch_first=True)
        self.rho = nn.Sequential(nn.Linear(H, H), nn.ReLU(), nn.Linear(H, H))
        self.phi = nn.Sequential(nn.Linear(D, H), nn.ReLU(), nn.Linear(H, H))
        self.g = nn.Sequential(nn.Linear(2 * H, H), nn.BatchNorm1d(H), nn.ReLU(), nn.Linear(H, 1, bias=False))

    def forward(self, context, options):
        B, T, H, D = self.s["B"], self.s["T"], self.s["H"], self.s["D"]
        u = self.pair(context)
        a, _ = self.attn(u, u, u, need_weights=False)
        z = self.rho(a.sum(1))
        e = self.phi(options.reshape(B * T * 2, D))
        z_rep = z[:, None, :].expand(B, T * 2, H).reshape(B * T * 2, H)
        r = self.g(torch.cat([e, z_rep], 1)).reshape(B, T, 2)
        logits = r[..., 0] - r[..., 1]
        return nn.functional.softplus(-logits).mean(), logits


DEVICE = torch.device("cpu")


def sync():
    # CUDA kernels run asynchronously: wait for them before reading the clock.
    if DEVICE.type == "cuda":
        torch.cuda.synchronize()


def timed(fn, reps, warmup):
    for _ in range(warmup):
        fn()
    sync()
    samples = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        sync()
        samples.append((time.perf_counter() - t0) * 1000)
    samples.sort()
    return dict(median_ms=round(statistics.median(samples), 3), min_ms=round(samples[0], 3), max_ms=round(samples[-1], 3), n=reps)


def np_btl(s, reps):
    torch.manual_seed(0)
    model = NpBtl(s).train().to(DEVICE)
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, eps=3e-5)
    context = torch.randn(s["B"], s["K"], 2 * s["D"]).to(DEVICE)
    options = torch.randn(s["B"], s["T"], 2, s["D"]).to(DEVICE)

    def step():
        opt.zero_grad(set_to_none=True)
        loss, logits = model(context, options)
        loss.backward()
        opt.step()
        # trainStep reads back the loss and the pairwise accuracy.
        torch.stack([loss.detach(), (logits.detach() > 0).float().mean()]).tolist()

    return timed(step, reps, 2)


def matmul(reps):
    a, b = torch.randn(1024, 1024).to(DEVICE), torch.randn(1024, 1024).to(DEVICE)
    stats = timed(lambda: a @ b, max(reps, 5), 2)
    stats["gflops"] = round(2 * 1024**3 / (stats["median_ms"] * 1e6), 3)
    return stats


def seq_logprob(reps, shape):
    B, L, V = shape
    logits = torch.randn(B, L, V).to(DEVICE).requires_grad_(True)
    labels = torch.randint(0, V, (B, L)).to(DEVICE)
    mask = (torch.arange(L)[None, :].expand(B, L) >= L // 4).float().to(DEVICE)

    def run():
        logp = torch.log_softmax(logits, -1).gather(-1, labels[..., None])[..., 0]
        (logp * mask).sum(1).sum().backward()
        logits.grad = None

    stats = timed(run, min(reps, 3), 1)
    stats["shape"] = list(shape)
    return stats


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--workloads", default="matmul-1024,np-btl-step-synthetic,np-btl-step-paper")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seq-shape", default="8,256,50257")
    p.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    a = p.parse_args()
    global DEVICE
    extra = {}
    if a.device == "cuda":
        if not torch.cuda.is_available():
            sys.exit(f"torch_reference.py: --device cuda, but this torch ({torch.__version__}, built for CUDA {torch.version.cuda}) sees no CUDA device (torch.cuda.is_available() is False)")
        DEVICE = torch.device("cuda")
        # float32 products as tfjs computes them, not TF32 (which the flag below keeps off).
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
        extra = dict(device_name=torch.cuda.get_device_name(0), cuda_version=torch.version.cuda)
    torch.set_num_threads(a.threads)
    for w in a.workloads.split(","):
        if w == "matmul-1024":
            stats = matmul(a.reps)
        elif w == "np-btl-step-paper":
            stats = np_btl(PAPER, a.reps)
        elif w == "np-btl-step-synthetic":
            stats = np_btl(SYNTHETIC, a.reps)
        elif w == "seq-logprob-fwd-bwd":
            stats = seq_logprob(a.reps, tuple(int(x) for x in a.seq_shape.split(",")))
        else:
            continue
        print(json.dumps(dict(workload=w, backend=f"torch-{a.device}", variant="reference", **stats, threads=torch.get_num_threads(), torch_version=torch.__version__, **extra)), flush=True)


if __name__ == "__main__":
    main()
