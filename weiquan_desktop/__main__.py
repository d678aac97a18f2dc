from weiquan_desktop.cli import main

if __name__ == "__main__":  # not when a worker process (weiquan_desktop/worker.py) imports the main module
    raise SystemExit(main())
