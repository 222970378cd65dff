// node_wasi.mjs: run a wasm32-wasi command module on node (V8) through
// node:wasi, the way wisp-run runs it, for `make bench`.
//
//   node bench/node_wasi.mjs prog.wasm [args...]
//
// The program sees argv = [prog.wasm, args...] and stdio; the process exits
// with the program's exit code.  node prints an ExperimentalWarning when
// node:wasi is loaded; it is dropped here (and only it) so that stderr holds
// nothing but the program's own output.

const emitWarning = process.emitWarning;
process.emitWarning = (warning, ...rest) => {
  const type = typeof rest[0] === 'string' ? rest[0] : rest[0] && rest[0].type;
  if (type === 'ExperimentalWarning' && String(warning).includes('WASI'))
    return;
  emitWarning.call(process, warning, ...rest);
};

const { WASI } = await import('node:wasi');
const { readFile } = await import('node:fs/promises');

const args = process.argv.slice(2);
if (args.length < 1) {
  process.stderr.write('usage: node node_wasi.mjs prog.wasm [args...]\n');
  process.exit(2);
}

let bytes;
try {
  bytes = await readFile(args[0]);
} catch (err) {
  process.stderr.write(`node_wasi: cannot read ${args[0]}: ${err.message}\n`);
  process.exit(2);
}

const wasi = new WASI({ version: 'preview1', args, env: {}, returnOnExit: true });
const module = await WebAssembly.compile(bytes);
// wasiImport, not getImportObject(): node 18 (Debian 12's) lacks the latter.
const imports = { wasi_snapshot_preview1: wasi.wasiImport };
const instance = await WebAssembly.instantiate(module, imports);
process.exitCode = wasi.start(instance);
