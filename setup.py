"""The build's one step beyond pyproject.toml: a wheel carries what an archive is made from.

The repository's schemas/, records/policy.yaml (the default policy), mkdocs.yml and site/ are copied
into the wheel as dangan/bundle/ (read by dangan.bundle, which lists the same four). Nothing is copied
in the source tree: an editable install reads the repository's own files, so they exist once."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
CONTENTS = ("schemas", "records/policy.yaml", "mkdocs.yml", "site")  # dangan.bundle.CONTENTS


class BuildWithBundle(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return
        bundle = Path(self.build_lib) / "dangan" / "bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        for name in CONTENTS:
            source, target = HERE / name, bundle / name
            if not source.exists():
                raise SystemExit(f"setup.py: {source} is missing: a wheel without it cannot start an archive")
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".*"))
            else:
                shutil.copy2(source, target)


setup(cmdclass={"build_py": BuildWithBundle})
