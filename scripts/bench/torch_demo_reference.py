"""PyTorch reference for the demo (scripts/bench/demo.mjs): the same experiment as `pnpm demo`
(BTL, DPL and NP-BTL on the paper's synthetic data, then held-out accuracy versus k on the test
tasks), trained the way the original code's training loop trains: every epoch to the end (no early
stopping), validation every `--evaluate-every` steps, the best-on-validation weights kept for the
test. It reads the data, the training episodes and the validation/test tasks that
demo-reference-data.mjs wrote, so both sides see the same pairs, batches and targets; the models are
METHOD.md section 2 with the presets' settings (H 256, 8 heads, attention dropout 0.1, MLP pair
encoder, BatchNorm in the BTL/DPL head, none in NP-BTL's, DPL c = sqrt(2 pi)); Adam lr 1e-4, eps
3e-5. This is our transcription of that loop, not the original repository's code.

Prints one JSON row per model and one for the whole run ({workload: "demo", backend: "torch-cpu",
variant: "reference", median_ms, ...}) on stdout, and the accuracy table on stderr. Usage:
  /usr/bin/python3 scripts/bench/torch_demo_reference.py DATA.json [--threads 2] [--evaluate-every 25]
"""
import argparse
import copy
import json
import math
import sys
import time

import torch
from torch import nn
import torch.nn.functional as F


class Mlp(nn.Sequential):
    def __init__(self, d_in, h):
        super().__init__(nn.Linear(d_in, h), nn.ReLU(), nn.Linear(h, h))


class Head(nn.Module):
    """g: Linear(in, H) -> [BatchNorm1d] -> ReLU -> Linear(H, out, no bias)."""

    def __init__(self, d_in, h, d_out, batch_norm):
        super().__init__()
        self.hidden = nn.Linear(d_in, h)
        self.norm = nn.BatchNorm1d(h) if batch_norm else nn.Identity()
        self.out = nn.Linear(h, d_out, bias=False)

    def forward(self, x):
        return self.out(F.relu(self.norm(self.hidden(x))))


class Btl(nn.Module):
    def __init__(self, h, d_out=1):
        super().__init__()
        self.phi = Mlp(1, h)
        self.head = Head(h, h, d_out, True)

    def forward(self, cc, cr, tc, tr):
        b, t, _ = tc.shape
        r = self.head(self.phi(torch.cat([tc, tr], 1).reshape(b * 2 * t, 1))).reshape(b, 2 * t)
        return r[:, :t] - r[:, t:]


class Dpl(Btl):
    def __init__(self, h, c):
        super().__init__(h, 2)
        self.c = c

    def forward(self, cc, cr, tc, tr):
        b, t, _ = tc.shape
        out = self.head(self.phi(torch.cat([tc, tr], 1).reshape(b * 2 * t, 1))).reshape(b, 2 * t, 2)
        mu, s = out[..., 0], F.softplus(out[..., 1])
        return self.c * (mu[:, :t] - mu[:, t:]) / torch.sqrt(s[:, :t] ** 2 + s[:, t:] ** 2)


class NpBtl(nn.Module):
    def __init__(self, h, heads, dropout):
        super().__init__()
        self.h = h
        self.pair = Mlp(2, h)
        self.attn = nn.MultiheadAttention(h, heads, dropout=dropout, batch_first=True)
        self.rho = Mlp(h, h)
        self.phi = Mlp(1, h)
        self.head = Head(2 * h, h, 1, False)

    def forward(self, cc, cr, tc, tr):
        b, t, _ = tc.shape
        if cc.shape[1] == 0:
            s = tc.new_zeros(b, self.h)
        else:
            u = self.pair(torch.cat([cc, cr], -1))
            a, _ = self.attn(u, u, u, need_weights=False)
            s = a.sum(1)
        z = self.rho(s)
        e = self.phi(torch.cat([tc, tr], 1).reshape(b * 2 * t, 1))
        r = self.head(torch.cat([e, z[:, None, :].expand(b, 2 * t, self.h).reshape(b * 2 * t, self.h)], 1)).reshape(b, 2 * t)
        return r[:, :t] - r[:, t:]


class Data:
    def __init__(self, raw):
        self.users = raw["users"]
        options = torch.tensor(raw["options"], dtype=torch.float32).reshape(-1, 2)
        labels = torch.tensor([[l[0], l[2]] for l in raw["labels"]], dtype=torch.long)
        pair, preferred = labels[:, 0], labels[:, 1]
        self.chosen = options[pair, preferred]
        self.rejected = options[pair, 1 - preferred]

    def batch(self, tasks):
        """tasks: [[user, context labels, target labels], ...] with one k and one T."""
        ctx = torch.tensor([t[1] for t in tasks], dtype=torch.long).reshape(len(tasks), len(tasks[0][1]))
        tgt = torch.tensor([t[2] for t in tasks], dtype=torch.long)
        g = lambda v, i: v[i].unsqueeze(-1)
        return g(self.chosen, ctx), g(self.rejected, ctx), g(self.chosen, tgt), g(self.rejected, tgt)


@torch.no_grad()
def held_out_accuracy(model, data, tasks_by_k, batch_size=64):
    """{k: (per-task accuracies, users)} for the held-out targets of each task."""
    model.eval()
    out = {}
    for k, tasks in tasks_by_k.items():
        accs = []
        for i in range(0, len(tasks), batch_size):
            chunk = tasks[i : i + batch_size]
            logits = model(*data.batch(chunk))
            accs.append((logits > 0).float().mean(1))
        out[int(k)] = (torch.cat(accs), [t[0] for t in tasks])
    model.train()
    return out


def train(name, model, data, epochs, validation, evaluate_every):
    opt = torch.optim.Adam(model.parameters(), lr=1e-4, eps=3e-5)
    best, best_state, best_step, step = -1.0, None, 0, 0
    model.train()
    for batches in epochs:
        for tasks in batches:
            opt.zero_grad(set_to_none=True)
            logits = model(*data.batch(tasks))
            loss = F.softplus(-logits).mean()
            loss.backward()
            opt.step()
            step += 1
            if step % evaluate_every == 0:
                scores = held_out_accuracy(model, data, validation)
                value = sum(float(a.mean()) for a, _ in scores.values()) / len(scores)
                if value > best:
                    best, best_state, best_step = value, copy.deepcopy(model.state_dict()), step
    model.load_state_dict(best_state)
    return step, best_step, best


def table(name, scores, users):
    rows = []
    for u in [*range(len(users)), None]:
        cells = []
        for k, (accs, who) in sorted(scores.items()):
            sel = accs if u is None else accs[torch.tensor(who) == u]
            cells.append(f"{100 * float(sel.mean()):5.1f} ± {100 * float(sel.std() / math.sqrt(len(sel))):.1f}")
        rows.append(f"{name:<18}{'overall' if u is None else users[u]:<16}" + "  ".join(cells))
    return rows


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--evaluate-every", type=int, default=25)
    p.add_argument("--max-steps", type=int, default=None, help="train at most this many steps per model (a smoke test)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    started = time.perf_counter()
    raw = json.load(open(a.data))
    data = Data(raw)
    lines = [f"{'model':<18}{'user':<16}" + "  ".join(f"k={k:<9}" for k in sorted(int(k) for k in raw["test"]))]
    for name in ["synthetic-btl", "synthetic-dpl", "synthetic-np-btl"]:
        preset = raw["presets"][name]
        torch.manual_seed(preset["seed"])
        kind = preset["model"]["kind"]
        h = preset["model"].get("hiddenDim", 256)
        if kind == "btl":
            model = Btl(h)
        elif kind == "dpl":
            model = Dpl(h, preset["model"].get("dplC", math.sqrt(2 * math.pi)))
        else:
            model = NpBtl(h, preset["model"].get("numHeads", 8), preset["model"].get("attentionDropout", 0.1))
        epochs = raw["training"]["np_btl" if kind == "np-btl" else "context_free"]
        if a.max_steps is not None:
            epochs = [[b for e in epochs for b in e][: a.max_steps]]
        t0 = time.perf_counter()
        steps, best_step, best = train(name, model, data, epochs, raw["validation"], a.evaluate_every)
        scores = held_out_accuracy(model, data, raw["test"])
        wall = time.perf_counter() - t0
        lines += table(name, scores, data.users)
        overall = {k: round(100 * float(accs.mean()), 2) for k, (accs, _) in sorted(scores.items())}
        row = dict(workload=f"demo:{name}", backend="torch-cpu", variant="reference", median_ms=round(wall * 1000), min_ms=round(wall * 1000), max_ms=round(wall * 1000), n=1,
                   steps=steps, best_step=best_step, best_validation=round(best, 4), heldout_overall=overall, threads=torch.get_num_threads(), torch_version=torch.__version__)
        print(json.dumps(row), flush=True)
    total = time.perf_counter() - started
    print(json.dumps(dict(workload="demo", backend="torch-cpu", variant="reference", median_ms=round(total * 1000), min_ms=round(total * 1000), max_ms=round(total * 1000), n=1,
                          evaluate_every=a.evaluate_every, threads=torch.get_num_threads(), torch_version=torch.__version__)), flush=True)
    sys.stderr.write("held-out accuracy (%), torch reference\n" + "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
