"""Compile and load the project's NMODL mechanisms (oracle/mod/*.mod) into NEURON.

    import nrnmech
    h = nrnmech.load()   # returns neuron.h with every mechanism in oracle/mod available

Every .mod file in oracle/mod is compiled together with the venv's nrnivmodl. The library is
named after a hash of the .mod files (names and contents), so a changed or added .mod file
gives a new library: a stale one is never loaded and a library another process has loaded is
never overwritten. Building happens in a private temporary directory under an exclusive
fcntl lock (oracle/mod/x86_64/.build.lock), then the finished library is renamed into place,
so two processes calling load() at once build it once and both load a complete file.
"""
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
MOD_DIR = os.path.join(HERE, "mod")
BUILD_DIR = os.path.join(MOD_DIR, "x86_64")

_loaded = None


def _mod_files():
    files = sorted(f for f in os.listdir(MOD_DIR) if f.endswith(".mod"))
    if not files:
        raise SystemExit(f"nrnmech: no .mod files in {MOD_DIR}")
    return files


def _digest(files):
    h = hashlib.sha256()
    for f in files:
        h.update(f.encode())
        h.update(b"\0")
        with open(os.path.join(MOD_DIR, f), "rb") as fh:
            h.update(fh.read())
        h.update(b"\0")
    return h.hexdigest()[:16]


def _nrnivmodl():
    # The nrnivmodl next to this interpreter (the venv's), else the one on PATH.
    cand = os.path.join(os.path.dirname(sys.executable), "nrnivmodl")
    if os.path.exists(cand):
        return cand
    found = shutil.which("nrnivmodl")
    if not found:
        raise SystemExit("nrnmech: nrnivmodl not found next to python nor on PATH")
    return found


def _build(files, target):
    tmp = tempfile.mkdtemp(prefix="build-", dir=BUILD_DIR)
    try:
        for f in files:
            shutil.copy(os.path.join(MOD_DIR, f), tmp)
        r = subprocess.run([_nrnivmodl()], cwd=tmp, capture_output=True, text=True)
        lib = None
        for cand in ("x86_64/libnrnmech.so", "x86_64/.libs/libnrnmech.so",
                     "arm64/libnrnmech.so", "aarch64/libnrnmech.so"):
            p = os.path.join(tmp, cand)
            if os.path.exists(p):
                lib = p
                break
        if r.returncode != 0 or lib is None:
            raise SystemExit(
                f"nrnmech: nrnivmodl failed in {tmp} (rc {r.returncode})\n{r.stdout[-4000:]}\n{r.stderr[-4000:]}")
        partial = target + f".part{os.getpid()}"
        shutil.copy(lib, partial)
        os.replace(partial, target)  # atomic: readers see the old state or the whole library
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def library_path():
    """Path of the compiled library for the present .mod files, building it when missing."""
    files = _mod_files()
    os.makedirs(BUILD_DIR, exist_ok=True)
    target = os.path.join(BUILD_DIR, f"libnrnmech-{_digest(files)}.so")
    if os.path.exists(target):
        return target
    with open(os.path.join(BUILD_DIR, ".build.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not os.path.exists(target):  # another process may have built it meanwhile
                _build(files, target)
                # Libraries of older .mod sets are stale; unlinking is safe even if mapped.
                for f in os.listdir(BUILD_DIR):
                    p = os.path.join(BUILD_DIR, f)
                    if f.startswith("libnrnmech-") and f.endswith(".so") and p != target:
                        os.unlink(p)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


def load():
    """Build if needed and load the mechanisms into this process's NEURON; returns neuron.h."""
    global _loaded
    from neuron import h
    if _loaded is None:
        lib = library_path()
        if not h.nrn_load_dll(lib):
            raise SystemExit(f"nrnmech: NEURON could not load {lib}")
        _loaded = lib
    return h


if __name__ == "__main__":
    print(library_path())
