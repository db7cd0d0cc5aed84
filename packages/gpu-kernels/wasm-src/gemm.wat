;; Float32 matrix product C = op(A) op(B) in WebAssembly SIMD, for the wasm matmul override.
;;
;; Like the other modules here it imports tfjs-backend-wasm's memory (pointers are byte offsets
;; into its heap) and scripts/build-wasm.mjs compiles it for unshared and shared memories.
;;
;; Why not XNNPACK's: on this 2-core Zen 5, tfjs-wasm's XNNPACK runs [1280, 4096] x [4096, 256]
;; at 25 GFLOP/s on one thread and 44 on two; this kernel measured 26-30 on one thread and 57-58
;; on two (84-87% of the 67.2 GFLOP/s 128-bit SIMD peak), and it reads a transposed operand in its
;; packing step, so a weight gradient X^T dY needs no transpose of X first.
;;
;; The layout is the classic blocked one: op(B) is packed kc x nc at a time into 8-column panels,
;; op(A) mc x kc at a time into 4-row panels, and a 4 x 8 tile of C (eight f32x4 accumulators)
;; runs over kc. Every operand is addressed by strides, (i, k) of op(A) at
;; a + i * aRowStride + k * aKStride and (k, j) of op(B) at b + k * bKStride + j * bColStride
;; (bytes), so transposes are only a choice of strides. Packing pads rows and columns with zeros
;; to whole panels; a tile that sticks out of C is computed into a scratch tile and its valid part
;; added to C. One call computes the rows m0..m1 and columns n0..n1 of C, so threads (one
;; instance of this module per worker, over the same shared memory) split C between them and
;; give bit-identical results to one thread: every element sums over k in the same order.
;;
;; Measured shapes of the inner loop (V8 11 / Node 20): 4 x 8 beats 5 x 8 and 6 x 8 (16.7 GFLOP/s
;; on one thread; the accumulators no longer fit the 16 xmm registers), and unrolling k by two was
;; 15-25% slower. kc = 256, mc = 128 keep a B panel (8 KiB) in L1 and an A block (128 KiB) in L2.
;; A's values are broadcast by v128.load32_splat (a broadcast load, no shuffle: the tile alone went
;; 30 -> 34 GFLOP/s). scripts/build-wasm.mjs also builds this module with the tile's multiply-adds
;; fused (relaxed SIMD's f32x4.relaxed_madd): 38-40 GFLOP/s for the whole product on one thread
;; against 27-28, where the engine has relaxed SIMD (V8 >= 11.4; Node 20 behind a flag that
;; initBackend sets).
(module
  (import "env" "memory" (memory 0))

  ;; C[4 rows x 8 cols] at pc (rows ldc bytes apart) += A panel [kc][4] x B panel [kc][8].
  (func $tile (param $pa i32) (param $pb i32) (param $pc i32) (param $ldc i32) (param $kc i32)
    (local $a v128) (local $b0 v128) (local $b1 v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (block $done
      (loop $k
        (br_if $done (i32.eqz (local.get $kc)))
        (local.set $b0 (v128.load offset=0 align=4 (local.get $pb)))
        (local.set $b1 (v128.load offset=16 align=4 (local.get $pb)))
        (local.set $a (v128.load32_splat offset=0 (local.get $pa)))
        (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
        (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
        (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
        (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
        (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
        (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
        (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
        (local.set $kc (i32.sub (local.get $kc) (i32.const 1)))
        (br $k)))
    (v128.store offset=0 align=4 (local.get $pc) (f32x4.add (v128.load offset=0 align=4 (local.get $pc)) (local.get $c00)))
    (v128.store offset=16 align=4 (local.get $pc) (f32x4.add (v128.load offset=16 align=4 (local.get $pc)) (local.get $c01)))
    (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
    (v128.store offset=0 align=4 (local.get $pc) (f32x4.add (v128.load offset=0 align=4 (local.get $pc)) (local.get $c10)))
    (v128.store offset=16 align=4 (local.get $pc) (f32x4.add (v128.load offset=16 align=4 (local.get $pc)) (local.get $c11)))
    (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
    (v128.store offset=0 align=4 (local.get $pc) (f32x4.add (v128.load offset=0 align=4 (local.get $pc)) (local.get $c20)))
    (v128.store offset=16 align=4 (local.get $pc) (f32x4.add (v128.load offset=16 align=4 (local.get $pc)) (local.get $c21)))
    (local.set $pc (i32.add (local.get $pc) (local.get $ldc)))
    (v128.store offset=0 align=4 (local.get $pc) (f32x4.add (v128.load offset=0 align=4 (local.get $pc)) (local.get $c30)))
    (v128.store offset=16 align=4 (local.get $pc) (f32x4.add (v128.load offset=16 align=4 (local.get $pc)) (local.get $c31))))

  ;; The full 4-row panels of a transposed A (rows contiguous in memory): for each k, the run
  ;; a + k * kStride, 4 * (rows / 4) floats, goes 16 bytes to each panel, panels kc * 16 bytes apart.
  (func $packColumns (param $a i32) (param $kStride i32) (param $rows i32) (param $kc i32) (param $dst i32)
    (local $k i32) (local $src i32) (local $end i32) (local $out i32) (local $panelBytes i32)
    (local.set $panelBytes (i32.shl (local.get $kc) (i32.const 4)))
    (block $kDone
      (loop $ks
        (br_if $kDone (i32.ge_u (local.get $k) (local.get $kc)))
        (local.set $src (i32.add (local.get $a) (i32.mul (local.get $k) (local.get $kStride))))
        (local.set $end (i32.add (local.get $src) (i32.shl (i32.and (local.get $rows) (i32.const -4)) (i32.const 2))))
        (local.set $out (i32.add (local.get $dst) (i32.shl (local.get $k) (i32.const 4))))
        (block $runDone
          (loop $run
            (br_if $runDone (i32.ge_u (local.get $src) (local.get $end)))
            (v128.store align=4 (local.get $out) (v128.load align=4 (local.get $src)))
            (local.set $src (i32.add (local.get $src) (i32.const 16)))
            (local.set $out (i32.add (local.get $out) (local.get $panelBytes)))
            (br $run)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ks))))

  ;; dst[i / 4][k][i % 4] = op(A)(i, k) for i < rows, k < kc, rows padded with zeros to a multiple
  ;; of 4. Rows with contiguous k (aKStride 4, A as stored) go four k at a time through a 4 x 4
  ;; shuffle transpose; columns with contiguous i (aRowStride 4, A transposed) are one load per k.
  (func $packA (param $a i32) (param $rowStride i32) (param $kStride i32) (param $rows i32) (param $kc i32) (param $dst i32)
    (local $i i32) (local $k i32) (local $r i32) (local $p i32) (local $q i32) (local $kc4 i32) (local $full i32)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $kc4 (i32.and (local.get $kc) (i32.const -4)))
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $p (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $rowStride))))
        (if (i32.lt_u (i32.sub (local.get $rows) (local.get $i)) (i32.const 4))
          (then
            ;; The last, partial panel: one value at a time, zeros below the last row.
            (local.set $k (i32.const 0))
            (block $kDone
              (loop $ks
                (br_if $kDone (i32.ge_u (local.get $k) (local.get $kc)))
                (local.set $r (i32.const 0))
                (block $rDone
                  (loop $rs
                    (br_if $rDone (i32.ge_u (local.get $r) (i32.const 4)))
                    (f32.store (i32.add (local.get $dst) (i32.shl (local.get $r) (i32.const 2)))
                      (if (result f32) (i32.lt_u (i32.add (local.get $i) (local.get $r)) (local.get $rows))
                        (then (f32.load (i32.add (local.get $p) (i32.add (i32.mul (local.get $r) (local.get $rowStride)) (i32.mul (local.get $k) (local.get $kStride))))))
                        (else (f32.const 0))))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $rs)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $ks))))
          (else
            (if (i32.eq (local.get $rowStride) (i32.const 4))
              (then
                ;; A transposed: the whole block's full panels in one pass over k, each k a
                ;; contiguous run of A read in order (reading one panel's 16 bytes per row of A
                ;; fetched every cache line four times when rows sat 16-32 KiB apart).
                (call $packColumns (local.get $p) (local.get $kStride) (i32.sub (local.get $rows) (local.get $i)) (local.get $kc) (local.get $dst))
                (local.set $full (i32.and (i32.sub (local.get $rows) (local.get $i)) (i32.const -4)))
                (local.set $dst (i32.add (local.get $dst) (i32.shl (i32.mul (local.get $full) (local.get $kc)) (i32.const 2))))
                (local.set $i (i32.sub (i32.add (local.get $i) (local.get $full)) (i32.const 4))))
              (else
                (local.set $k (i32.const 0))
                (if (i32.eq (local.get $kStride) (i32.const 4))
                  (then
                    (block $quadsDone
                      (loop $quads
                        (br_if $quadsDone (i32.ge_u (local.get $k) (local.get $kc4)))
                        (local.set $q (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 2))))
                        (local.set $x0 (v128.load align=4 (local.get $q)))
                        (local.set $x1 (v128.load align=4 (i32.add (local.get $q) (local.get $rowStride))))
                        (local.set $x2 (v128.load align=4 (i32.add (local.get $q) (i32.shl (local.get $rowStride) (i32.const 1)))))
                        (local.set $x3 (v128.load align=4 (i32.add (local.get $q) (i32.mul (local.get $rowStride) (i32.const 3)))))
                        ;; t0 = x0[0] x1[0] x0[1] x1[1], t1 = x0[2] x1[2] x0[3] x1[3], t2/t3 the same for x2, x3
                        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x0) (local.get $x1)))
                        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x0) (local.get $x1)))
                        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x2) (local.get $x3)))
                        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x2) (local.get $x3)))
                        (v128.store offset=0 align=4 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                        (v128.store offset=16 align=4 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                        (v128.store offset=32 align=4 (local.get $dst) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                        (v128.store offset=48 align=4 (local.get $dst) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
                        (local.set $k (i32.add (local.get $k) (i32.const 4)))
                        (br $quads)))))
                ;; Any other strides, and the last kc % 4 columns of the rows case.
                (block $restDone
                  (loop $rest
                    (br_if $restDone (i32.ge_u (local.get $k) (local.get $kc)))
                    (local.set $q (i32.add (local.get $p) (i32.mul (local.get $k) (local.get $kStride))))
                    (f32.store offset=0 (local.get $dst) (f32.load (local.get $q)))
                    (f32.store offset=4 (local.get $dst) (f32.load (i32.add (local.get $q) (local.get $rowStride))))
                    (f32.store offset=8 (local.get $dst) (f32.load (i32.add (local.get $q) (i32.shl (local.get $rowStride) (i32.const 1)))))
                    (f32.store offset=12 (local.get $dst) (f32.load (i32.add (local.get $q) (i32.mul (local.get $rowStride) (i32.const 3)))))
                    (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
                    (local.set $k (i32.add (local.get $k) (i32.const 1)))
                    (br $rest)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $panels))))

  ;; dst[j / 8][k][j % 8] = op(B)(k, j) for k < kc, j < cols, cols padded with zeros to a multiple
  ;; of 8. Columns contiguous in memory (B as stored) are two loads per k; other strides (B
  ;; transposed) and the partial last panel go one value at a time.
  (func $packB (param $b i32) (param $kStride i32) (param $colStride i32) (param $kc i32) (param $cols i32) (param $dst i32)
    (local $j i32) (local $k i32) (local $c i32) (local $p i32) (local $q i32)
    (block $panelsDone
      (loop $panels
        (br_if $panelsDone (i32.ge_u (local.get $j) (local.get $cols)))
        (local.set $p (i32.add (local.get $b) (i32.mul (local.get $j) (local.get $colStride))))
        (if (i32.and (i32.eq (local.get $colStride) (i32.const 4)) (i32.ge_u (i32.sub (local.get $cols) (local.get $j)) (i32.const 8)))
          (then
            (local.set $k (local.get $kc))
            (block $rowsDone
              (loop $rows
                (br_if $rowsDone (i32.eqz (local.get $k)))
                (v128.store offset=0 align=4 (local.get $dst) (v128.load offset=0 align=4 (local.get $p)))
                (v128.store offset=16 align=4 (local.get $dst) (v128.load offset=16 align=4 (local.get $p)))
                (local.set $p (i32.add (local.get $p) (local.get $kStride)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $k (i32.sub (local.get $k) (i32.const 1)))
                (br $rows))))
          (else
            (local.set $k (i32.const 0))
            (block $kDone
              (loop $ks
                (br_if $kDone (i32.ge_u (local.get $k) (local.get $kc)))
                (local.set $q (i32.add (local.get $p) (i32.mul (local.get $k) (local.get $kStride))))
                (local.set $c (i32.const 0))
                (block $cDone
                  (loop $cs
                    (br_if $cDone (i32.ge_u (local.get $c) (i32.const 8)))
                    (f32.store (i32.add (local.get $dst) (i32.shl (local.get $c) (i32.const 2)))
                      (if (result f32) (i32.lt_u (i32.add (local.get $j) (local.get $c)) (local.get $cols))
                        (then (f32.load (i32.add (local.get $q) (i32.mul (local.get $c) (local.get $colStride)))))
                        (else (f32.const 0))))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $cs)))
                (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $ks)))))
        (local.set $j (i32.add (local.get $j) (i32.const 8)))
        (br $panels))))

  ;; op(B) packed whole, k block after k block, for the threads of one product to share: block k0
  ;; (kc rows) at dst + k0 * rowBytes, its column panels as packB writes them; rowBytes is 4 x n
  ;; rounded up to 8 columns.
  (func (export "packPanels") (param $b i32) (param $bKStride i32) (param $bColStride i32) (param $k i32) (param $n i32) (param $kcMax i32) (param $dst i32) (param $rowBytes i32)
    (local $k0 i32) (local $kc i32)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $k0) (local.get $k)))
        (local.set $kc (i32.sub (local.get $k) (local.get $k0)))
        (local.set $kc (select (local.get $kcMax) (local.get $kc) (i32.gt_u (local.get $kc) (local.get $kcMax))))
        (call $packB (i32.add (local.get $b) (i32.mul (local.get $k0) (local.get $bKStride))) (local.get $bKStride) (local.get $bColStride)
          (local.get $kc) (local.get $n) (i32.add (local.get $dst) (i32.mul (local.get $k0) (local.get $rowBytes))))
        (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
        (br $blocks))))

  ;; C[i, j] (rows ldc bytes apart) = sum_k op(A)(i, k) op(B)(k, j) for m0 <= i < m1, n0 <= j < n1.
  ;; scratchA holds mc x kc floats (mc a multiple of 4), scratchB kc x nc (nc a multiple of 8),
  ;; edge 32 floats; each thread passes its own. packedB, when not 0, is op(B) packed by
  ;; packPanels with the same kcMax (rows packedRowBytes apart): then B is not packed here, and
  ;; n0 and ncMax must be multiples of 8.
  (func (export "gemm")
      (param $a i32) (param $aRowStride i32) (param $aKStride i32)
      (param $b i32) (param $bKStride i32) (param $bColStride i32)
      (param $c i32) (param $ldc i32)
      (param $m0 i32) (param $m1 i32) (param $n0 i32) (param $n1 i32) (param $k i32)
      (param $kcMax i32) (param $mcMax i32) (param $ncMax i32)
      (param $scratchA i32) (param $scratchB i32) (param $edge i32)
      (param $packedB i32) (param $packedRowBytes i32)
    (local $sb i32) (local $row i32) (local $nb i32) (local $nc i32) (local $k0 i32) (local $kc i32) (local $mb i32) (local $mc i32)
    (local $i i32) (local $j i32) (local $pc i32) (local $rowsLeft i32) (local $colsLeft i32) (local $r i32) (local $col i32)
    (local $src i32) (local $dst i32)
    (if (i32.or (i32.ge_u (local.get $m0) (local.get $m1)) (i32.ge_u (local.get $n0) (local.get $n1))) (then (return)))
    ;; C starts at zero and every k block adds into it.
    (local.set $row (local.get $m0))
    (block $zeroDone
      (loop $zero
        (br_if $zeroDone (i32.ge_u (local.get $row) (local.get $m1)))
        (memory.fill (i32.add (local.get $c) (i32.add (i32.mul (local.get $row) (local.get $ldc)) (i32.shl (local.get $n0) (i32.const 2))))
          (i32.const 0) (i32.shl (i32.sub (local.get $n1) (local.get $n0)) (i32.const 2)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $zero)))
    (local.set $nb (local.get $n0))
    (block $nDone
      (loop $nBlocks
        (br_if $nDone (i32.ge_u (local.get $nb) (local.get $n1)))
        (local.set $nc (i32.sub (local.get $n1) (local.get $nb)))
        (local.set $nc (select (local.get $ncMax) (local.get $nc) (i32.gt_u (local.get $nc) (local.get $ncMax))))
        (local.set $k0 (i32.const 0))
        (block $kDone
          (loop $kBlocks
            (br_if $kDone (i32.ge_u (local.get $k0) (local.get $k)))
            (local.set $kc (i32.sub (local.get $k) (local.get $k0)))
            (local.set $kc (select (local.get $kcMax) (local.get $kc) (i32.gt_u (local.get $kc) (local.get $kcMax))))
            (if (local.get $packedB)
              (then
                ;; Panel of column nb in block k0: (nb / 8) panels of kc x 8 floats in.
                (local.set $sb (i32.add (local.get $packedB)
                  (i32.add (i32.mul (local.get $k0) (local.get $packedRowBytes)) (i32.shl (i32.mul (local.get $nb) (local.get $kc)) (i32.const 2))))))
              (else
                (local.set $sb (local.get $scratchB))
                (call $packB
                  (i32.add (local.get $b) (i32.add (i32.mul (local.get $k0) (local.get $bKStride)) (i32.mul (local.get $nb) (local.get $bColStride))))
                  (local.get $bKStride) (local.get $bColStride) (local.get $kc) (local.get $nc) (local.get $scratchB))))
            (local.set $mb (local.get $m0))
            (block $mDone
              (loop $mBlocks
                (br_if $mDone (i32.ge_u (local.get $mb) (local.get $m1)))
                (local.set $mc (i32.sub (local.get $m1) (local.get $mb)))
                (local.set $mc (select (local.get $mcMax) (local.get $mc) (i32.gt_u (local.get $mc) (local.get $mcMax))))
                (call $packA
                  (i32.add (local.get $a) (i32.add (i32.mul (local.get $mb) (local.get $aRowStride)) (i32.mul (local.get $k0) (local.get $aKStride))))
                  (local.get $aRowStride) (local.get $aKStride) (local.get $mc) (local.get $kc) (local.get $scratchA))
                (local.set $j (i32.const 0))
                (block $jDone
                  (loop $js
                    (br_if $jDone (i32.ge_u (local.get $j) (local.get $nc)))
                    (local.set $i (i32.const 0))
                    (block $iDone
                      (loop $is
                        (br_if $iDone (i32.ge_u (local.get $i) (local.get $mc)))
                        (local.set $pc (i32.add (local.get $c)
                          (i32.add (i32.mul (i32.add (local.get $mb) (local.get $i)) (local.get $ldc)) (i32.shl (i32.add (local.get $nb) (local.get $j)) (i32.const 2)))))
                        (local.set $rowsLeft (i32.sub (local.get $mc) (local.get $i)))
                        (local.set $colsLeft (i32.sub (local.get $nc) (local.get $j)))
                        (if (i32.and (i32.ge_u (local.get $rowsLeft) (i32.const 4)) (i32.ge_u (local.get $colsLeft) (i32.const 8)))
                          (then
                            (call $tile
                              (i32.add (local.get $scratchA) (i32.shl (i32.mul (local.get $i) (local.get $kc)) (i32.const 2)))
                              (i32.add (local.get $sb) (i32.shl (i32.mul (local.get $j) (local.get $kc)) (i32.const 2)))
                              (local.get $pc) (local.get $ldc) (local.get $kc)))
                          (else
                            ;; A tile sticking out of C: computed whole into the edge tile (the
                            ;; padding is zeros), then its valid rows and columns added to C.
                            (memory.fill (local.get $edge) (i32.const 0) (i32.const 128))
                            (call $tile
                              (i32.add (local.get $scratchA) (i32.shl (i32.mul (local.get $i) (local.get $kc)) (i32.const 2)))
                              (i32.add (local.get $sb) (i32.shl (i32.mul (local.get $j) (local.get $kc)) (i32.const 2)))
                              (local.get $edge) (i32.const 32) (local.get $kc))
                            (local.set $rowsLeft (select (i32.const 4) (local.get $rowsLeft) (i32.gt_u (local.get $rowsLeft) (i32.const 4))))
                            (local.set $colsLeft (select (i32.const 8) (local.get $colsLeft) (i32.gt_u (local.get $colsLeft) (i32.const 8))))
                            (local.set $r (i32.const 0))
                            (block $edgeRowsDone
                              (loop $edgeRows
                                (br_if $edgeRowsDone (i32.ge_u (local.get $r) (local.get $rowsLeft)))
                                (local.set $col (i32.const 0))
                                (block $edgeColsDone
                                  (loop $edgeCols
                                    (br_if $edgeColsDone (i32.ge_u (local.get $col) (local.get $colsLeft)))
                                    (local.set $src (i32.add (local.get $edge) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $col)) (i32.const 2))))
                                    (local.set $dst (i32.add (local.get $pc) (i32.add (i32.mul (local.get $r) (local.get $ldc)) (i32.shl (local.get $col) (i32.const 2)))))
                                    (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
                                    (local.set $col (i32.add (local.get $col) (i32.const 1)))
                                    (br $edgeCols)))
                                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                                (br $edgeRows)))))
                        (local.set $i (i32.add (local.get $i) (i32.const 4)))
                        (br $is)))
                    (local.set $j (i32.add (local.get $j) (i32.const 8)))
                    (br $js)))
                (local.set $mb (i32.add (local.get $mb) (local.get $mc)))
                (br $mBlocks)))
            (local.set $k0 (i32.add (local.get $k0) (local.get $kc)))
            (br $kBlocks)))
        (local.set $nb (i32.add (local.get $nb) (local.get $nc)))
        (br $nBlocks)))))
