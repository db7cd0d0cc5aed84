/**
 * A seeded, serialisable pseudo-random generator (sfc32, 128-bit state). Everything random in
 * steerable (initialisation, task sampling, dropout seeds, data generation) draws from one of
 * these, so a run is reproducible from its seed and resumable from its saved state.
 */
export type RngState = readonly [number, number, number, number];

export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string = 0) {
    // splitmix32 expands the seed so nearby seeds give unrelated streams.
    let s = typeof seed === 'string' ? hashString(seed) : seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  static fromState(state: RngState): Rng {
    const rng = new Rng(0);
    rng.setState(state);
    return rng;
  }

  state(): RngState {
    return [this.a, this.b, this.c, this.d];
  }

  setState(state: RngState): void {
    if (state.length !== 4 || state.some((v) => !Number.isInteger(v) || v < 0 || v > 0xffffffff)) {
      throw new RangeError(`Rng state must be four uint32 values, got ${JSON.stringify(state)}`);
    }
    [this.a, this.b, this.c, this.d] = state;
  }

  nextUint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    // >>> 0 keeps every state word a uint32 (XOR yields a signed int32), so state() round-trips through setState().
    this.a = (this.b ^ (this.b >>> 9)) >>> 0;
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Uniform in [low, high). */
  uniformRange(low: number, high: number): number {
    return low + (high - low) * this.uniform();
  }

  /** Uniform integer in [low, high] inclusive (as PyTorch's randint(low, high + 1)). */
  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new RangeError(`Rng.int needs integers low <= high, got ${low}, ${high}`);
    }
    return low + Math.floor(this.uniform() * (high - low + 1));
  }

  /** Standard normal via Box-Muller (no cached second value, so state stays four words). */
  normal(mean = 0, std = 1): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    return mean + std * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Shuffles in place (Fisher-Yates) and returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }

  /** k distinct indices from [0, n), in random order. */
  sampleIndices(n: number, k: number): number[] {
    if (k > n) throw new RangeError(`cannot sample ${k} distinct indices from ${n}`);
    if (k * 4 < n) {
      const seen = new Set<number>();
      const out: number[] = [];
      while (out.length < k) {
        const i = Math.floor(this.uniform() * n);
        if (!seen.has(i)) {
          seen.add(i);
          out.push(i);
        }
      }
      return out;
    }
    return this.shuffle(Array.from({ length: n }, (_, i) => i)).slice(0, k);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('cannot pick from an empty list');
    return items[Math.floor(this.uniform() * items.length)]!;
  }

  /** An independent generator derived from this one (advances this one by four draws). */
  fork(): Rng {
    const child = new Rng(0);
    child.setState([this.nextUint32(), this.nextUint32(), this.nextUint32(), (this.nextUint32() | 1) >>> 0]);
    return child;
  }

  /** A 31-bit seed for tfjs ops that take a numeric seed (dropout, random*). */
  seed(): number {
    return this.nextUint32() >>> 1;
  }

  fillUniform(out: Float32Array, low: number, high: number): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * this.uniform();
    return out;
  }

  fillNormal(out: Float32Array, mean = 0, std = 1): Float32Array {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }
}

function hashString(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}
