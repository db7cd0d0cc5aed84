;; The fused Adam step (core's AdamUpdate) of the wasm backend, in WebAssembly SIMD (f32x4).
;;
;; Like matrix.wat, the module imports tfjs-backend-wasm's memory (pointers are byte offsets into
;; its heap, so the update reads and writes the tensors where they live) and scripts/build-wasm.mjs
;; compiles it twice, with an unshared and a shared memory import, into
;; src/kernels/wasm/adam-simd-bytes.ts.
;;
;; The update is one pass over seven float arrays (read param, grad, m, v; write param, m, v). The
;; thirteen stock kernels it replaces for large parameters made thirteen passes and wrote their
;; intermediates; the JS loop for small ones does one float at a time. Here each iteration takes
;; four floats, and the two divisions and the square root per float set the pace: about 1 ns a
;; float in cache, 2.4-3 ms for 2M floats (Node 20, this package's 2-vCPU bench machine).
;;
;; Every float is computed with the float32 operations of src/kernels/shared/adam-update-impl.ts,
;; in its order:
;;   g = grad * gradScale (+ param * coupledDecay when coupledDecay != 0)
;;   m' = m * beta1 + g * oneMinusBeta1;  v' = v * beta2 + (g * g) * oneMinusBeta2
;;   param' = param - (m' / (sqrt(v' / biasCorrection2) + eps)) * stepSize
;;            (- param * decoupledDecay when decoupledDecay != 0)
;; mul, add, sub, div and sqrt are correctly rounded IEEE float32 here, and the JS loop's float64
;; operation rounded to float32 gives the same bits for each of the five, so the outputs equal the
;; JS loop's bit for bit (NaN payloads aside). The caller passes gradScale 1 when not clipping:
;; x * 1 is x for every float but NaN, so that multiply needs no test. The decay terms cannot be
;; added as p * 0 when off: that is NaN for an infinite p, and adding +0 turns g = -0 into +0.
;;
;; So each decay variant (none, coupled, decoupled) has its own loop, with no branch in its body:
;; the same loop testing the decays per vector ran 1.3-1.4x slower (65k floats: 88-100 us against
;; 64-72; 2M floats: 3.0-3.6 ms against 2.4-2.7). Eight floats per iteration, in two independent
;; groups, measured no faster than four (within the noise, 5-10% either way), so the loops stay at
;; four. The last count % 4 floats, and every float in the case no optimizer produces (both decays
;; on), go through one scalar loop that tests the decays per float.
(module
  (import "env" "memory" (memory 0))

  (func (export "adamUpdate")
    (param $param i32) (param $grad i32) (param $m i32) (param $v i32)
    (param $outParam i32) (param $outM i32) (param $outV i32) (param $count i32)
    (param $gradScale f32) (param $coupledDecay f32) (param $decoupledDecay f32)
    (param $beta1 f32) (param $oneMinusBeta1 f32) (param $beta2 f32) (param $oneMinusBeta2 f32)
    (param $biasCorrection2 f32) (param $eps f32) (param $stepSize f32)
    (local $coupled i32) (local $decoupled i32) (local $i i32) (local $end4 i32) (local $end i32)
    (local $scaleV v128) (local $coupledV v128) (local $decoupledV v128)
    (local $beta1V v128) (local $oneMinusBeta1V v128) (local $beta2V v128) (local $oneMinusBeta2V v128)
    (local $biasCorrection2V v128) (local $epsV v128) (local $stepSizeV v128)
    (local $p v128) (local $g v128) (local $mv v128) (local $vv v128)
    (local $ps f32) (local $gs f32) (local $ms f32) (local $vs f32) (local $nexts f32)
    (local.set $coupled (f32.ne (local.get $coupledDecay) (f32.const 0)))
    (local.set $decoupled (f32.ne (local.get $decoupledDecay) (f32.const 0)))
    (local.set $scaleV (f32x4.splat (local.get $gradScale)))
    (local.set $coupledV (f32x4.splat (local.get $coupledDecay)))
    (local.set $decoupledV (f32x4.splat (local.get $decoupledDecay)))
    (local.set $beta1V (f32x4.splat (local.get $beta1)))
    (local.set $oneMinusBeta1V (f32x4.splat (local.get $oneMinusBeta1)))
    (local.set $beta2V (f32x4.splat (local.get $beta2)))
    (local.set $oneMinusBeta2V (f32x4.splat (local.get $oneMinusBeta2)))
    (local.set $biasCorrection2V (f32x4.splat (local.get $biasCorrection2)))
    (local.set $epsV (f32x4.splat (local.get $eps)))
    (local.set $stepSizeV (f32x4.splat (local.get $stepSize)))
    ;; $i is a byte offset into all seven arrays.
    (local.set $i (i32.const 0))
    (local.set $end4 (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2)))
    (local.set $end (i32.shl (local.get $count) (i32.const 2)))
    ;; Both decays on: the vector loops are skipped and the scalar loop does every float.
    (if (i32.and (local.get $coupled) (local.get $decoupled))
      (then (local.set $end4 (i32.const 0))))

    (if (local.get $coupled)
      (then
        ;; g = grad * gradScale + param * coupledDecay
        (block $coupledDone
          (loop $coupledLoop
            (br_if $coupledDone (i32.ge_u (local.get $i) (local.get $end4)))
            (local.set $p (v128.load align=4 (i32.add (local.get $param) (local.get $i))))
            (local.set $g
              (f32x4.add
                (f32x4.mul (v128.load align=4 (i32.add (local.get $grad) (local.get $i))) (local.get $scaleV))
                (f32x4.mul (local.get $p) (local.get $coupledV))))
            (local.set $mv (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $i))) (local.get $beta1V)) (f32x4.mul (local.get $g) (local.get $oneMinusBeta1V))))
            (local.set $vv (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $i))) (local.get $beta2V)) (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $oneMinusBeta2V))))
            (v128.store align=4 (i32.add (local.get $outM) (local.get $i)) (local.get $mv))
            (v128.store align=4 (i32.add (local.get $outV) (local.get $i)) (local.get $vv))
            (v128.store align=4 (i32.add (local.get $outParam) (local.get $i))
              (f32x4.sub (local.get $p) (f32x4.mul (f32x4.div (local.get $mv) (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $biasCorrection2V))) (local.get $epsV))) (local.get $stepSizeV))))
            (local.set $i (i32.add (local.get $i) (i32.const 16)))
            (br $coupledLoop))))
      (else
        (if (local.get $decoupled)
          (then
            ;; param' = (param - step) - param * decoupledDecay
            (block $decoupledDone
              (loop $decoupledLoop
                (br_if $decoupledDone (i32.ge_u (local.get $i) (local.get $end4)))
                (local.set $p (v128.load align=4 (i32.add (local.get $param) (local.get $i))))
                (local.set $g (f32x4.mul (v128.load align=4 (i32.add (local.get $grad) (local.get $i))) (local.get $scaleV)))
                (local.set $mv (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $i))) (local.get $beta1V)) (f32x4.mul (local.get $g) (local.get $oneMinusBeta1V))))
                (local.set $vv (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $i))) (local.get $beta2V)) (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $oneMinusBeta2V))))
                (v128.store align=4 (i32.add (local.get $outM) (local.get $i)) (local.get $mv))
                (v128.store align=4 (i32.add (local.get $outV) (local.get $i)) (local.get $vv))
                (v128.store align=4 (i32.add (local.get $outParam) (local.get $i))
                  (f32x4.sub
                    (f32x4.sub (local.get $p) (f32x4.mul (f32x4.div (local.get $mv) (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $biasCorrection2V))) (local.get $epsV))) (local.get $stepSizeV)))
                    (f32x4.mul (local.get $p) (local.get $decoupledV))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $decoupledLoop))))
          (else
            ;; No decay.
            (block $plainDone
              (loop $plainLoop
                (br_if $plainDone (i32.ge_u (local.get $i) (local.get $end4)))
                (local.set $p (v128.load align=4 (i32.add (local.get $param) (local.get $i))))
                (local.set $g (f32x4.mul (v128.load align=4 (i32.add (local.get $grad) (local.get $i))) (local.get $scaleV)))
                (local.set $mv (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $m) (local.get $i))) (local.get $beta1V)) (f32x4.mul (local.get $g) (local.get $oneMinusBeta1V))))
                (local.set $vv (f32x4.add (f32x4.mul (v128.load align=4 (i32.add (local.get $v) (local.get $i))) (local.get $beta2V)) (f32x4.mul (f32x4.mul (local.get $g) (local.get $g)) (local.get $oneMinusBeta2V))))
                (v128.store align=4 (i32.add (local.get $outM) (local.get $i)) (local.get $mv))
                (v128.store align=4 (i32.add (local.get $outV) (local.get $i)) (local.get $vv))
                (v128.store align=4 (i32.add (local.get $outParam) (local.get $i))
                  (f32x4.sub (local.get $p) (f32x4.mul (f32x4.div (local.get $mv) (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $biasCorrection2V))) (local.get $epsV))) (local.get $stepSizeV))))
                (local.set $i (i32.add (local.get $i) (i32.const 16)))
                (br $plainLoop)))))))

    ;; The rest, one float at a time, the decays tested per float.
    (block $scalarDone
      (loop $scalarLoop
        (br_if $scalarDone (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $ps (f32.load (i32.add (local.get $param) (local.get $i))))
        (local.set $gs (f32.mul (f32.load (i32.add (local.get $grad) (local.get $i))) (local.get $gradScale)))
        (if (local.get $coupled)
          (then (local.set $gs (f32.add (local.get $gs) (f32.mul (local.get $ps) (local.get $coupledDecay))))))
        (local.set $ms (f32.add (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $beta1)) (f32.mul (local.get $gs) (local.get $oneMinusBeta1))))
        (local.set $vs (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $beta2)) (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $oneMinusBeta2))))
        (local.set $nexts
          (f32.sub (local.get $ps) (f32.mul (f32.div (local.get $ms) (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $biasCorrection2))) (local.get $eps))) (local.get $stepSize))))
        (if (local.get $decoupled)
          (then (local.set $nexts (f32.sub (local.get $nexts) (f32.mul (local.get $ps) (local.get $decoupledDecay))))))
        (f32.store (i32.add (local.get $outM) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $outV) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $outParam) (local.get $i)) (local.get $nexts))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $scalarLoop)))))
