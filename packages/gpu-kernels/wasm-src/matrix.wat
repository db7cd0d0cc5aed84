;; Float32 matrix layout kernels of the wasm matmul and Transpose overrides, in WebAssembly SIMD.
;;
;; Like sequence-log-probs.wat, the module imports tfjs-backend-wasm's memory (pointers are byte
;; offsets into its heap) and scripts/build-wasm.mjs compiles it twice, with an unshared and a
;; shared memory import, into src/kernels/wasm/matrix-simd-bytes.ts.
(module
  (import "env" "memory" (memory 0))

  ;; dst[b, c, r] = src[b, r, c] for `batch` matrices of rows x cols floats.
  (func (export "transpose") (param $src i32) (param $dst i32) (param $batch i32) (param $rows i32) (param $cols i32) (param $tile i32)
    (local $bytes i32)
    (local.set $bytes (i32.shl (i32.mul (local.get $rows) (local.get $cols)) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $batch)))
        (call $transpose2d (local.get $src) (local.get $dst) (local.get $rows) (local.get $cols) (local.get $tile))
        (local.set $src (i32.add (local.get $src) (local.get $bytes)))
        (local.set $dst (i32.add (local.get $dst) (local.get $bytes)))
        (local.set $batch (i32.sub (local.get $batch) (i32.const 1)))
        (br $next))))

  ;; One matrix: 4x4 blocks (four row loads, eight shuffles, four column stores) inside
  ;; tile x tile squares, so that the columns written stay in cache while a square is done (the
  ;; destination rows are `rows` floats apart); the last rows % 4 rows and cols % 4 columns one
  ;; float at a time, moved as i32 so that every bit pattern (NaN payloads included) is kept.
  (func $transpose2d (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32) (param $tile i32)
    (local $rows4 i32) (local $cols4 i32)
    (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $d1 i32) (local $d2 i32) (local $d3 i32) (local $d4 i32)
    (local $r0 i32) (local $c0 i32) (local $rEnd i32) (local $cEnd i32)
    (local $r i32) (local $c i32) (local $p i32) (local $q i32)
    (local $a v128) (local $b v128) (local $x v128) (local $y v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $s1 (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $s2 (i32.shl (local.get $s1) (i32.const 1)))
    (local.set $s3 (i32.add (local.get $s2) (local.get $s1)))
    (local.set $d1 (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $d2 (i32.shl (local.get $d1) (i32.const 1)))
    (local.set $d3 (i32.add (local.get $d2) (local.get $d1)))
    (local.set $d4 (i32.shl (local.get $d1) (i32.const 2)))
    (local.set $r0 (i32.const 0))
    (block $rowTilesDone
      (loop $rowTiles
        (br_if $rowTilesDone (i32.ge_u (local.get $r0) (local.get $rows4)))
        (local.set $rEnd (i32.add (local.get $r0) (local.get $tile)))
        (local.set $rEnd (select (local.get $rows4) (local.get $rEnd) (i32.gt_u (local.get $rEnd) (local.get $rows4))))
        (local.set $c0 (i32.const 0))
        (block $colTilesDone
          (loop $colTiles
            (br_if $colTilesDone (i32.ge_u (local.get $c0) (local.get $cols4)))
            (local.set $cEnd (i32.add (local.get $c0) (local.get $tile)))
            (local.set $cEnd (select (local.get $cols4) (local.get $cEnd) (i32.gt_u (local.get $cEnd) (local.get $cols4))))
            (local.set $r (local.get $r0))
            (block $rowsDone
              (loop $rowsLoop
                (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rEnd)))
                (local.set $p (i32.add (local.get $src) (i32.add (i32.mul (local.get $r) (local.get $s1)) (i32.shl (local.get $c0) (i32.const 2)))))
                (local.set $q (i32.add (local.get $dst) (i32.add (i32.mul (local.get $c0) (local.get $d1)) (i32.shl (local.get $r) (i32.const 2)))))
                (local.set $c (local.get $c0))
                (block $colsDone
                  (loop $colsLoop
                    (br_if $colsDone (i32.ge_u (local.get $c) (local.get $cEnd)))
                    ;; rows a, b, x, y -> t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = x0 y0 x1 y1, t3 = x2 y2 x3 y3
                    (local.set $a (v128.load align=4 (local.get $p)))
                    (local.set $b (v128.load align=4 (i32.add (local.get $p) (local.get $s1))))
                    (local.set $x (v128.load align=4 (i32.add (local.get $p) (local.get $s2))))
                    (local.set $y (v128.load align=4 (i32.add (local.get $p) (local.get $s3))))
                    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $a) (local.get $b)))
                    (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $a) (local.get $b)))
                    (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $x) (local.get $y)))
                    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $x) (local.get $y)))
                    ;; columns: a0 b0 x0 y0 | a1 b1 x1 y1 | a2 b2 x2 y2 | a3 b3 x3 y3
                    (v128.store align=4 (local.get $q)
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                    (v128.store align=4 (i32.add (local.get $q) (local.get $d1))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                    (v128.store align=4 (i32.add (local.get $q) (local.get $d2))
                      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                    (v128.store align=4 (i32.add (local.get $q) (local.get $d3))
                      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                    (local.set $p (i32.add (local.get $p) (i32.const 16)))
                    (local.set $q (i32.add (local.get $q) (local.get $d4)))
                    (local.set $c (i32.add (local.get $c) (i32.const 4)))
                    (br $colsLoop)))
                (local.set $r (i32.add (local.get $r) (i32.const 4)))
                (br $rowsLoop)))
            (local.set $c0 (i32.add (local.get $c0) (local.get $tile)))
            (br $colTiles)))
        (local.set $r0 (i32.add (local.get $r0) (local.get $tile)))
        (br $rowTiles)))
    ;; The last cols % 4 columns of the first rows4 rows.
    (local.set $r (i32.const 0))
    (block $rightDone
      (loop $right
        (br_if $rightDone (i32.ge_u (local.get $r) (local.get $rows4)))
        (local.set $c (local.get $cols4))
        (block $rightRowDone
          (loop $rightRow
            (br_if $rightRowDone (i32.ge_u (local.get $c) (local.get $cols)))
            (i32.store
              (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
              (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $rightRow)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $right)))
    ;; The last rows % 4 rows, every column.
    (local.set $r (local.get $rows4))
    (block $bottomDone
      (loop $bottom
        (br_if $bottomDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $bottomRowDone
          (loop $bottomRow
            (br_if $bottomRowDone (i32.ge_u (local.get $c) (local.get $cols)))
            (i32.store
              (i32.add (local.get $dst) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
              (i32.load (i32.add (local.get $src) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $cols)) (local.get $c)) (i32.const 2)))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $bottomRow)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $bottom))))

  ;; out[i] = sum_j mat[i, j] vec[j] for a rows x k matrix: one dot product per row, read in
  ;; order, in float32 with two f32x4 accumulators (8 floats per iteration), then 4, then 1.
  (func (export "matVec") (param $mat i32) (param $vec i32) (param $out i32) (param $rows i32) (param $k i32)
    (local $p i32) (local $v i32) (local $end8 i32) (local $end i32) (local $acc0 v128) (local $acc1 v128) (local $sum f32)
    (local.set $p (local.get $mat))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.eqz (local.get $rows)))
        (local.set $v (local.get $vec))
        (local.set $end (i32.add (local.get $p) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $end8 (i32.add (local.get $p) (i32.shl (i32.and (local.get $k) (i32.const -8)) (i32.const 2))))
        (local.set $acc0 (v128.const f32x4 0 0 0 0))
        (local.set $acc1 (v128.const f32x4 0 0 0 0))
        (block $done8
          (loop $loop8
            (br_if $done8 (i32.ge_u (local.get $p) (local.get $end8)))
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (v128.load align=4 (local.get $p)) (v128.load align=4 (local.get $v)))))
            (local.set $acc1 (f32x4.add (local.get $acc1) (f32x4.mul (v128.load offset=16 align=4 (local.get $p)) (v128.load offset=16 align=4 (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (i32.const 32)))
            (local.set $v (i32.add (local.get $v) (i32.const 32)))
            (br $loop8)))
        (if (i32.and (local.get $k) (i32.const 4))
          (then
            (local.set $acc0 (f32x4.add (local.get $acc0) (f32x4.mul (v128.load align=4 (local.get $p)) (v128.load align=4 (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $v (i32.add (local.get $v) (i32.const 16)))))
        (local.set $acc0 (f32x4.add (local.get $acc0) (local.get $acc1)))
        (local.set $sum
          (f32.add
            (f32.add (f32x4.extract_lane 0 (local.get $acc0)) (f32x4.extract_lane 1 (local.get $acc0)))
            (f32.add (f32x4.extract_lane 2 (local.get $acc0)) (f32x4.extract_lane 3 (local.get $acc0)))))
        (block $done1
          (loop $loop1
            (br_if $done1 (i32.ge_u (local.get $p) (local.get $end)))
            (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $p)) (f32.load (local.get $v)))))
            (local.set $p (i32.add (local.get $p) (i32.const 4)))
            (local.set $v (i32.add (local.get $v) (i32.const 4)))
            (br $loop1)))
        (f32.store (local.get $out) (local.get $sum))
        (local.set $out (i32.add (local.get $out) (i32.const 4)))
        (local.set $rows (i32.sub (local.get $rows) (i32.const 1)))
        (br $rowsLoop))))
)
