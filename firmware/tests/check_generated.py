#!/usr/bin/env python3
"""Runs one self-test generator again into a folder of the build and compares
every file it writes with the committed one beside the generator: a
generator changed without its output committed (or an output edited by hand)
fails here, with the first differing line.
Usage: check_generated.py GENERATOR OUTDIR"""
import difflib
import os
import subprocess
import sys


def main():
    gen, out = sys.argv[1], sys.argv[2]
    src = os.path.dirname(os.path.abspath(gen))
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.remove(os.path.join(out, old))
    r = subprocess.run([sys.executable, os.path.abspath(gen)], cwd=out, capture_output=True, text=True)
    if r.returncode != 0:
        print('%s failed (exit %d): %s' % (os.path.basename(gen), r.returncode, r.stderr.strip()))
        return 1
    made = sorted(os.listdir(out))
    if not made:
        print('%s wrote nothing' % os.path.basename(gen))
        return 1
    bad = 0
    for name in made:
        committed = os.path.join(src, name)
        new = open(os.path.join(out, name)).read().splitlines()
        old = open(committed).read().splitlines() if os.path.exists(committed) else None
        if old is None:
            print('FAIL %s: generated, but not committed beside %s' % (name, os.path.basename(gen)))
            bad += 1
        elif old != new:
            diff = list(difflib.unified_diff(old, new, 'committed/' + name, 'generated/' + name, lineterm='', n=1))
            print('FAIL %s differs from what %s writes now:\n%s' % (name, os.path.basename(gen), '\n'.join(diff[:12])))
            bad += 1
        else:
            print('ok   %s (%d lines) is what %s writes' % (name, len(new), os.path.basename(gen)))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
