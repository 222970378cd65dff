//! wc [FILE...]: lines, words and bytes of each file, or of what is
//! typed (up to Ctrl-D) when no file is named: a program in Rust, built
//! with Debian's rustc for wasm32-wasi and its packaged standard library.
//!
//! Nothing in it knows about Wisp: std::fs and std::io go through
//! wasi-libc to WASI calls, which Wisp's kernel turns into calls to the
//! file and console services.  A file that cannot be read is an error
//! message and exit status 1, as in every other wc.

use std::env;
use std::fs;
use std::io::{self, Read};
use std::process;

/// The counts of one input.
#[derive(Default)]
struct Counts {
    lines: usize,
    words: usize,
    bytes: usize,
}

/// count: the counts of bytes (a word is a run of non-blank bytes).
fn count(bytes: &[u8]) -> Counts {
    let mut c = Counts { bytes: bytes.len(), ..Default::default() };
    let mut in_word = false;
    for &b in bytes {
        if b == b'\n' {
            c.lines += 1;
        }
        let blank = b.is_ascii_whitespace();
        if !blank && !in_word {
            c.words += 1;
        }
        in_word = !blank;
    }
    c
}

/// show: one line of output, as wc prints it.
fn show(c: &Counts, name: &str) {
    println!("{:7} {:7} {:7} {}", c.lines, c.words, c.bytes, name);
}

fn main() {
    let files: Vec<String> = env::args().skip(1).collect();
    if files.is_empty() {
        let mut input = Vec::new();
        if let Err(e) = io::stdin().read_to_end(&mut input) {
            eprintln!("wc: standard input: {}", e);
            process::exit(1);
        }
        show(&count(&input), "");
        return;
    }
    let mut total = Counts::default();
    let mut failed = false;
    for name in &files {
        match fs::read(name) {
            Ok(bytes) => {
                let c = count(&bytes);
                show(&c, name);
                total.lines += c.lines;
                total.words += c.words;
                total.bytes += c.bytes;
            }
            Err(e) => {
                eprintln!("wc: {}: {}", name, e);
                failed = true;
            }
        }
    }
    if files.len() > 1 {
        show(&total, "total");
    }
    process::exit(if failed { 1 } else { 0 });
}
