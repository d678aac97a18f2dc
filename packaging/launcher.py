"""Entry point of the frozen (PyInstaller) program: the same command line as ``weiquan-desktop``."""

import multiprocessing
import sys

from weiquan_desktop.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # a worker process (weiquan_desktop/worker.py) starts this program too
    sys.exit(main())
