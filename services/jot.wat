;; jot: a WASI command written by hand in WebAssembly text that writes
;; and reads a file: it appends one line to /tmp/jot (made if missing),
;; then reads the whole file back and prints it.  Run twice, it prints
;; its line twice.  A call that fails prints what it was doing and ends
;; with exit status 1.
;;
;; Paths are relative to fd 3, the preopened directory "/" (as wasi-libc
;; does it); the kernel turns path_open, fd_write and fd_read into calls
;; to the file service.
;;
;; Memory layout (one page): 0..7 the iovec {buf, len} of fd_write and
;; fd_read, 8..11 the bytes they moved, 12..15 the fd path_open gives,
;; 64.. the path, 96.. the line, 160.. the messages, 1024..5119 the
;; buffer the file is read into.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32)
                     (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close"
    (func $fd_close (param i32) (result i32)))
  (import "wasi_snapshot_preview1" "proc_exit"
    (func $proc_exit (param i32)))

  (memory (export "memory") 1)
  (data (i32.const 64) "tmp/jot")
  (data (i32.const 96) "jot: a line from hand-written wat\n")
  (data (i32.const 160) "jot: cannot open /tmp/jot\n")
  (data (i32.const 192) "jot: cannot write /tmp/jot\n")
  (data (i32.const 224) "jot: cannot read /tmp/jot\n")

  ;; WASI's rights (fd_read, fd_write), oflags (creat) and fdflags
  ;; (append), as path_open takes them.
  (global $RIGHT_READ i64 (i64.const 2))
  (global $RIGHT_WRITE i64 (i64.const 64))
  (global $O_CREAT i32 (i32.const 1))
  (global $FD_APPEND i32 (i32.const 1))

  ;; $write: fd_write of len bytes at ptr to fd; the errno, or 5 (EIO)
  ;; when fewer bytes were written.
  (func $write (param $fd i32) (param $ptr i32) (param $len i32)
               (result i32)
    (local $err i32)
    (i32.store (i32.const 0) (local.get $ptr))
    (i32.store (i32.const 4) (local.get $len))
    (local.set $err (call $fd_write (local.get $fd) (i32.const 0)
                                    (i32.const 1) (i32.const 8)))
    (if (i32.and (i32.eqz (local.get $err))
                 (i32.ne (i32.load (i32.const 8)) (local.get $len)))
      (then (local.set $err (i32.const 5))))
    (local.get $err))

  ;; $fail: prints the len-byte message at msg and ends with status 1.
  (func $fail (param $msg i32) (param $len i32)
    (drop (call $write (i32.const 1) (local.get $msg) (local.get $len)))
    (call $proc_exit (i32.const 1)))

  ;; $open: opens /tmp/jot with oflags, rights and fdflags; the fd (or
  ;; it fails).
  (func $open (param $oflags i32) (param $rights i64) (param $fdflags i32)
              (result i32)
    (if (call $path_open (i32.const 3) (i32.const 0) (i32.const 64)
                         (i32.const 7) (local.get $oflags) (local.get $rights)
                         (i64.const 0) (local.get $fdflags) (i32.const 12))
      (then (call $fail (i32.const 160) (i32.const 26))))
    (i32.load (i32.const 12)))

  ;; $append: appends the line to /tmp/jot.
  (func $append
    (local $fd i32)
    (local.set $fd (call $open (global.get $O_CREAT)
                               (i64.or (global.get $RIGHT_READ)
                                       (global.get $RIGHT_WRITE))
                               (global.get $FD_APPEND)))
    (if (call $write (local.get $fd) (i32.const 96) (i32.const 34))
      (then (call $fail (i32.const 192) (i32.const 27))))
    (drop (call $fd_close (local.get $fd))))

  ;; $show: prints /tmp/jot, a buffer at a time, to its end (a read of 0
  ;; bytes).
  (func $show
    (local $fd i32) (local $n i32)
    (local.set $fd (call $open (i32.const 0) (global.get $RIGHT_READ)
                               (i32.const 0)))
    (loop $more
      (i32.store (i32.const 0) (i32.const 1024))
      (i32.store (i32.const 4) (i32.const 4096))
      (if (call $fd_read (local.get $fd) (i32.const 0) (i32.const 1)
                         (i32.const 8))
        (then (call $fail (i32.const 224) (i32.const 26))))
      (local.set $n (i32.load (i32.const 8)))
      (if (local.get $n)
        (then (drop (call $write (i32.const 1) (i32.const 1024)
                                 (local.get $n)))
              (br $more))))
    (drop (call $fd_close (local.get $fd))))

  (func $main (export "_start")
    (call $append)
    (call $show)
    (call $proc_exit (i32.const 0))))
