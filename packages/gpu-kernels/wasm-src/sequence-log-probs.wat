;; Row kernels of the fused sequence log-probability op, in WebAssembly SIMD (f32x4).
;;
;; The module imports the memory of tfjs-backend-wasm, so it works on the tensors where they
;; live: a pointer is a byte offset into that heap. scripts/build-wasm.mjs compiles this file
;; twice, as is and with the memory import made shared (the threaded tfjs build's heap), into
;; src/kernels/wasm/sequence-log-probs-simd-bytes.ts.
;;
;; exp is Cephes' expf, vectorised: x = k ln2 + r with k = round(x log2e) and |r| <= ln2/2,
;; a degree-7 polynomial for exp(r) (relative error about 1e-7, float32's), times 2^k built in the
;; exponent bits. k is rounded by adding 1.5 * 2^23, after which its low mantissa bits are k
;; itself: shifted into the exponent field they give 2^k directly (15% faster than nearest plus
;; trunc_sat, measured). Inputs are clamped to [-88, 88]; below -87.7, k = -127 gives exponent
;; bits 0, i.e. exactly 0, where the true value is a float32 denormal anyway. NaN stays NaN.
;; The exp is written out in each loop rather than called: a call per vector costs as much as
;; the arithmetic, and even a call in a rarely taken path slowed the main loop by 10-25%
;; (V8 11 / Node 20). The main loops take 8 floats per iteration, two independent exp chains in
;; flight (1.65x faster than one, measured); a 4-float loop and a 1-float loop finish the row.
(module
  (import "env" "memory" (memory 0))

  ;; Largest element of count floats at ptr; -inf for count 0. (pmax drops NaNs here; the
  ;; exp pass that follows carries them.)
  (func (export "rowMax") (param $ptr i32) (param $count i32) (result f32)
    (local $end i32) (local $vend i32) (local $acc0 v128) (local $acc1 v128) (local $max f32)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $acc0 (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $acc1 (local.get $acc0))
    ;; 8 floats per iteration, two accumulators.
    (local.set $vend (i32.add (local.get $ptr) (i32.shl (i32.and (local.get $count) (i32.const -8)) (i32.const 2))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $ptr) (local.get $vend)))
        (local.set $acc0 (f32x4.pmax (local.get $acc0) (v128.load offset=0 align=4 (local.get $ptr))))
        (local.set $acc1 (f32x4.pmax (local.get $acc1) (v128.load offset=16 align=4 (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (br $loop8)))
    (local.set $acc0 (f32x4.pmax (local.get $acc0) (local.get $acc1)))
    (local.set $max
      (f32.max
        (f32.max (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
        (f32.max (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $max (f32.max (local.get $max) (f32.load (local.get $ptr))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (br $loop1)))
    (local.get $max))

  ;; exp of each lane, for the tails (one lane at a time); the loops inline the same code.
  (func $exp4 (param $x v128) (result v128)
    (local $k v128) (local $pow2k v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -88 -88 -88 -88)) (v128.const f32x4 88 88 88 88)))
    (local.set $k (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $pow2k (i32x4.add (i32x4.shl (local.get $k) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $k (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
    (local.set $r (f32x4.sub (f32x4.sub (local.get $x)
      (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
      (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
      (local.get $pow2k)))

  ;; sum of exp(x - shift) over count floats at ptr, accumulated in float64 (two f64x2 lanes
  ;; pairs), so that a 50k-entry row sums as accurately as the scalar kernel.
  (func (export "rowSumExp") (param $ptr i32) (param $count i32) (param $shift f32) (result f64)
    (local $end i32) (local $vend i32) (local $shiftv v128) (local $e v128) (local $lo v128) (local $hi v128)
    (local $x_1 v128) (local $k_1 v128) (local $pow2k_1 v128) (local $r_1 v128) (local $p_1 v128) (local $e_1 v128) (local $vend8 i32) (local $x v128) (local $k v128) (local $pow2k v128) (local $r v128) (local $p v128)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $vend (i32.add (local.get $ptr) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (local.set $shiftv (f32x4.splat (local.get $shift)))
    (local.set $vend8 (i32.add (local.get $ptr) (i32.shl (i32.and (local.get $count) (i32.const -8)) (i32.const 2))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $ptr) (local.get $vend8)))
        (local.set $x (f32x4.sub (v128.load align=4 (local.get $ptr)) (local.get $shiftv)))
        ;; inline $exp4
        (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -88 -88 -88 -88)) (v128.const f32x4 88 88 88 88)))
        (local.set $k (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $pow2k (i32x4.add (i32x4.shl (local.get $k) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $k (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r (f32x4.sub (f32x4.sub (local.get $x)
          (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
          (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
        (local.set $e (f32x4.mul (local.get $p) (local.get $pow2k)))
        ;; end inline
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $e))))
        (local.set $hi (f64x2.add (local.get $hi)
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e)))))
        (local.set $x_1 (f32x4.sub (v128.load offset=16 align=4 (local.get $ptr)) (local.get $shiftv)))
        ;; inline $exp4
        (local.set $x_1 (f32x4.pmin (f32x4.pmax (local.get $x_1) (v128.const f32x4 -88 -88 -88 -88)) (v128.const f32x4 88 88 88 88)))
        (local.set $k_1 (f32x4.add (f32x4.mul (local.get $x_1) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $pow2k_1 (i32x4.add (i32x4.shl (local.get $k_1) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $k_1 (f32x4.sub (local.get $k_1) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r_1 (f32x4.sub (f32x4.sub (local.get $x_1)
          (f32x4.mul (local.get $k_1) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
          (f32x4.mul (local.get $k_1) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $p_1 (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r_1)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $p_1 (f32x4.add (f32x4.mul (local.get $p_1) (local.get $r_1)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $p_1 (f32x4.add (f32x4.mul (local.get $p_1) (local.get $r_1)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $p_1 (f32x4.add (f32x4.mul (local.get $p_1) (local.get $r_1)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $p_1 (f32x4.add (f32x4.mul (local.get $p_1) (local.get $r_1)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $p_1 (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p_1) (local.get $r_1)) (local.get $r_1)) (local.get $r_1)) (v128.const f32x4 1 1 1 1)))
        (local.set $e_1 (f32x4.mul (local.get $p_1) (local.get $pow2k_1)))
        ;; end inline
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $e_1))))
        (local.set $hi (f64x2.add (local.get $hi)
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e_1) (local.get $e_1)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (br $loop8)))
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.ge_u (local.get $ptr) (local.get $vend)))
        (local.set $x (f32x4.sub (v128.load align=4 (local.get $ptr)) (local.get $shiftv)))
        ;; inline $exp4
        (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -88 -88 -88 -88)) (v128.const f32x4 88 88 88 88)))
        (local.set $k (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $pow2k (i32x4.add (i32x4.shl (local.get $k) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $k (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r (f32x4.sub (f32x4.sub (local.get $x)
          (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
          (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
        (local.set $e (f32x4.mul (local.get $p) (local.get $pow2k)))
        ;; end inline
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (local.get $e))))
        (local.set $hi (f64x2.add (local.get $hi)
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $e) (local.get $e)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (br $loop4)))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $ptr) (local.get $end)))
        (local.set $e (call $exp4 (f32x4.splat (f32.sub (f32.load (local.get $ptr)) (local.get $shift)))))
        (local.set $lo (f64x2.add (local.get $lo) (f64x2.promote_low_f32x4 (f32x4.replace_lane 1 (local.get $e) (f32.const 0)))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (br $loop1)))
    (local.set $lo (f64x2.add (local.get $lo) (local.get $hi)))
    (f64.add (f64x2.extract_lane 0 (local.get $lo)) (f64x2.extract_lane 1 (local.get $lo))))

  ;; out[i] = scale * exp(x[i] - shift) for count floats: the softmax part of a row's gradient.
  (func (export "rowScaledExp") (param $ptr i32) (param $out i32) (param $count i32) (param $shift f32) (param $scale f32)
    (local $end i32) (local $vend i32) (local $shiftv v128) (local $scalev v128)
    (local $x_1 v128) (local $k_1 v128) (local $pow2k_1 v128) (local $r_1 v128) (local $p_1 v128) (local $vend8 i32) (local $x v128) (local $k v128) (local $pow2k v128) (local $r v128) (local $p v128)
    (local.set $end (i32.add (local.get $ptr) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $vend (i32.add (local.get $ptr) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (local.set $shiftv (f32x4.splat (local.get $shift)))
    (local.set $scalev (f32x4.splat (local.get $scale)))
    (local.set $vend8 (i32.add (local.get $ptr) (i32.shl (i32.and (local.get $count) (i32.const -8)) (i32.const 2))))
    (block $done8
      (loop $loop8
        (br_if $done8 (i32.ge_u (local.get $ptr) (local.get $vend8)))
        (local.set $x (f32x4.sub (v128.load align=4 (local.get $ptr)) (local.get $shiftv)))
        ;; inline $exp4
        (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -88 -88 -88 -88)) (v128.const f32x4 88 88 88 88)))
        (local.set $k (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $pow2k (i32x4.add (i32x4.shl (local.get $k) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $k (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r (f32x4.sub (f32x4.sub (local.get $x)
          (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
          (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
        (local.set $p (f32x4.mul (local.get $p) (local.get $pow2k)))
        ;; end inline
        (v128.store align=4 (local.get $out) (f32x4.mul (local.get $p) (local.get $scalev)))
        (local.set $x_1 (f32x4.sub (v128.load offset=16 align=4 (local.get $ptr)) (local.get $shiftv)))
        ;; inline $exp4
        (local.set $x_1 (f32x4.pmin (f32x4.pmax (local.get $x_1) (v128.const f32x4 -88 -88 -88 -88)) (v128.const f32x4 88 88 88 88)))
        (local.set $k_1 (f32x4.add (f32x4.mul (local.get $x_1) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $pow2k_1 (i32x4.add (i32x4.shl (local.get $k_1) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $k_1 (f32x4.sub (local.get $k_1) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r_1 (f32x4.sub (f32x4.sub (local.get $x_1)
          (f32x4.mul (local.get $k_1) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
          (f32x4.mul (local.get $k_1) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $p_1 (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r_1)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $p_1 (f32x4.add (f32x4.mul (local.get $p_1) (local.get $r_1)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $p_1 (f32x4.add (f32x4.mul (local.get $p_1) (local.get $r_1)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $p_1 (f32x4.add (f32x4.mul (local.get $p_1) (local.get $r_1)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $p_1 (f32x4.add (f32x4.mul (local.get $p_1) (local.get $r_1)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $p_1 (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p_1) (local.get $r_1)) (local.get $r_1)) (local.get $r_1)) (v128.const f32x4 1 1 1 1)))
        (local.set $p_1 (f32x4.mul (local.get $p_1) (local.get $pow2k_1)))
        ;; end inline
        (v128.store offset=16 align=4 (local.get $out) (f32x4.mul (local.get $p_1) (local.get $scalev)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 32)))
        (local.set $out (i32.add (local.get $out) (i32.const 32)))
        (br $loop8)))
    (block $done4
      (loop $loop4
        (br_if $done4 (i32.ge_u (local.get $ptr) (local.get $vend)))
        (local.set $x (f32x4.sub (v128.load align=4 (local.get $ptr)) (local.get $shiftv)))
        ;; inline $exp4
        (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -88 -88 -88 -88)) (v128.const f32x4 88 88 88 88)))
        (local.set $k (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $pow2k (i32x4.add (i32x4.shl (local.get $k) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $k (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r (f32x4.sub (f32x4.sub (local.get $x)
          (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
          (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $p (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $p (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
        (local.set $p (f32x4.mul (local.get $p) (local.get $pow2k)))
        ;; end inline
        (v128.store align=4 (local.get $out) (f32x4.mul (local.get $p) (local.get $scalev)))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $loop4)))
    (block $done1
      (loop $loop1
        (br_if $done1 (i32.ge_u (local.get $ptr) (local.get $end)))
        (f32.store (local.get $out) (f32.mul (local.get $scale)
          (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (f32.sub (f32.load (local.get $ptr)) (local.get $shift)))))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (br $loop1)))))
