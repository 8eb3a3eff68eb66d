"""`python -m dangan` runs the `dangan` command (where the script directory is not on PATH)."""

from .cli import main

if __name__ == "__main__":
    main()
