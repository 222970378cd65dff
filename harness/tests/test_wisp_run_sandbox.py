"""wisp-run's sandbox: guest paths never leave a --dir directory (through
"..", absolute paths or symlinks), and bad guest pointers get EFAULT (21),
checked both through wasi-libc (escape.c) and by calling WASI directly
(wasi_raw.wat, through --invoke)."""
import os

import pytest

from test_wisp_run_helpers import artifact, invoke, text, wisp_run

EFAULT, EBADF, ELOOP, ENOTCAPABLE = 21, 8, 32, 76


@pytest.fixture
def box(tmp_path):
    """tmp/box, the preopened directory, with files, an inner symlink and
    symlinks that point out of it; tmp/outside.txt is a secret next to it."""
    (tmp_path / 'outside.txt').write_text('SECRET!')
    box = tmp_path / 'box'
    (box / 'sub').mkdir(parents=True)
    (box / 'file.txt').write_text('inside file')
    (box / 'sub' / 'inner.txt').write_text('inner file')
    os.symlink('sub', box / 'link_in')
    os.symlink('..', box / 'link_up')
    os.symlink('/etc', box / 'link_abs')
    os.symlink('link_loop', box / 'link_loop')
    return box


ESCAPE_EXPECTED = """\
open file.txt: OPENED [inside f]
open sub/inner.txt: OPENED [inner fi]
open link_in/inner.txt: OPENED [inner fi]
open sub/../file.txt: OPENED [inside f]
open ./sub/./../sub/inner.txt: OPENED [inner fi]
open ../outside.txt: denied
open sub/../../outside.txt: denied
open link_up/outside.txt: denied
open link_abs/passwd: denied
open /etc/passwd: denied
open ..: denied
stat ..: denied
stat link_up: denied
stat link_in: OK
mkdir ../evil: denied
rename to ../stolen: denied
opendir ..: denied
opendir link_up: denied
unlink link_up/outside.txt: denied
symlink ../outside.txt: made
open made_up: denied
symlink /etc/passwd: refused
open made_abs: denied
"""


def test_libc_program_cannot_escape(box):
    out = wisp_run('--dir', f'{box}:.', artifact('escape.wasm'))
    assert out.returncode == 0, text(out.stderr)
    assert text(out.stdout) == ESCAPE_EXPECTED
    outside = box.parent
    assert (outside / 'outside.txt').read_text() == 'SECRET!'
    assert sorted(os.listdir(outside)) == ['box', 'outside.txt']
    assert (box / 'file.txt').exists()


def raw(box, func, *args):
    """Calls wasi_raw.wat's export with the box preopened as fd 3; returns
    the integer it printed."""
    out = invoke(artifact('wasi_raw.wasm'), func, *args,
                 opts=('--dir', f'{box}:.'))
    assert out.returncode == 0, text(out.stderr)
    return int(out.stdout.decode().splitlines()[-1])


# (data offset, length) of the paths in wasi_raw.wat's data segments
PATHS = {'../outside.txt': (100, 14), '/etc/passwd': (200, 11),
         'link_abs/passwd': (300, 15), 'link_up/outside.txt': (400, 19),
         'file.txt': (500, 8), 'sub/../../outside.txt': (600, 21),
         'link_in/inner.txt': (700, 17), 'link_loop/x': (800, 11)}


@pytest.mark.parametrize('path', ['../outside.txt', '/etc/passwd',
                                  'link_abs/passwd', 'link_up/outside.txt',
                                  'sub/../../outside.txt'])
@pytest.mark.parametrize('follow', [0, 1])
def test_path_open_escapes_are_not_capable(box, path, follow):
    assert raw(box, 'open', *PATHS[path], follow) == ENOTCAPABLE


def test_path_open_inside_works(box):
    assert raw(box, 'open', *PATHS['file.txt'], 0) == 0
    # the first four bytes of sub/inner.txt, read through the link_in symlink
    assert raw(box, 'open_read', *PATHS['link_in/inner.txt']) == \
        int.from_bytes(b'inne', 'little')


def test_symlink_loop_is_eloop(box):
    assert raw(box, 'open', *PATHS['link_loop/x'], 1) == ELOOP


def test_mkdir_and_stat_outside_are_not_capable(box):
    assert raw(box, 'mkdir', 100, 7) == ENOTCAPABLE     # "../outs"
    assert raw(box, 'stat', *PATHS['/etc/passwd']) == ENOTCAPABLE
    assert raw(box, 'stat', *PATHS['link_up/outside.txt']) == ENOTCAPABLE
    assert not (box.parent / 'outs').exists()


def test_fd_write_good_pointers(box):
    out = invoke(artifact('wasi_raw.wasm'), 'write', 16, 900, 6, 24,
                 opts=('--dir', f'{box}:.'))
    assert out.stdout == b'hello\n0\n'


@pytest.mark.parametrize('args', [
    (16, 65530, 100, 24),        # the buffer runs off the end of memory
    (16, 900, 6, 65534),         # nwritten does not fit
    (16, 0xfffffff0, 6, 24),     # a "negative" pointer
])
def test_fd_write_bad_pointers_are_efault(box, args):
    out = invoke(artifact('wasi_raw.wasm'), 'write', *args)
    assert out.returncode == 0, text(out.stderr)
    assert out.stdout == b'21\n'     # nothing written before the EFAULT


def test_bad_iovec_array_is_efault():
    assert invoke(artifact('wasi_raw.wasm'), 'write_iovs', 65535, 1).stdout \
        == b'21\n'


@pytest.mark.parametrize('ptrs,buf', [(65534, 0), (0, 65535)])
def test_args_get_bad_pointers_are_efault(ptrs, buf):
    assert invoke(artifact('wasi_raw.wasm'), 'args', ptrs, buf).stdout \
        == b'21\n'


def test_prestat(box):
    assert raw(box, 'prestat', 3, 64) == 0
    assert raw(box, 'prestat', 3, 65533) == EFAULT
    assert raw(box, 'prestat', 99, 64) == EBADF
    assert raw(box, 'write_fd', 99) == EBADF
