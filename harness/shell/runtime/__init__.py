"""Node runtimes: where nodes live and how the controller controls processes on them."""

from harness.kernel.nodes import ExecError, ExecResult, NodeRuntime, ProcessHandle

__all__ = ["ExecError", "ExecResult", "NodeRuntime", "ProcessHandle"]
