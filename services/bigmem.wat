;; bigmem: a module whose memory (300 pages) is over the limit a process
;; may have (PROC_MEM_MAX_PAGES = 256): spawning it is a limit error.
(module
  (memory 300)
  (func (export "_start")))
