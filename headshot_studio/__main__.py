import multiprocessing

if __name__ == "__main__":
    # First thing: in the frozen app a helper process (core/native.py) starts this
    # executable again, and freeze_support turns it into the helper, not a second app.
    multiprocessing.freeze_support()

    from headshot_studio.cli import main

    raise SystemExit(main())
