//! cp SRC DST: copies the file SRC to DST (made, or emptied first):
//! a program in Rust, built with Debian's rustc for wasm32-wasi and its
//! packaged standard library.
//!
//! Like wc, it knows nothing about Wisp: std::fs::read and
//! std::fs::write become WASI's path_open, fd_read and fd_write, which
//! the kernel turns into calls to the file service.  It prints nothing
//! when all goes well; an error names the file and ends with status 1.

use std::env;
use std::fs;
use std::process;

fn main() {
    let args: Vec<String> = env::args().skip(1).collect();
    if args.len() != 2 {
        eprintln!("usage: cp SRC DST");
        process::exit(2);
    }
    let data = fs::read(&args[0]).unwrap_or_else(|e| {
        eprintln!("cp: {}: {}", args[0], e);
        process::exit(1);
    });
    if let Err(e) = fs::write(&args[1], &data) {
        eprintln!("cp: {}: {}", args[1], e);
        process::exit(1);
    }
}
