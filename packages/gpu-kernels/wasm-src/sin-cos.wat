;; Float32 sine and cosine, four lanes at a time, for the wasm Sin and Cos kernels: a transformer's
;; sinusoidal position signal (USE-lite: sin and cos of [4096, 128] angles up to 127 rad per batch,
;; which stock tfjs-wasm computed one std::sin call at a time in 25-30 ms each).
;;
;; Like the other modules here it imports tfjs-backend-wasm's memory (pointers are byte offsets into
;; its heap) and scripts/build-wasm.mjs compiles it for unshared and shared memories.
;;
;; x is reduced by the nearest multiple j of pi/2 in three float32 parts (Cody and Waite; cephes'
;; sinf constants: j * DP1 and j * DP2 are exact for |j| < 2^13, so |x| <= 8192 reduces to
;; r in [-pi/4, pi/4] with an error near 1e-10), then sin(r) and cos(r) are cephes' minimax
;; polynomials (about 1 ulp), and the quadrant j mod 4 picks and signs one of them; cos(x) is
;; sin(x + pi/2), the quadrant plus one. Lanes with |x| > 8192 or NaN are counted and left for the
;; caller to compute exactly.
(module
  (import "env" "memory" (memory 0))

  ;; out[i] = sin(x[i]) (phase 0) or cos(x[i]) (phase 1) for i < count rounded down to 4; returns
  ;; the number of those inputs outside |x| <= 8192 (NaN included), whose outputs are not valid.
  (func (export "sinCos") (param $x i32) (param $out i32) (param $count i32) (param $phase i32) (result i32)
    (local $end i32) (local $v v128) (local $j v128) (local $r v128) (local $r2 v128) (local $s v128) (local $c v128)
    (local $q v128) (local $res v128) (local $bad i32) (local $keepZero v128)
    ;; sin(-0) is -0, which the reduction (-0 - j pi/2 = +0) would lose: sin keeps x where x is 0.
    (local.set $keepZero (i32x4.splat (i32.sub (i32.const 0) (i32.eqz (local.get $phase)))))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $done
      (loop $quads
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load align=4 (local.get $x)))
        (local.set $bad (i32.add (local.get $bad)
          (i32.popcnt (i32x4.bitmask (v128.not (f32x4.le (f32x4.abs (local.get $v)) (v128.const f32x4 8192 8192 8192 8192)))))))
        (local.set $j (f32x4.nearest (f32x4.mul (local.get $v)
          (v128.const f32x4 0.636619772367581343 0.636619772367581343 0.636619772367581343 0.636619772367581343))))
        (local.set $r (f32x4.sub (local.get $v) (f32x4.mul (local.get $j) (v128.const f32x4 1.5703125 1.5703125 1.5703125 1.5703125))))
        (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $j)
          (v128.const f32x4 4.837512969970703125e-4 4.837512969970703125e-4 4.837512969970703125e-4 4.837512969970703125e-4))))
        (local.set $r (f32x4.sub (local.get $r) (f32x4.mul (local.get $j)
          (v128.const f32x4 7.54978995489188216e-8 7.54978995489188216e-8 7.54978995489188216e-8 7.54978995489188216e-8))))
        (local.set $q (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $j)) (i32x4.splat (local.get $phase))))
        (local.set $r2 (f32x4.mul (local.get $r) (local.get $r)))
        ;; sin(r) = r + r^3 (S1 + r^2 (S2 + r^2 S3))
        (local.set $s (f32x4.add (v128.const f32x4 8.3321608736e-3 8.3321608736e-3 8.3321608736e-3 8.3321608736e-3)
          (f32x4.mul (local.get $r2) (v128.const f32x4 -1.9515295891e-4 -1.9515295891e-4 -1.9515295891e-4 -1.9515295891e-4))))
        (local.set $s (f32x4.add
          (v128.const f32x4 -1.6666654611e-1 -1.6666654611e-1 -1.6666654611e-1 -1.6666654611e-1) (f32x4.mul (local.get $r2) (local.get $s))))
        (local.set $s (f32x4.add (local.get $r) (f32x4.mul (f32x4.mul (local.get $r) (local.get $r2)) (local.get $s))))
        ;; cos(r) = 1 - r^2 / 2 + r^4 (C1 + r^2 (C2 + r^2 C3))
        (local.set $c (f32x4.add (v128.const f32x4 -1.388731625493765e-3 -1.388731625493765e-3 -1.388731625493765e-3 -1.388731625493765e-3)
          (f32x4.mul (local.get $r2) (v128.const f32x4 2.443315711809948e-5 2.443315711809948e-5 2.443315711809948e-5 2.443315711809948e-5))))
        (local.set $c (f32x4.add
          (v128.const f32x4 4.166664568298827e-2 4.166664568298827e-2 4.166664568298827e-2 4.166664568298827e-2) (f32x4.mul (local.get $r2) (local.get $c))))
        (local.set $c (f32x4.add
          (f32x4.sub (v128.const f32x4 1 1 1 1) (f32x4.mul (local.get $r2) (v128.const f32x4 0.5 0.5 0.5 0.5)))
          (f32x4.mul (f32x4.mul (local.get $r2) (local.get $r2)) (local.get $c))))
        ;; Quadrants 1 and 3 take the cosine, 2 and 3 the negative.
        (local.set $res (v128.bitselect (local.get $c) (local.get $s)
          (i32x4.ne (v128.and (local.get $q) (v128.const i32x4 1 1 1 1)) (v128.const i32x4 0 0 0 0))))
        (local.set $res (v128.xor (local.get $res) (i32x4.shl (v128.and (local.get $q) (v128.const i32x4 2 2 2 2)) (i32.const 30))))
        (local.set $res (v128.bitselect (local.get $v) (local.get $res)
          (v128.and (local.get $keepZero) (f32x4.eq (local.get $v) (v128.const f32x4 0 0 0 0)))))
        (v128.store align=4 (local.get $out) (local.get $res))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $quads)))
    (local.get $bad)))
