"""Where and with what the figures were measured: machine, versions, commit, date."""

from __future__ import annotations

import datetime as dt
import os
import platform
import subprocess
from importlib import metadata
from typing import Any

import psutil

from benchmarks.server import CHROMIUM, PROJECT

BLAS_ENV = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")  # set on some machines; they slow NumPy
PACKAGES = ("streamlit", "polars", "altair", "numpy", "pandas", "pyarrow", "playwright", "psutil")


def describe() -> dict[str, Any]:
    """Everything a reader needs to judge whether the figures apply to their machine."""
    return {
        "date": now_iso(),
        "machine": machine(),
        "versions": versions(),
        "git": git_state(),
    }


def now_iso() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def machine() -> dict[str, Any]:
    """CPU model, cores, memory, OS, load, and the BLAS environment variables."""
    return {
        "cpu": cpu_model(),
        "logical_cores": psutil.cpu_count(logical=True),
        "physical_cores": psutil.cpu_count(logical=False),
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "env": {k: os.environ[k] for k in BLAS_ENV if k in os.environ},
    }


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo, or what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def versions() -> dict[str, str]:
    """Python, the libraries on the measured paths, and Chromium."""
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    found["chromium"] = _command_output([CHROMIUM, "--version"])
    return found


def git_state() -> dict[str, Any]:
    """The commit measured, and whether the work tree had changes outside results."""
    commit = _command_output(["git", "rev-parse", "HEAD"])
    status = _command_output(["git", "status", "--porcelain", "--", ".", ":!benchmarks/results"])
    return {"commit": commit, "dirty": bool(status)}


def _command_output(command: list[str]) -> str:
    """A command's stripped stdout, or "" if it cannot run."""
    try:
        done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
