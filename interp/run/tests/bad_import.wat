;; bad_import.wat: imports something no one provides.
(module
  (import "env" "foo" (func $foo (param i32)))
  (func (export "_start") (call $foo (i32.const 1))))
