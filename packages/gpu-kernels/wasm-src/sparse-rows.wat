;; Float32 products A B that skip A's zeros, for the wasm matmul override when A is mostly zeros
;; (the output of a ReLU: USE-lite's feed-forward hidden layers are 92% zeros on real text, and the
;; product that reads them, [tokens, 1536] x [1536, 512], is a third of the encoder's multiply-adds).
;;
;; Like the other modules here it imports tfjs-backend-wasm's memory (pointers are byte offsets into
;; its heap) and scripts/build-wasm.mjs compiles it for unshared and shared memories.
;;
;; A panel of rows of A is first compressed (each row's nonzero values with their k), then each
;; 32-column block of C is computed row after row as a sum of rows of B (packed 32 columns wide)
;; scaled by the values: eight f32x4 accumulators, one splat and eight loads per
;; nonzero. Each element of C sums its nonzero terms in increasing k, one multiply and one add per
;; term, so the result does not depend on how rows are split between threads. Skipping a zero of A
;; changes nothing when B is finite (0 * b = 0, and x + 0 = x); the caller checks B with allFinite
;; first, since 0 * inf is NaN.
(module
  (import "env" "memory" (memory 0))

  ;; How many of the `count` floats at p are not zero (NaN counts as not zero; -0 as zero),
  ;; stopping as soon as the count passes `limit` (then it returns a value above limit).
  (func (export "countNonzero") (param $p i32) (param $count i32) (param $limit i32) (result i32)
    (local $end i32) (local $end4 i32) (local $n i32) (local $block i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (loop $blocks
      ;; 64 floats between checks of the limit.
      (local.set $block (i32.add (local.get $p) (i32.const 256)))
      (if (i32.gt_u (local.get $block) (local.get $end4)) (then (local.set $block (local.get $end4))))
      (block $blockDone
        (loop $quads
          (br_if $blockDone (i32.ge_u (local.get $p) (local.get $block)))
          (local.set $n (i32.add (local.get $n)
            (i32.popcnt (i32x4.bitmask (f32x4.ne (v128.load align=4 (local.get $p)) (v128.const f32x4 0 0 0 0))))))
          (local.set $p (i32.add (local.get $p) (i32.const 16)))
          (br $quads)))
      (if (i32.gt_u (local.get $n) (local.get $limit)) (then (return (local.get $n))))
      (br_if $blocks (i32.lt_u (local.get $p) (local.get $end4))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $p) (local.get $end)))
        (if (f32.ne (f32.load (local.get $p)) (f32.const 0)) (then (local.set $n (i32.add (local.get $n) (i32.const 1)))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
    (local.get $n))

  ;; 1 when each of the `count` floats at p is finite, 0 when one is infinite or NaN (x - x is 0
  ;; exactly for finite x and NaN otherwise).
  (func (export "allFinite") (param $p i32) (param $count i32) (result i32)
    (local $end i32) (local $end4 i32) (local $x v128) (local $bad v128) (local $s f32)
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $count) (i32.const 2))))
    (local.set $end4 (i32.add (local.get $p) (i32.shl (i32.and (local.get $count) (i32.const -4)) (i32.const 2))))
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.ge_u (local.get $p) (local.get $end4)))
        (local.set $x (v128.load align=4 (local.get $p)))
        (local.set $bad (v128.or (local.get $bad) (f32x4.ne (f32x4.sub (local.get $x) (local.get $x)) (v128.const f32x4 0 0 0 0))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $quads)))
    (if (v128.any_true (local.get $bad)) (then (return (i32.const 0))))
    (block $tailDone
      (loop $tail
        (br_if $tailDone (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $s (f32.load (local.get $p)))
        (if (f32.ne (f32.sub (local.get $s) (local.get $s)) (f32.const 0)) (then (return (i32.const 0))))
        (local.set $p (i32.add (local.get $p) (i32.const 4)))
        (br $tail)))
    (i32.const 1))

  ;; Rows r of A (at a + r * aRowStride, k contiguous floats) for r < rows, compressed: entry e
  ;; holds the value at values + 4e and its k at ks + 4e; row r's entries end at ends[r] (and start
  ;; at ends[r - 1], or 0).
  (func $compress (param $a i32) (param $aRowStride i32) (param $rows i32) (param $k i32)
      (param $values i32) (param $ks i32) (param $ends i32)
    (local $r i32) (local $p i32) (local $q i32) (local $k4 i32) (local $kk i32) (local $mask i32) (local $lane i32)
    (local $e i32) (local $x f32)
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $p (i32.add (local.get $a) (i32.mul (local.get $r) (local.get $aRowStride))))
        (local.set $kk (i32.const 0))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.ge_u (local.get $kk) (local.get $k4)))
            (local.set $q (i32.add (local.get $p) (i32.shl (local.get $kk) (i32.const 2))))
            (local.set $mask (i32x4.bitmask (f32x4.ne (v128.load align=4 (local.get $q)) (v128.const f32x4 0 0 0 0))))
            ;; One entry per set bit, lowest k first.
            (block $bitsDone
              (loop $bits
                (br_if $bitsDone (i32.eqz (local.get $mask)))
                (local.set $lane (i32.ctz (local.get $mask)))
                (f32.store (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2)))
                  (f32.load (i32.add (local.get $q) (i32.shl (local.get $lane) (i32.const 2)))))
                (i32.store (i32.add (local.get $ks) (i32.shl (local.get $e) (i32.const 2))) (i32.add (local.get $kk) (local.get $lane)))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))
                (local.set $mask (i32.and (local.get $mask) (i32.sub (local.get $mask) (i32.const 1))))
                (br $bits)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 4)))
            (br $quads)))
        (block $tailDone
          (loop $tail
            (br_if $tailDone (i32.ge_u (local.get $kk) (local.get $k)))
            (local.set $x (f32.load (i32.add (local.get $p) (i32.shl (local.get $kk) (i32.const 2)))))
            (if (f32.ne (local.get $x) (f32.const 0))
              (then
                (f32.store (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2))) (local.get $x))
                (i32.store (i32.add (local.get $ks) (i32.shl (local.get $e) (i32.const 2))) (local.get $kk))
                (local.set $e (i32.add (local.get $e) (i32.const 1)))))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $tail)))
        (i32.store (i32.add (local.get $ends) (i32.shl (local.get $r) (i32.const 2))) (local.get $e))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; C[r, j0 .. j0 + 32) = sum over row r's entries of value * B[k, j0 .. j0 + 32), for r < rows,
  ;; B's 32 columns packed: row k at panel + 128 k.
  (func $block32 (param $values i32) (param $ks i32) (param $ends i32) (param $rows i32) (param $panel i32) (param $c i32) (param $ldc i32)
    (local $r i32) (local $e i32) (local $end i32) (local $pb i32) (local $x v128)
    (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128) (local $c4 v128) (local $c5 v128) (local $c6 v128) (local $c7 v128)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $end (i32.load (i32.add (local.get $ends) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $c0 (v128.const i32x4 0 0 0 0)) (local.set $c1 (v128.const i32x4 0 0 0 0))
        (local.set $c2 (v128.const i32x4 0 0 0 0)) (local.set $c3 (v128.const i32x4 0 0 0 0))
        (local.set $c4 (v128.const i32x4 0 0 0 0)) (local.set $c5 (v128.const i32x4 0 0 0 0))
        (local.set $c6 (v128.const i32x4 0 0 0 0)) (local.set $c7 (v128.const i32x4 0 0 0 0))
        (block $entriesDone
          (loop $entries
            (br_if $entriesDone (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $x (v128.load32_splat (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2)))))
            (local.set $pb (i32.add (local.get $panel) (i32.shl (i32.load (i32.add (local.get $ks) (i32.shl (local.get $e) (i32.const 2)))) (i32.const 7))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $x) (v128.load offset=0 (local.get $pb)))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $x) (v128.load offset=16 (local.get $pb)))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $x) (v128.load offset=32 (local.get $pb)))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $x) (v128.load offset=48 (local.get $pb)))))
            (local.set $c4 (f32x4.add (local.get $c4) (f32x4.mul (local.get $x) (v128.load offset=64 (local.get $pb)))))
            (local.set $c5 (f32x4.add (local.get $c5) (f32x4.mul (local.get $x) (v128.load offset=80 (local.get $pb)))))
            (local.set $c6 (f32x4.add (local.get $c6) (f32x4.mul (local.get $x) (v128.load offset=96 (local.get $pb)))))
            (local.set $c7 (f32x4.add (local.get $c7) (f32x4.mul (local.get $x) (v128.load offset=112 (local.get $pb)))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $entries)))
        (v128.store offset=0 align=4 (local.get $c) (local.get $c0))
        (v128.store offset=16 align=4 (local.get $c) (local.get $c1))
        (v128.store offset=32 align=4 (local.get $c) (local.get $c2))
        (v128.store offset=48 align=4 (local.get $c) (local.get $c3))
        (v128.store offset=64 align=4 (local.get $c) (local.get $c4))
        (v128.store offset=80 align=4 (local.get $c) (local.get $c5))
        (v128.store offset=96 align=4 (local.get $c) (local.get $c6))
        (v128.store offset=112 align=4 (local.get $c) (local.get $c7))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; The same for the 4 columns of B at b (rows bKStride bytes apart, unpacked).
  (func $block4 (param $values i32) (param $ks i32) (param $ends i32) (param $rows i32) (param $b i32) (param $bKStride i32) (param $c i32) (param $ldc i32)
    (local $r i32) (local $e i32) (local $end i32) (local $acc v128)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $end (i32.load (i32.add (local.get $ends) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (block $entriesDone
          (loop $entries
            (br_if $entriesDone (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load32_splat (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2))))
                (v128.load align=4 (i32.add (local.get $b)
                  (i32.mul (i32.load (i32.add (local.get $ks) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bKStride)))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $entries)))
        (v128.store align=4 (local.get $c) (local.get $acc))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; The same for one column of B at b.
  (func $block1 (param $values i32) (param $ks i32) (param $ends i32) (param $rows i32) (param $b i32) (param $bKStride i32) (param $c i32) (param $ldc i32)
    (local $r i32) (local $e i32) (local $end i32) (local $acc f32)
    (block $rowsDone
      (loop $rowLoop
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $end (i32.load (i32.add (local.get $ends) (i32.shl (local.get $r) (i32.const 2)))))
        (local.set $acc (f32.const 0))
        (block $entriesDone
          (loop $entries
            (br_if $entriesDone (i32.ge_u (local.get $e) (local.get $end)))
            (local.set $acc (f32.add (local.get $acc)
              (f32.mul (f32.load (i32.add (local.get $values) (i32.shl (local.get $e) (i32.const 2))))
                (f32.load (i32.add (local.get $b)
                  (i32.mul (i32.load (i32.add (local.get $ks) (i32.shl (local.get $e) (i32.const 2)))) (local.get $bKStride)))))))
            (local.set $e (i32.add (local.get $e) (i32.const 1)))
            (br $entries)))
        (f32.store (local.get $c) (local.get $acc))
        (local.set $c (i32.add (local.get $c) (local.get $ldc)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rowLoop))))

  ;; B's whole 32-column panels packed for sparseRowsProduct: panel p (columns 32p .. 32p + 32) at
  ;; dst + p * k * 128, its row kk at + 128 kk. Rows of B are bKStride bytes apart; a stride that
  ;; is a multiple of 4 KiB put every row of a panel in the same few cache sets (USE-lite's
  ;; [1536, 512] weight: 2 KiB), so unpacked the rows came from L3 and the product ran 3x slower.
  (func (export "packPanels32") (param $b i32) (param $bKStride i32) (param $k i32) (param $n i32) (param $dst i32)
    (local $j i32) (local $kk i32) (local $src i32)
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $n)))
        (local.set $src (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))))
        (local.set $kk (i32.const 0))
        (block $rowsDone
          (loop $rowLoop
            (br_if $rowsDone (i32.ge_u (local.get $kk) (local.get $k)))
            (v128.store offset=0 (local.get $dst) (v128.load offset=0 align=4 (local.get $src)))
            (v128.store offset=16 (local.get $dst) (v128.load offset=16 align=4 (local.get $src)))
            (v128.store offset=32 (local.get $dst) (v128.load offset=32 align=4 (local.get $src)))
            (v128.store offset=48 (local.get $dst) (v128.load offset=48 align=4 (local.get $src)))
            (v128.store offset=64 (local.get $dst) (v128.load offset=64 align=4 (local.get $src)))
            (v128.store offset=80 (local.get $dst) (v128.load offset=80 align=4 (local.get $src)))
            (v128.store offset=96 (local.get $dst) (v128.load offset=96 align=4 (local.get $src)))
            (v128.store offset=112 (local.get $dst) (v128.load offset=112 align=4 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (local.get $bKStride)))
            (local.set $dst (i32.add (local.get $dst) (i32.const 128)))
            (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
            (br $rowLoop)))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $panels))))

  ;; C[i, 0 .. n) = sum_k A[i, k] B[k, 0 .. n) for m0 <= i < m1: A's rows aRowStride bytes apart
  ;; (k contiguous floats), B's rows bKStride apart (n contiguous floats) and its whole 32-column
  ;; panels also at `packed` (packPanels32), C's rows ldc apart. Rows go `panel` at a time;
  ;; scratch holds panel * (2k + 1) words.
  (func (export "sparseRowsProduct")
      (param $a i32) (param $aRowStride i32) (param $b i32) (param $bKStride i32) (param $packed i32) (param $c i32) (param $ldc i32)
      (param $m0 i32) (param $m1 i32) (param $n i32) (param $k i32) (param $panel i32) (param $scratch i32)
    (local $values i32) (local $ks i32) (local $ends i32) (local $i i32) (local $rows i32) (local $j i32) (local $pc i32)
    (local.set $values (local.get $scratch))
    (local.set $ks (i32.add (local.get $values) (i32.shl (i32.mul (local.get $panel) (local.get $k)) (i32.const 2))))
    (local.set $ends (i32.add (local.get $ks) (i32.shl (i32.mul (local.get $panel) (local.get $k)) (i32.const 2))))
    (local.set $i (local.get $m0))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $i) (local.get $m1)))
        (local.set $rows (i32.sub (local.get $m1) (local.get $i)))
        (if (i32.gt_u (local.get $rows) (local.get $panel)) (then (local.set $rows (local.get $panel))))
        (call $compress (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRowStride))) (local.get $aRowStride) (local.get $rows) (local.get $k)
          (local.get $values) (local.get $ks) (local.get $ends))
        (local.set $pc (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
        (local.set $j (i32.const 0))
        (block $wideDone
          (loop $wide
            (br_if $wideDone (i32.gt_u (i32.add (local.get $j) (i32.const 32)) (local.get $n)))
            (call $block32 (local.get $values) (local.get $ks) (local.get $ends) (local.get $rows)
              (i32.add (local.get $packed) (i32.shl (i32.mul (local.get $j) (local.get $k)) (i32.const 2)))
                (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $wide)))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (call $block4 (local.get $values) (local.get $ks) (local.get $ends) (local.get $rows)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bKStride)
                (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $quads)))
        (block $onesDone
          (loop $ones
            (br_if $onesDone (i32.ge_u (local.get $j) (local.get $n)))
            (call $block1 (local.get $values) (local.get $ks) (local.get $ends) (local.get $rows)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $bKStride)
                (i32.add (local.get $pc) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $ones)))
        (local.set $i (i32.add (local.get $i) (local.get $rows)))
        (br $panels)))))
