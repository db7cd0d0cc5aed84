#!/usr/bin/python3
"""Independent GPT-2 forward pass in PyTorch, used once to produce the logits-parity fixture.

Reads a Hugging Face GPT-2 directory (config.json + model.safetensors, parsed by hand so that no
`transformers`/`safetensors` package is needed), runs GPT2LMHeadModel's forward for the given
token ids, and prints JSON {"ids": [[...]], "logits": [[[...]]]}.

Usage: /usr/bin/python3 gpt2_reference.py MODEL_DIR '[[1,2,3],[4,5,6]]' > logits.json
"""
import json
import math
import struct
import sys

import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (header_len,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + header_len])
    start = 8 + header_len
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", f"{name}: only F32 fixtures are supported"
        begin, end = entry["data_offsets"]
        t = torch.frombuffer(bytearray(data[start + begin : start + end]), dtype=torch.float32)
        out[name.removeprefix("transformer.")] = t.reshape(entry["shape"]).double()
    return out


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def layer_norm(x, w, b, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), w, b, eps)


def forward(cfg, w, ids):
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    n_head = cfg["n_head"]
    batch, length = ids.shape
    h = w["wte.weight"][ids] + w["wpe.weight"][torch.arange(length)][None]
    d = h.shape[-1]
    hd = d // n_head
    causal = torch.tril(torch.ones(length, length, dtype=torch.bool))
    for i in range(cfg["n_layer"]):
        p = f"h.{i}."
        x = layer_norm(h, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        # Conv1D: y = x @ W + b with W stored [in, out].
        qkv = x @ w[p + "attn.c_attn.weight"] + w[p + "attn.c_attn.bias"]
        q, k, v = qkv.split(d, dim=-1)
        q, k, v = (t.view(batch, length, n_head, hd).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-1, -2)) / math.sqrt(hd)
        att = att.masked_fill(~causal, float("-inf")).softmax(-1)
        y = (att @ v).transpose(1, 2).reshape(batch, length, d)
        h = h + (y @ w[p + "attn.c_proj.weight"] + w[p + "attn.c_proj.bias"])
        x = layer_norm(h, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        m = gelu_new(x @ w[p + "mlp.c_fc.weight"] + w[p + "mlp.c_fc.bias"])
        h = h + (m @ w[p + "mlp.c_proj.weight"] + w[p + "mlp.c_proj.bias"])
    h = layer_norm(h, w["ln_f.weight"], w["ln_f.bias"], eps)
    return h @ w["wte.weight"].T  # tied LM head


def main():
    model_dir, ids_json = sys.argv[1], sys.argv[2]
    with open(f"{model_dir}/config.json") as f:
        cfg = json.load(f)
    weights = read_safetensors(f"{model_dir}/model.safetensors")
    ids = torch.tensor(json.loads(ids_json), dtype=torch.long)
    with torch.no_grad():
        logits = forward(cfg, weights, ids)  # float64 throughout: the reference is more exact than fp32
    json.dump({"torch_version": torch.__version__, "ids": ids.tolist(), "logits": [[[round(v, 7) for v in row] for row in seq] for seq in logits.tolist()]}, sys.stdout)


if __name__ == "__main__":
    main()
