// The NP-BTL training step of METHOD.md section 2, written against @steerable/core's layers, so the
// harness can profile it before the btl-reward package has its own model. Two forms of the context
// encoder's pooling: `composite` (core's MultiHeadAttention, then a sum) and `fused` (the
// in-projection, gpu-kernels' setAttentionPool, then one out-projection of the pooled vector).

export const PAPER = { name: 'np-btl-step-paper', inputDim: 4096, hidden: 256, heads: 8, batch: 64, targets: 20, context: 10, pairEncoder: 'linear' };
export const SYNTHETIC = { name: 'np-btl-step-synthetic', inputDim: 1, hidden: 256, heads: 8, batch: 64, targets: 20, context: 10, pairEncoder: 'mlp' };

export function buildNpBtl({ tf, core, kernels }, shape, { fused, seed = 0 }) {
  const { Linear, Mlp, MultiHeadAttention, BatchNorm1d, Adam, Rng, valueAndGradients, disposeGradients, Module } = core;
  const rng = new Rng(seed);
  const { inputDim: D, hidden: H, heads, batch: B, targets: T, context: K } = shape;

  class NpBtl extends Module {
    constructor() {
      super();
      this.pairEncoder = this.registerModule('pair_encoder', shape.pairEncoder === 'linear' ? new Linear(2 * D, H, rng) : new Mlp([2 * D, H, H], rng));
      this.attention = this.registerModule('attention', new MultiHeadAttention(H, heads, rng));
      this.rho = this.registerModule('rho', new Mlp([H, H, H], rng));
      this.phi = this.registerModule('phi', new Mlp([D, H, H], rng));
      this.g1 = this.registerModule('g1', new Linear(2 * H, H, rng));
      this.bn = this.registerModule('bn', new BatchNorm1d(H));
      this.g2 = this.registerModule('g2', new Linear(H, 1, rng, { bias: false }));
    }

    pool(u) {
      if (!fused) return tf.sum(this.attention.forward(u), 1);
      const dh = H / heads;
      const n = u.shape[1];
      const qkv = tf.add(tf.matMul(u.reshape([-1, H]), this.attention.inProjWeight), this.attention.inProjBias);
      const [q, k, v] = tf.split(qkv, 3, 1).map((t) => t.reshape([B, n, heads, dh]).transpose([0, 2, 1, 3]).reshape([B * heads, n, dh]));
      const pooled = kernels.setAttentionPool(q, k, v).reshape([B, H]);
      // sum_i (a_i W + b) = (sum_i a_i) W + n b: the out-projection runs once per task.
      return tf.add(tf.matMul(pooled, this.attention.outProj.weight), tf.mul(this.attention.outProj.bias, n));
    }

    /**
     * g1([e; z]) for every option of the task. Composite: tile z and concatenate. Fused: split g1's
     * weight, g1([e; z]) = e W_e + (z W_z + b), so z's half runs once per task (B rows instead of
     * B*T*2) and broadcasts, with no tile or concat (the same function, fewer flops and bytes).
     */
    decoderInput(e, z) {
      if (!fused) {
        const zRep = tf.tile(z.reshape([B, 1, H]), [1, T * 2, 1]).reshape([B * T * 2, H]);
        return this.g1.forward(tf.concat([e, zRep], 1));
      }
      const [wE, wZ] = tf.split(this.g1.weight, 2, 0);
      const perTask = tf.add(tf.matMul(z, wZ), this.g1.bias).reshape([B, 1, H]);
      return tf.add(tf.matMul(e, wE).reshape([B, T * 2, H]), perTask).reshape([B * T * 2, H]);
    }

    loss(context, options) {
      const u = this.pairEncoder.forward(context); // [B, K, H]
      const z = this.rho.forward(this.pool(u)); // [B, H]
      const e = this.phi.forward(options.reshape([B * T * 2, D])); // [B*T*2, H]
      const h = tf.relu(this.bn.forward(this.decoderInput(e, z)));
      const r = this.g2.forward(h).reshape([B, T, 2]);
      const [chosen, rejected] = tf.split(r, 2, 2).map((t) => t.reshape([B * T]));
      return fused ? kernels.pairwiseLoss(chosen, rejected) : tf.mean(tf.softplus(tf.sub(rejected, chosen)));
    }
  }

  const model = new NpBtl();
  model.train();
  const params = model.namedParameters();
  const adam = new Adam(params, { lr: 1e-4, eps: 3e-5 });
  const dataRng = new Rng(seed + 1);
  const fill = (size) => {
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) out[i] = dataRng.normal();
    return out;
  };
  const context = tf.tensor(fill(B * K * 2 * D), [B, K, 2 * D]);
  const options = tf.tensor(fill(B * T * 2 * D), [B, T, 2, D]);

  async function step() {
    const { value, grads } = valueAndGradients(() => model.loss(context, options), params);
    adam.apply(grads);
    disposeGradients(grads);
    const loss = (await value.data())[0];
    value.dispose();
    return loss;
  }
  function dispose() {
    tf.dispose([context, options]);
    for (const [, p] of params) p.dispose();
  }
  return { step, dispose, parameterCount: params.reduce((n, [, p]) => n + p.size, 0) };
}
