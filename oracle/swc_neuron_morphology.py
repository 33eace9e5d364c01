"""Oracle wrapper: neuron_morphology.py with NEURON's own messages kept off stdout.

Import3d prints notes such as "Two point section ... with 0 length has been removed" with
hoc printf, which NEURON routes to Python's sys.stdout (or fd 1), ahead of the JSON. This
runs neuron_morphology.main() with both captured, sends the notes to stderr and prints
only the JSON object.

Usage: python oracle/swc_neuron_morphology.py FILE [same options as neuron_morphology.py]
"""
import ctypes
import io
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main():
    libc = ctypes.CDLL(None)
    real_fd = os.dup(1)
    os.dup2(2, 1)
    real_stdout, buf = sys.stdout, io.StringIO()
    sys.stdout = buf
    try:
        import neuron_morphology

        neuron_morphology.main()
    finally:
        libc.fflush(None)
        os.dup2(real_fd, 1)
        sys.stdout = real_stdout
    text = buf.getvalue()
    start = text.find('{"sections"')
    if start < 0:
        sys.stderr.write(text)
        raise SystemExit("neuron_morphology.py printed no JSON")
    sys.stderr.write(text[:start])
    sys.stdout.write(text[start:])


if __name__ == "__main__":
    main()
