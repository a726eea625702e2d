"""The ``voyager`` command that ``pip install libvoyager`` puts on the PATH: the Rust CLI itself,
run inside this process by the extension module, which holds the wheel's one copy of the core."""

from __future__ import annotations

import signal
import sys


def main() -> None:
    from ._voyager import cli_main

    # Ctrl-C ends the command as it ends the native binary, not at Python's next bytecode.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    sys.exit(cli_main(["voyager", *sys.argv[1:]]))


if __name__ == "__main__":
    main()
