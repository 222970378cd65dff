"""Test ISOs: build/wisp.iso's kernel with extra files in its initrd.

    iso = iso_with_files({"scripts.txt": b"..."})
    with Wisp(iso=iso) as w: ...

    iso_with_files({}, cmdline="init=systest.wasm")   # a kernel command line

The initrd is the normal one (build/initrd.img, unpacked) plus the extra
files, packed again by services/mkinitrd.py; the ISO is made by
grub-mkrescue exactly as kernel/Makefrag's rule makes build/wisp.iso.
ISOs are cached under build/test-iso/, named by a hash of everything
that goes in, so the same files on the same kernel reuse one image; the
CACHE_KEEP most recently used are kept.  Building is safe when several
pytest workers do it at once (each builds in its own temporary directory
and renames the result into place).
"""

import hashlib
import importlib.util
import os
import struct
import subprocess
import tempfile
from pathlib import Path

from .qemu import ROOT, HarnessError

CACHE = ROOT / "build" / "test-iso"
CACHE_KEEP = 8
KERNEL_ELF = ROOT / "build" / "kernel" / "wisp.elf"
INITRD = ROOT / "build" / "initrd.img"
GRUB_CFG = ROOT / "kernel" / "boot" / "grub.cfg"


def _mkinitrd():
    """services/mkinitrd.py as a module (its pack() and check_name())."""
    spec = importlib.util.spec_from_file_location("mkinitrd", ROOT / "services" / "mkinitrd.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def unpack_initrd(image):
    """The (name, bytes) files of an initrd image (format: mkinitrd.py)."""
    if image[:8] != b"WISPINIT":
        raise HarnessError("build/initrd.img is not an initrd (bad magic)")
    _version, count = struct.unpack_from("<II", image, 8)
    files = []
    for i in range(count):
        name, off, size = struct.unpack_from("<40sII", image, 16 + 48 * i)
        files.append((name.rstrip(b"\0").decode(), image[off:off + size]))
    return files


def initrd_with_files(extra, base=None):
    """The bytes of the normal initrd (or the image at base) plus extra
    ({name: bytes}); an extra file replaces a normal one of the same name."""
    mk = _mkinitrd()
    for name in extra:
        err = mk.check_name(name)
        if err:
            raise HarnessError(f"initrd file {name!r}: {err}")
    files = [(n, d) for n, d in unpack_initrd(Path(base or INITRD).read_bytes())
             if n not in extra]
    files += [(n, bytes(d)) for n, d in extra.items()]
    if len(files) > mk.MAX_FILES:
        raise HarnessError(f"{len(files)} initrd files, at most {mk.MAX_FILES}")
    return mk.pack(files)


def _prune():
    """Keep the CACHE_KEEP most recently used ISOs."""
    isos = sorted(CACHE.glob("*.iso"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in isos[CACHE_KEEP:]:
        try:
            old.unlink()
        except OSError:
            pass


def grub_cfg(cmdline):
    """kernel/boot/grub.cfg with cmdline after the kernel's path on the
    multiboot2 line (unchanged for "")."""
    cfg = GRUB_CFG.read_text()
    line = "multiboot2 /boot/wisp.elf"
    if line not in cfg:
        raise HarnessError(f"{GRUB_CFG} has no '{line}' line")
    return cfg.replace(line, f"{line} {cmdline}".rstrip(), 1)


def _make_iso(initrd, out, cfg, kernel=KERNEL_ELF):
    """Write an ISO with the kernel, initrd (bytes) and GRUB configuration
    cfg (str) to out."""
    with tempfile.TemporaryDirectory(dir=CACHE, prefix="tmp-") as tmp:
        boot = Path(tmp, "iso", "boot")
        (boot / "grub").mkdir(parents=True)
        subprocess.run(["objcopy", "--strip-debug", str(kernel), str(boot / "wisp.elf")],
                       check=True)
        (boot / "initrd.img").write_bytes(initrd)
        (boot / "grub" / "grub.cfg").write_text(cfg)
        tmp_iso = Path(tmp, "out.iso")
        r = subprocess.run(["grub-mkrescue", "-o", str(tmp_iso), str(Path(tmp, "iso"))],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise HarnessError(f"grub-mkrescue failed:\n{r.stdout}{r.stderr}")
        os.replace(tmp_iso, out)


def iso_with_files(extra, cmdline="", kernel=None, initrd=None):
    """Path of an ISO (relative to the repository root, as Wisp(iso=)
    takes) booting the current kernel (or the ELF file `kernel`, with the
    initrd image `initrd`) with the extra initrd files ({name: bytes or
    str}) and kernel command line cmdline; built on first use, then
    cached."""
    kernel, base = Path(kernel or KERNEL_ELF), Path(initrd or INITRD)
    for p in (kernel, base):
        if not p.is_file():
            raise HarnessError(f"{p} does not exist: run make first")
    extra = {n: d.encode() if isinstance(d, str) else d for n, d in extra.items()}
    initrd = initrd_with_files(extra, base)
    cfg = grub_cfg(cmdline)
    h = hashlib.sha256()
    for part in (kernel.read_bytes(), cfg.encode(), initrd):
        h.update(hashlib.sha256(part).digest())
    CACHE.mkdir(parents=True, exist_ok=True)
    out = CACHE / f"{h.hexdigest()[:20]}.iso"
    if out.is_file():
        os.utime(out)
    else:
        _make_iso(initrd, out, cfg, kernel)
        _prune()
    return str(out.relative_to(ROOT))
