;; badimport: a WASI command that imports a function the kernel does not
;; provide.  Spawning it must fail with "unknown import: env.missing".
(module
  (import "env" "missing" (func $missing))
  (func (export "_start") (call $missing)))
