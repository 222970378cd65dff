;; wasi_raw.wat: calls WASI directly (no libc in between) so the tests
;; reach the runner's checks: sandbox escapes and bad guest pointers.
;; Run with --dir HOST:. (guest fd 3) and --invoke.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read"
    (func $fd_read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "args_get"
    (func $args_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_get"
    (func $fd_prestat_get (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_create_directory"
    (func $mkdir (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get"
    (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 100) "../outside.txt")           ;; 14
  (data (i32.const 200) "/etc/passwd")              ;; 11
  (data (i32.const 300) "link_abs/passwd")          ;; 15
  (data (i32.const 400) "link_up/outside.txt")      ;; 19
  (data (i32.const 500) "file.txt")                 ;; 8
  (data (i32.const 600) "sub/../../outside.txt")    ;; 21
  (data (i32.const 700) "link_in/inner.txt")        ;; 17
  (data (i32.const 800) "link_loop/x")              ;; 11
  (data (i32.const 900) "hello\n")                  ;; 6
  ;; open(ptr, len, follow) -> errno; the new fd is stored at address 0
  (func (export "open") (param i32 i32 i32) (result i32)
    (call $path_open (i32.const 3) (local.get 2) (local.get 0) (local.get 1)
      (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 0)))
  ;; open_read(ptr, len) -> the first 4 bytes of the file, or -errno
  (func (export "open_read") (param i32 i32) (result i32)
    (local $e i32)
    (local.set $e (call $path_open (i32.const 3) (i32.const 1) (local.get 0)
      (local.get 1) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0)
      (i32.const 0)))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (i32.store (i32.const 16) (i32.const 32))   ;; iovec: buf 32, len 4
    (i32.store (i32.const 20) (i32.const 4))
    (local.set $e (call $fd_read (i32.load (i32.const 0)) (i32.const 16)
      (i32.const 1) (i32.const 24)))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (i32.load (i32.const 32)))
  (func (export "mkdir") (param i32 i32) (result i32)
    (call $mkdir (i32.const 3) (local.get 0) (local.get 1)))
  (func (export "stat") (param i32 i32) (result i32)
    (call $stat (i32.const 3) (i32.const 1) (local.get 0) (local.get 1)
      (i32.const 1000)))
  ;; write(iov_ptr, buf, len, nwritten_ptr) to stdout -> errno
  (func (export "write") (param i32 i32 i32 i32) (result i32)
    (i32.store (local.get 0) (local.get 1))
    (i32.store (i32.add (local.get 0) (i32.const 4)) (local.get 2))
    (call $fd_write (i32.const 1) (local.get 0) (i32.const 1) (local.get 3)))
  ;; write_iovs(iovs, n) with whatever is in memory -> errno
  (func (export "write_iovs") (param i32 i32) (result i32)
    (call $fd_write (i32.const 1) (local.get 0) (local.get 1) (i32.const 0)))
  (func (export "write_fd") (param i32) (result i32)
    (i32.store (i32.const 16) (i32.const 900))
    (i32.store (i32.const 20) (i32.const 6))
    (call $fd_write (local.get 0) (i32.const 16) (i32.const 1) (i32.const 24)))
  (func (export "args") (param i32 i32) (result i32)
    (call $args_get (local.get 0) (local.get 1)))
  (func (export "prestat") (param i32 i32) (result i32)
    (call $fd_prestat_get (local.get 0) (local.get 1)))
)
