import { describe } from 'node:test';
import { normalizePath, normalizePathWin } from '../../../src/transforms/normalize-path.js';
import { table, unchanged } from './table.js';

describe('normalizePath', () => {
  table(normalizePath, [
    ['/./a/../b//c', '/b/c'],
    ['.', ''],
    ['./', ''],
    ['./..', '..'],
    ['./../', '../'],
    ['../.', '..'],
    ['.././', '../'],
    ['/dir/foo//bar', '/dir/foo/bar'],
    ['dir/foo//bar/', 'dir/foo/bar/'],
    ['dir/../foo', 'foo'],
    ['dir/../../foo', '../foo'],
    ['dir/./.././../../foo/bar', '../../foo/bar'],
    ['dir/./.././../../foo/bar/.', '../../foo/bar'],
    ['dir/./.././../../foo/bar/./', '../../foo/bar/'],
    ['dir/./.././../../foo/bar/..', '../../foo'],
    ['dir/./.././../../foo/bar/../', '../../foo/'],
    ['dir//.//..//.//..//..//foo//bar//', '../../foo/bar/'],
    ['dir/subdir/subsubdir/subsubsubdir/../../..', 'dir'],
    ['/dir/./subdir/../subsubdir/../subsubsubdir/../', '/dir/'],
    ['/./.././../../../../../../\x00/../etc/./passwd', '/etc/passwd', 'cannot climb above the root'],
    ['/../../etc/passwd', '/etc/passwd'],
    ['/a/..', '/'],
    ['//', '/'],
    ['a/..', ''],
    ['/index.php/../../../etc/passwd', '/etc/passwd'],
    ['/a/b/c/./../../g', '/a/g'],
  ]);
  unchanged(normalizePath, [
    '', '/', 'x', '/foo/bar/baz', '/foo/bar\x00/baz', '..', '../', '../..', '../../', 'a/b/', '/a.b/c.d', '/..a/b..',
  ]);
});

describe('normalizePathWin', () => {
  table(normalizePathWin, [
    ['c:\\windows\\..\\x', 'c:/x'],
    ['\\foo\\bar\\baz', '/foo/bar/baz'],
    ['\\foo\\bar\x00\\baz', '/foo/bar\x00/baz'],
    ['.\\..\\', '../'],
    ['..\\', '../'],
    ['..\\..', '../..'],
    ['\\dir\\foo\\\\bar', '/dir/foo/bar'],
    ['dir\\..\\..\\foo', '../foo'],
    ['\\.\\..\\.\\..\\..\\..\\..\\..\\..\\..\\\\0\\..\\etc\\.\\passwd', '/etc/passwd'],
    ['/a\\b/../c', '/a/c', 'mixed separators'],
    ['..\\..\\..\\boot.ini', '../../../boot.ini'],
  ]);
  unchanged(normalizePathWin, ['', 'x', '/a/b', '..']);
});
