;; primes: a WASI command written by hand in WebAssembly text, no
;; compiler and no libc.  Prints the primes below 100 on one line, found
;; by trial division, then their count:
;;
;;   primes (hand-written wat): 2 3 5 7 11 ... 97
;;   primes: 25 below 100
;;
;; Memory layout (one page): 0..7 the iovec {buf, len} that fd_write
;; reads, 8..11 where fd_write stores the bytes written, 16.. the output
;; line being built, 256.. the constant strings.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit"
    (func $proc_exit (param i32)))

  (memory (export "memory") 1)
  (data (i32.const 256) "primes (hand-written wat):")
  (data (i32.const 288) "primes: ")
  (data (i32.const 304) " below 100\n")

  (global $end (mut i32) (i32.const 16))   ;; end of the line being built

  ;; $put: appends len bytes from ptr to the line.
  (func $put (param $ptr i32) (param $len i32)
    (memory.copy (global.get $end) (local.get $ptr) (local.get $len))
    (global.set $end (i32.add (global.get $end) (local.get $len))))

  ;; $put_num: appends n in decimal (n < 1000), after a space if $space.
  (func $put_num (param $n i32) (param $space i32)
    (if (local.get $space)
      (then (i32.store8 (global.get $end) (i32.const 32))
            (global.set $end (i32.add (global.get $end) (i32.const 1)))))
    (if (i32.ge_u (local.get $n) (i32.const 100))
      (then (call $digit (i32.div_u (local.get $n) (i32.const 100)))))
    (if (i32.ge_u (local.get $n) (i32.const 10))
      (then (call $digit (i32.rem_u (i32.div_u (local.get $n) (i32.const 10))
                                    (i32.const 10)))))
    (call $digit (i32.rem_u (local.get $n) (i32.const 10))))

  ;; $digit: appends the digit d (0..9).
  (func $digit (param $d i32)
    (i32.store8 (global.get $end) (i32.add (local.get $d) (i32.const 48)))
    (global.set $end (i32.add (global.get $end) (i32.const 1))))

  ;; $flush: writes the line to stdout (fd 1) and starts a new one.
  (func $flush
    (i32.store (i32.const 0) (i32.const 16))
    (i32.store (i32.const 4) (i32.sub (global.get $end) (i32.const 16)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1)
                          (i32.const 8)))
    (global.set $end (i32.const 16)))

  ;; $is_prime: 1 if n (>= 2) has no divisor d with d * d <= n.
  (func $is_prime (param $n i32) (result i32)
    (local $d i32)
    (local.set $d (i32.const 2))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.mul (local.get $d) (local.get $d))
                               (local.get $n)))
        (if (i32.eqz (i32.rem_u (local.get $n) (local.get $d)))
          (then (return (i32.const 0))))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (br $next)))
    (i32.const 1))

  (func $main (export "_start")
    (local $n i32) (local $count i32)
    (call $put (i32.const 256) (i32.const 26))
    (local.set $n (i32.const 2))
    (loop $next
      (if (call $is_prime (local.get $n))
        (then (call $put_num (local.get $n) (i32.const 1))
              (local.set $count (i32.add (local.get $count) (i32.const 1)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $n) (i32.const 100))))
    (i32.store8 (global.get $end) (i32.const 10))
    (global.set $end (i32.add (global.get $end) (i32.const 1)))
    (call $flush)
    (call $put (i32.const 288) (i32.const 8))
    (call $put_num (local.get $count) (i32.const 0))
    (call $put (i32.const 304) (i32.const 11))
    (call $flush)
    (call $proc_exit (i32.const 0))))
