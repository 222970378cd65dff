;; bad_sig.wat: imports a WASI function with the wrong type.
(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32) (result i32)))
  (func (export "_start") (drop (call $w (i32.const 1)))))
