;; The fused set-attention pooling op (forward and gradient), in WebAssembly SIMD (f32x4).
;;
;; Like the other modules, it imports tfjs-backend-wasm's memory (pointers are byte offsets into
;; its heap) and scripts/build-wasm.mjs compiles it twice, with an unshared and a shared memory
;; import, into src/kernels/wasm/set-attention-pool-simd-bytes.ts.
;;
;; q, k, v are [groups, n, d] row-major, the mask M [groups, n, n], dy and out [groups, d]. Per
;; group: S = Q K^T / sqrt(d), P = row-softmax(S), w_j = sum_i P_ij M_ij, out = sum_j w_j v_j;
;; backward a_j = v_j . dy, dS_ij = P_ij (a_j M_ij - sum_j' P_ij' a_j' M_ij'), dq_i = scale
;; sum_j dS_ij k_j, dk_j = scale sum_i dS_ij q_i, dv_j = w_j dy. Everything accumulates in float32,
;; as the composite does.
;;
;; d must be a multiple of 4 (the caller runs the JS kernel otherwise), so every row of q, k, v is
;; whole vectors and no loop along d has a tail.
;;
;; The rows i go four at a time, one per lane: a vector holds S_ij (then P_ij, then dS_ij) of four
;; rows for one j. The softmax then needs no horizontal max or sum, and its n exps are independent;
;; one row per call spent most of its time waiting on the chain max -> exp -> sum -> divide
;; (1.5x slower forward and 1.3x slower gradient at [512, 10, 32], measured). In the last block
;; of a group the lanes past row n - 1 repeat row n - 1 (their pointers are clamped), so nothing
;; is read past a tensor; their dS are set to 0 and their dq stores land before row n - 1's own
;; (stores go lane 3 down to 0).
;;
;; The module has no memory of its own: the caller passes `scratch`, 4n + 2 roundUp4(n) floats of
;; the heap: the block's n vectors (P, then dS), w and a. Loops that read the mask are scalar.
(module
  (import "env" "memory" (memory 0))

  ;; pt[j] = [P_{i0,j} .. P_{i3,j}] for the rows at q0..q3 (each row's softmax over j < n). The
  ;; scores come from four accumulator chains (one per row, sharing each load of k_j) and a 4x4
  ;; transpose-add into one vector. The exp is the Cephes expf of sequence-log-probs.wat (same
  ;; constants, same clamp to [-88, 88]), written once in the loop over j.
  (func $softmaxBlock (param $q0 i32) (param $q1 i32) (param $q2 i32) (param $q3 i32) (param $kj i32)
                      (param $pt i32) (param $n i32) (param $rowBytes i32) (param $scale f32)
    (local $c i32) (local $ptj i32) (local $ptEnd i32)
    (local $x v128) (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $s01 v128) (local $s23 v128) (local $s v128) (local $maxv v128) (local $sumv v128)
    (local $k v128) (local $pow2k v128) (local $r v128) (local $e v128)
    (local.set $ptEnd (i32.add (local.get $pt) (i32.shl (local.get $n) (i32.const 4))))
    (local.set $maxv (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $ptj (local.get $pt))
    (block $scoresDone
      (loop $scores
        (br_if $scoresDone (i32.ge_u (local.get $ptj) (local.get $ptEnd)))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        (local.set $acc2 (v128.const f32x4 0 0 0 0))
        (local.set $acc3 (v128.const f32x4 0 0 0 0))
        (local.set $c (i32.const 0))
        (block $dotDone
          (loop $dot
            (br_if $dotDone (i32.ge_u (local.get $c) (local.get $rowBytes)))
            (local.set $x (v128.load align=4 (i32.add (local.get $kj) (local.get $c))))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (v128.load align=4 (i32.add (local.get $q0) (local.get $c))) (local.get $x))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (v128.load align=4 (i32.add (local.get $q1) (local.get $c))) (local.get $x))))
            (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (v128.load align=4 (i32.add (local.get $q2) (local.get $c))) (local.get $x))))
            (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (v128.load align=4 (i32.add (local.get $q3) (local.get $c))) (local.get $x))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $dot)))
        ;; [a0+a2, b0+b2, a1+a3, b1+b3] and the same for c, d; then their halves added: [a, b, c, d].
        (local.set $s01 (f32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $acc0) (local.get $acc1))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $acc0) (local.get $acc1))))
        (local.set $s23 (f32x4.add
          (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $acc2) (local.get $acc3))
          (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $acc2) (local.get $acc3))))
        (local.set $s (f32x4.mul (f32x4.splat (local.get $scale)) (f32x4.add
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $s01) (local.get $s23))
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $s01) (local.get $s23)))))
        (v128.store align=4 (local.get $ptj) (local.get $s))
        (local.set $maxv (f32x4.max (local.get $maxv) (local.get $s)))
        (local.set $ptj (i32.add (local.get $ptj) (i32.const 16)))
        (local.set $kj (i32.add (local.get $kj) (local.get $rowBytes)))
        (br $scores)))
    (local.set $sumv (v128.const f32x4 0 0 0 0))
    (local.set $ptj (local.get $pt))
    (block $expDone
      (loop $exp
        (br_if $expDone (i32.ge_u (local.get $ptj) (local.get $ptEnd)))
        (local.set $x (f32x4.sub (v128.load align=4 (local.get $ptj)) (local.get $maxv)))
        (local.set $x (f32x4.pmin (f32x4.pmax (local.get $x) (v128.const f32x4 -88 -88 -88 -88)) (v128.const f32x4 88 88 88 88)))
        (local.set $k (f32x4.add (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341)) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $pow2k (i32x4.add (i32x4.shl (local.get $k) (i32.const 23)) (v128.const i32x4 0x3f800000 0x3f800000 0x3f800000 0x3f800000)))
        (local.set $k (f32x4.sub (local.get $k) (v128.const f32x4 12582912 12582912 12582912 12582912)))
        (local.set $r (f32x4.sub (f32x4.sub (local.get $x)
          (f32x4.mul (local.get $k) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
          (f32x4.mul (local.get $k) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
        (local.set $e (f32x4.add (f32x4.mul (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
        (local.set $e (f32x4.add (f32x4.mul (local.get $e) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
        (local.set $e (f32x4.add (f32x4.add (f32x4.mul (f32x4.mul (local.get $e) (local.get $r)) (local.get $r)) (local.get $r)) (v128.const f32x4 1 1 1 1)))
        (local.set $e (f32x4.mul (local.get $e) (local.get $pow2k)))
        (v128.store align=4 (local.get $ptj) (local.get $e))
        (local.set $sumv (f32x4.add (local.get $sumv) (local.get $e)))
        (local.set $ptj (i32.add (local.get $ptj) (i32.const 16)))
        (br $exp)))
    ;; Divided rather than multiplied by 1 / sum, as the composite's softmax.
    (local.set $ptj (local.get $pt))
    (block $normDone
      (loop $norm
        (br_if $normDone (i32.ge_u (local.get $ptj) (local.get $ptEnd)))
        (v128.store align=4 (local.get $ptj) (f32x4.div (v128.load align=4 (local.get $ptj)) (local.get $sumv)))
        (local.set $ptj (i32.add (local.get $ptj) (i32.const 16)))
        (br $norm))))

  ;; The address of row `i + l` of a [n, d] matrix at `base`, clamped to its last row.
  (func $row (param $base i32) (param $i i32) (param $l i32) (param $n i32) (param $rowBytes i32) (result i32)
    (local.set $i (i32.add (local.get $i) (local.get $l)))
    (local.set $n (i32.sub (local.get $n) (i32.const 1)))
    (i32.add (local.get $base) (i32.mul (select (local.get $i) (local.get $n) (i32.lt_u (local.get $i) (local.get $n))) (local.get $rowBytes))))

  ;; w_j += sum_l P_{i+l,j} M_{i+l,j} over the block's `rows` valid lanes (mi: the mask row of i).
  (func $addWeights (param $pt i32) (param $mi i32) (param $w i32) (param $rows i32) (param $n i32)
    (local $j i32) (local $nBytes i32)
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (block $lanesDone
      (loop $lanes
        (br_if $lanesDone (i32.eqz (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $done
          (loop $cols
            (br_if $done (i32.ge_u (local.get $j) (local.get $nBytes)))
            (f32.store (i32.add (local.get $w) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $w) (local.get $j)))
                (f32.mul (f32.load (i32.add (local.get $pt) (i32.shl (local.get $j) (i32.const 2)))) (f32.load (i32.add (local.get $mi) (local.get $j))))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $cols)))
        (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
        (local.set $mi (i32.add (local.get $mi) (local.get $nBytes)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $lanes))))

  ;; out[g] = sum_j w_j v_j with w_j = sum_i P_ij M_ij, for every group.
  (func (export "forward") (param $q i32) (param $k i32) (param $v i32) (param $mask i32) (param $out i32) (param $scratch i32)
                           (param $groups i32) (param $n i32) (param $d i32)
    (local $rowBytes i32) (local $groupBytes i32) (local $nBytes i32) (local $scale f32)
    (local $pt i32) (local $w i32) (local $i i32) (local $j i32) (local $c i32) (local $vj i32)
    (local $acc v128)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $groupBytes (i32.mul (local.get $n) (local.get $rowBytes)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $scale (f32.div (f32.const 1) (f32.sqrt (f32.convert_i32_u (local.get $d)))))
    (local.set $pt (local.get $scratch))
    (local.set $w (i32.add (local.get $pt) (i32.shl (local.get $n) (i32.const 4))))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.eqz (local.get $groups)))
        (memory.fill (local.get $w) (i32.const 0) (local.get $nBytes))
        (local.set $i (i32.const 0))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.ge_u (local.get $i) (local.get $n)))
            (call $softmaxBlock
              (call $row (local.get $q) (local.get $i) (i32.const 0) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 1) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 2) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 3) (local.get $n) (local.get $rowBytes))
              (local.get $k) (local.get $pt) (local.get $n) (local.get $rowBytes) (local.get $scale))
            (call $addWeights (local.get $pt) (i32.add (local.get $mask) (i32.mul (local.get $i) (local.get $nBytes))) (local.get $w)
              (select (i32.const 4) (i32.sub (local.get $n) (local.get $i)) (i32.gt_u (i32.sub (local.get $n) (local.get $i)) (i32.const 4)))
              (local.get $n))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $block)))
        ;; out = sum_j w_j v_j, one vector of out at a time, accumulated over j in a register
        (local.set $c (i32.const 0))
        (block $outDone
          (loop $outLoop
            (br_if $outDone (i32.ge_u (local.get $c) (local.get $rowBytes)))
            (local.set $acc (v128.const f32x4 0 0 0 0))
            (local.set $vj (i32.add (local.get $v) (local.get $c)))
            (local.set $j (i32.const 0))
            (block $sumDone
              (loop $sum
                (br_if $sumDone (i32.ge_u (local.get $j) (local.get $nBytes)))
                (local.set $acc (f32x4.add (local.get $acc)
                  (f32x4.mul (v128.load32_splat align=4 (i32.add (local.get $w) (local.get $j))) (v128.load align=4 (local.get $vj)))))
                (local.set $vj (i32.add (local.get $vj) (local.get $rowBytes)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $sum)))
            (v128.store align=4 (i32.add (local.get $out) (local.get $c)) (local.get $acc))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $outLoop)))
        (local.set $q (i32.add (local.get $q) (local.get $groupBytes)))
        (local.set $k (i32.add (local.get $k) (local.get $groupBytes)))
        (local.set $v (i32.add (local.get $v) (local.get $groupBytes)))
        (local.set $mask (i32.add (local.get $mask) (i32.mul (local.get $n) (local.get $nBytes))))
        (local.set $out (i32.add (local.get $out) (local.get $rowBytes)))
        (local.set $groups (i32.sub (local.get $groups) (i32.const 1)))
        (br $group))))

  ;; dS of the block in place of its P, scaled by 1 / sqrt(d): for each of the `rows` valid lanes
  ;; (mask rows from mi), am_j = a_j M_ij, inner = sum_j P_ij am_j, dS_ij = P_ij (am_j - inner);
  ;; also w_j += P_ij M_ij. The lanes past `rows` get dS = 0.
  (func $blockScores (param $pt i32) (param $mi i32) (param $w i32) (param $a i32) (param $rows i32) (param $n i32) (param $scale f32)
    (local $j i32) (local $l i32) (local $nBytes i32) (local $m f32) (local $p f32) (local $am f32) (local $inner f32)
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $l (i32.const 0))
    (block $lanesDone
      (loop $lanes
        (br_if $lanesDone (i32.ge_u (local.get $l) (local.get $rows)))
        (local.set $inner (f32.const 0))
        (local.set $j (i32.const 0))
        (block $innerDone
          (loop $innerLoop
            (br_if $innerDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $m (f32.load (i32.add (local.get $mi) (local.get $j))))
            (local.set $p (f32.load (i32.add (local.get $pt) (i32.shl (local.get $j) (i32.const 2)))))
            (f32.store (i32.add (local.get $w) (local.get $j))
              (f32.add (f32.load (i32.add (local.get $w) (local.get $j))) (f32.mul (local.get $p) (local.get $m))))
            (local.set $inner (f32.add (local.get $inner)
              (f32.mul (local.get $p) (f32.mul (f32.load (i32.add (local.get $a) (local.get $j))) (local.get $m)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $innerLoop)))
        (local.set $j (i32.const 0))
        (block $dsDone
          (loop $dsLoop
            (br_if $dsDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $am (f32.mul (f32.load (i32.add (local.get $a) (local.get $j))) (f32.load (i32.add (local.get $mi) (local.get $j)))))
            (f32.store (i32.add (local.get $pt) (i32.shl (local.get $j) (i32.const 2)))
              (f32.mul (f32.mul (f32.load (i32.add (local.get $pt) (i32.shl (local.get $j) (i32.const 2))))
                (f32.sub (local.get $am) (local.get $inner))) (local.get $scale)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $dsLoop)))
        (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
        (local.set $mi (i32.add (local.get $mi) (local.get $nBytes)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $lanes)))
    (block $padDone
      (loop $pad
        (br_if $padDone (i32.ge_u (local.get $l) (i32.const 4)))
        (local.set $j (i32.const 0))
        (block $zeroDone
          (loop $zero
            (br_if $zeroDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (f32.store (i32.add (local.get $pt) (i32.shl (local.get $j) (i32.const 2))) (f32.const 0))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $zero)))
        (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
        (local.set $l (i32.add (local.get $l) (i32.const 1)))
        (br $pad))))

  ;; dq of the block's rows (at dq0..dq3) = sum_j dS_ij k_j, each vector of them accumulated over j
  ;; in registers; dk_j += sum_l dS_{i+l,j} q_{i+l} (q0..q3), read, added to and written once.
  (func $blockGradients (param $pt i32) (param $kGroup i32) (param $dkGroup i32) (param $q0 i32) (param $q1 i32) (param $q2 i32) (param $q3 i32)
                        (param $dq0 i32) (param $dq1 i32) (param $dq2 i32) (param $dq3 i32) (param $n i32) (param $rowBytes i32)
    (local $c i32) (local $ptj i32) (local $ptEnd i32) (local $kj i32) (local $x v128)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local.set $ptEnd (i32.add (local.get $pt) (i32.shl (local.get $n) (i32.const 4))))
    (local.set $c (i32.const 0))
    (block $dqDone
      (loop $dqLoop
        (br_if $dqDone (i32.ge_u (local.get $c) (local.get $rowBytes)))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        (local.set $acc2 (v128.const f32x4 0 0 0 0))
        (local.set $acc3 (v128.const f32x4 0 0 0 0))
        (local.set $kj (i32.add (local.get $kGroup) (local.get $c)))
        (local.set $ptj (local.get $pt))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $ptj) (local.get $ptEnd)))
            (local.set $x (v128.load align=4 (local.get $kj)))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (v128.load32_splat offset=0 align=4 (local.get $ptj)) (local.get $x))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (v128.load32_splat offset=4 align=4 (local.get $ptj)) (local.get $x))))
            (local.set $acc2 (f32x4.add (local.get $acc2) (f32x4.mul (v128.load32_splat offset=8 align=4 (local.get $ptj)) (local.get $x))))
            (local.set $acc3 (f32x4.add (local.get $acc3) (f32x4.mul (v128.load32_splat offset=12 align=4 (local.get $ptj)) (local.get $x))))
            (local.set $kj (i32.add (local.get $kj) (local.get $rowBytes)))
            (local.set $ptj (i32.add (local.get $ptj) (i32.const 16)))
            (br $jLoop)))
        ;; Lane 3 first: a clamped pointer of a lane past the last row is that row's, whose own
        ;; store comes after.
        (v128.store align=4 (i32.add (local.get $dq3) (local.get $c)) (local.get $acc3))
        (v128.store align=4 (i32.add (local.get $dq2) (local.get $c)) (local.get $acc2))
        (v128.store align=4 (i32.add (local.get $dq1) (local.get $c)) (local.get $acc1))
        (v128.store align=4 (i32.add (local.get $dq0) (local.get $c)) (local.get $acc0))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $dqLoop)))
    (local.set $ptj (local.get $pt))
    (block $dkDone
      (loop $dkLoop
        (br_if $dkDone (i32.ge_u (local.get $ptj) (local.get $ptEnd)))
        (local.set $s0 (v128.load32_splat offset=0 align=4 (local.get $ptj)))
        (local.set $s1 (v128.load32_splat offset=4 align=4 (local.get $ptj)))
        (local.set $s2 (v128.load32_splat offset=8 align=4 (local.get $ptj)))
        (local.set $s3 (v128.load32_splat offset=12 align=4 (local.get $ptj)))
        (local.set $c (i32.const 0))
        (block $cDone
          (loop $cLoop
            (br_if $cDone (i32.ge_u (local.get $c) (local.get $rowBytes)))
            (v128.store align=4 (i32.add (local.get $dkGroup) (local.get $c))
              (f32x4.add
                (f32x4.add
                  (v128.load align=4 (i32.add (local.get $dkGroup) (local.get $c)))
                  (f32x4.add
                    (f32x4.mul (local.get $s0) (v128.load align=4 (i32.add (local.get $q0) (local.get $c))))
                    (f32x4.mul (local.get $s1) (v128.load align=4 (i32.add (local.get $q1) (local.get $c))))))
                (f32x4.add
                  (f32x4.mul (local.get $s2) (v128.load align=4 (i32.add (local.get $q2) (local.get $c))))
                  (f32x4.mul (local.get $s3) (v128.load align=4 (i32.add (local.get $q3) (local.get $c)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cLoop)))
        (local.set $dkGroup (i32.add (local.get $dkGroup) (local.get $rowBytes)))
        (local.set $ptj (i32.add (local.get $ptj) (i32.const 16)))
        (br $dkLoop))))

  ;; dq, dk, dv of every group for the upstream gradient dy [groups, d].
  (func (export "gradient") (param $dy i32) (param $q i32) (param $k i32) (param $v i32) (param $mask i32)
                            (param $dq i32) (param $dk i32) (param $dv i32) (param $scratch i32)
                            (param $groups i32) (param $n i32) (param $d i32)
    (local $rowBytes i32) (local $groupBytes i32) (local $nBytes i32) (local $scale f32)
    (local $pt i32) (local $w i32) (local $a i32) (local $i i32) (local $j i32) (local $c i32) (local $vj i32)
    (local $acc v128) (local $sv v128)
    (local.set $rowBytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $groupBytes (i32.mul (local.get $n) (local.get $rowBytes)))
    (local.set $nBytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $scale (f32.div (f32.const 1) (f32.sqrt (f32.convert_i32_u (local.get $d)))))
    (local.set $pt (local.get $scratch))
    (local.set $w (i32.add (local.get $pt) (i32.shl (local.get $n) (i32.const 4))))
    (local.set $a (i32.add (local.get $w) (i32.shl (i32.and (i32.add (local.get $n) (i32.const 3)) (i32.const -4)) (i32.const 2))))
    (block $groupsDone
      (loop $group
        (br_if $groupsDone (i32.eqz (local.get $groups)))
        ;; a_j = v_j . dy; w = 0; dk = 0 (it accumulates over the blocks of rows)
        (local.set $vj (local.get $v))
        (local.set $j (i32.const 0))
        (block $aDone
          (loop $aLoop
            (br_if $aDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $acc (v128.const f32x4 0 0 0 0))
            (local.set $c (i32.const 0))
            (block $dotDone
              (loop $dot
                (br_if $dotDone (i32.ge_u (local.get $c) (local.get $rowBytes)))
                (local.set $acc (f32x4.add (local.get $acc)
                  (f32x4.mul (v128.load align=4 (i32.add (local.get $vj) (local.get $c))) (v128.load align=4 (i32.add (local.get $dy) (local.get $c))))))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $dot)))
            (f32.store (i32.add (local.get $a) (local.get $j)) (f32.add
              (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
              (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
            (local.set $vj (i32.add (local.get $vj) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $aLoop)))
        (memory.fill (local.get $w) (i32.const 0) (local.get $nBytes))
        (memory.fill (local.get $dk) (i32.const 0) (local.get $groupBytes))
        (local.set $i (i32.const 0))
        (block $blocksDone
          (loop $block
            (br_if $blocksDone (i32.ge_u (local.get $i) (local.get $n)))
            (call $softmaxBlock
              (call $row (local.get $q) (local.get $i) (i32.const 0) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 1) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 2) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 3) (local.get $n) (local.get $rowBytes))
              (local.get $k) (local.get $pt) (local.get $n) (local.get $rowBytes) (local.get $scale))
            (call $blockScores (local.get $pt) (i32.add (local.get $mask) (i32.mul (local.get $i) (local.get $nBytes))) (local.get $w) (local.get $a)
              (select (i32.const 4) (i32.sub (local.get $n) (local.get $i)) (i32.gt_u (i32.sub (local.get $n) (local.get $i)) (i32.const 4)))
              (local.get $n) (local.get $scale))
            (call $blockGradients (local.get $pt) (local.get $k) (local.get $dk)
              (call $row (local.get $q) (local.get $i) (i32.const 0) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 1) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 2) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $q) (local.get $i) (i32.const 3) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $dq) (local.get $i) (i32.const 0) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $dq) (local.get $i) (i32.const 1) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $dq) (local.get $i) (i32.const 2) (local.get $n) (local.get $rowBytes))
              (call $row (local.get $dq) (local.get $i) (i32.const 3) (local.get $n) (local.get $rowBytes))
              (local.get $n) (local.get $rowBytes))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $block)))
        ;; dv_j = w_j dy
        (local.set $vj (local.get $dv))
        (local.set $j (i32.const 0))
        (block $dvDone
          (loop $dvLoop
            (br_if $dvDone (i32.ge_u (local.get $j) (local.get $nBytes)))
            (local.set $sv (v128.load32_splat align=4 (i32.add (local.get $w) (local.get $j))))
            (local.set $c (i32.const 0))
            (block $scaleDone
              (loop $scaleLoop
                (br_if $scaleDone (i32.ge_u (local.get $c) (local.get $rowBytes)))
                (v128.store align=4 (i32.add (local.get $vj) (local.get $c))
                  (f32x4.mul (local.get $sv) (v128.load align=4 (i32.add (local.get $dy) (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (i32.const 16)))
                (br $scaleLoop)))
            (local.set $vj (i32.add (local.get $vj) (local.get $rowBytes)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $dvLoop)))
        (local.set $q (i32.add (local.get $q) (local.get $groupBytes)))
        (local.set $k (i32.add (local.get $k) (local.get $groupBytes)))
        (local.set $v (i32.add (local.get $v) (local.get $groupBytes)))
        (local.set $mask (i32.add (local.get $mask) (i32.mul (local.get $n) (local.get $nBytes))))
        (local.set $dq (i32.add (local.get $dq) (local.get $groupBytes)))
        (local.set $dk (i32.add (local.get $dk) (local.get $groupBytes)))
        (local.set $dv (i32.add (local.get $dv) (local.get $groupBytes)))
        (local.set $dy (i32.add (local.get $dy) (local.get $rowBytes)))
        (local.set $groups (i32.sub (local.get $groups) (i32.const 1)))
        (br $group))))
)
