"""Kernels forked from a pre-imported template process (Linux): a fresh kernel in milliseconds.

A normal kernel start execs a new Python, which then imports ipykernel, pandas and pandera: about
a second of CPU per report. Here a *template* process (:mod:`govreport_kit.running.forktemplate`,
one per worker, started once) imports them all, then forks one child per report; the child
takes a normal kernel's place (its own session, cwd, environment, ``sys.argv``, stdout/stderr to
the kernel log, a fresh connection file and IPC sockets chosen by jupyter_client) and serves.

jupyter_client sees a kernel like any other: :class:`ForkProvisioner` is a kernel provisioner
(entry point ``govreport-fork`` in ``jupyter_client.kernel_provisioners``) selected by the kernel
spec that :func:`fork_kernel_spec` returns, so papermill and nbclient are unchanged. The child is
the template's child, not the worker's: poll, signals, kill and wait go through the template,
which knows whether the pid is still its unreaped child (no pid-reuse race).

Settings: ``GOVREPORT_KERNEL_START`` = ``fork`` | ``spawn`` | ``auto`` (and ``govreport batch
--kernel-start``). ``auto``: fork when the template starts, else normal kernels, said once in the
log. ``fork``: a template that cannot start is a kernel-start failure. ``spawn``: normal kernels.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from govreport_kit.running.kernelstart import ENV_VAR, MODES, resolve_mode, supported  # noqa: F401 (re-exported)

PROVISIONER_NAME = "govreport-fork"
PROVISIONER_REF = "govreport_kit.running.forkserver:ForkProvisioner"
START_TIMEOUT = 120.0  # seconds for the template to import everything (a busy 2-core machine)
REQUEST_TIMEOUT = 60.0
MAX_MESSAGE = 1 << 20
log = logging.getLogger("govreport_kit.kernels")


class ForkServerError(RuntimeError):
    """The template could not be started or stopped answering."""


# ------------------------------------------------------------------------------------ the client
class _ForkedChild:
    """The part of ``Popen``'s interface the server uses, for a template forked from this process."""

    def __init__(self, pid: int):
        self.pid, self.returncode = pid, None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                done, status = os.waitpid(self.pid, os.WNOHANG)
            except ChildProcessError:
                done, status = self.pid, 0
            if done:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        import time

        end = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if end is not None and time.monotonic() > end:
                raise subprocess.TimeoutExpired(str(self.pid), timeout)
            time.sleep(0.01)
        return self.returncode

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except OSError:
            pass


class ForkServer:
    """The worker's handle on its template process (one request at a time, thread-safe).

    ``ForkServer()`` starts a fresh interpreter as the template; :meth:`forked` forks this process
    instead (only while it has a single thread: a batch worker's first act).
    """

    @classmethod
    def forked(cls) -> ForkServer:
        from govreport_kit.running import forktemplate

        try:
            pid, sock = forktemplate.fork_here()
        except SystemExit as e:
            raise ForkServerError(str(e.code)) from None
        self = cls.__new__(cls)
        self.proc, self.sock, self.lock, self.pid = _ForkedChild(pid), sock, threading.Lock(), pid
        self.log = tempfile.TemporaryFile(prefix="govreport-forktemplate-")  # noqa: SIM115 - kept open for the template's life
        self.sock.settimeout(REQUEST_TIMEOUT)
        return self

    def __init__(self, timeout: float = START_TIMEOUT):
        if not supported():
            raise ForkServerError("只支持 Linux")
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        self.log = tempfile.TemporaryFile(prefix="govreport-forktemplate-")  # noqa: SIM115 - kept open for the template's life
        env = dict(os.environ)
        package_root = str(Path(__file__).resolve().parents[2])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (package_root, env.get("PYTHONPATH")) if p)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "govreport_kit.running.forktemplate", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=self.log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=package_root,
            )
        finally:
            theirs.close()
        self.sock, self.lock = ours, threading.Lock()
        self.sock.settimeout(timeout)
        try:
            ready = self.sock.recv(MAX_MESSAGE)
        except OSError:
            ready = b""
        if not ready:
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
            tail = self.log_tail()
            self.close()
            raise ForkServerError(f"内核模板进程未能启动：{tail or '无输出'}")
        self.sock.settimeout(REQUEST_TIMEOUT)
        self.pid = self.proc.pid

    def request(self, req: dict[str, Any], fds: tuple[int, ...] = ()) -> dict[str, Any]:
        data = json.dumps(req).encode()
        with self.lock:
            try:
                if fds:
                    socket.send_fds(self.sock, [data], list(fds))
                else:
                    self.sock.send(data)
                reply = self.sock.recv(MAX_MESSAGE)
            except OSError as e:
                raise ForkServerError(f"内核模板进程无响应：{e}") from None
        if not reply:
            raise ForkServerError(f"内核模板进程已退出：{self.log_tail()}")
        out = json.loads(reply)
        if "error" in out:
            raise ForkServerError(out["error"])
        return out

    def fork(self, args: list[str], cwd: str, env: dict[str, str], log_fd: int) -> int:
        return int(self.request({"op": "fork", "args": args, "cwd": cwd, "env": env}, (log_fd,))["pid"])

    def poll(self, pid: int) -> int | None:
        return self.request({"op": "poll", "pid": pid})["status"]

    def signal(self, pid: int, sig: int) -> int | None:
        return self.request({"op": "signal", "pid": pid, "sig": int(sig)})["status"]

    def forget(self, pid: int) -> None:
        self.request({"op": "forget", "pid": pid})

    def ping(self) -> dict[str, Any]:
        return self.request({"op": "ping"})

    @property
    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, limit: int = 2000) -> str:
        try:
            self.log.flush()
            self.log.seek(0)
            return self.log.read().decode("utf-8", "replace")[-limit:].strip()
        except (OSError, ValueError):
            return ""

    def close(self) -> None:
        """End of file for the template: it kills its kernels and exits."""
        try:
            self.sock.close()
        except OSError:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


_SERVER: ForkServer | None = None
_FAILURE: str | None = None  # why the template could not start in this process (said once)
_LOCK = threading.Lock()


def server() -> ForkServer:
    """This process's template, started on first use (and once more if it died); else ForkServerError."""
    global _SERVER, _FAILURE
    with _LOCK:
        if _SERVER is not None and not _SERVER.alive:
            _SERVER.close()
            _SERVER = None
        if _SERVER is None:
            if _FAILURE is not None:
                raise ForkServerError(_FAILURE)
            try:
                _SERVER = ForkServer()
            except Exception as e:
                _FAILURE = (
                    str(e) if isinstance(e, ForkServerError) else f"内核模板进程未能启动：{type(e).__name__}: {e}"
                )
                raise ForkServerError(_FAILURE) from None
            import atexit

            atexit.register(shutdown)
        return _SERVER


def start_from_this_process() -> bool:
    """Fork this process's template from this process now, if it has no thread yet (else False).

    The template inherits what this process imported (shared pages, no second import)."""
    global _SERVER
    from govreport_kit.running.forktemplate import thread_count

    with _LOCK:
        if _SERVER is not None and _SERVER.alive:
            return True
        if not supported() or thread_count() != 1:
            return False
        try:
            _SERVER = ForkServer.forked()
        except Exception as e:
            log.debug("fork here failed: %s", e)
            return False
        import atexit

        atexit.register(shutdown)
        return True


def shutdown() -> None:
    """Stop this process's template (its kernels with it)."""
    global _SERVER
    with _LOCK:
        if _SERVER is not None:
            _SERVER.close()
            _SERVER = None


_WARNED = False


def fork_kernel_spec(kernel_name: str, mode: str):
    """A copy of the kernel spec that selects :class:`ForkProvisioner`, or None for a normal kernel.

    Starts the template if needed. ``mode`` ``auto``: a template that cannot start means None
    (said once in the log); ``fork``: it raises :class:`ForkServerError`.
    """
    global _WARNED
    if mode == "spawn":
        return None
    try:
        server()
        spec = _base_spec(kernel_name)
    except ForkServerError as e:
        if mode == "fork":
            raise
        if not _WARNED:
            _WARNED = True
            log.warning("内核模板进程不可用，改用普通方式启动内核（%s）", e)
        return None
    _register_provisioner()
    spec = type(spec)(**spec.to_dict())
    spec.metadata = {**spec.metadata, "kernel_provisioner": {"provisioner_name": PROVISIONER_NAME, "config": {}}}
    return spec


_SPECS: dict[str, Any] = {}


def _base_spec(kernel_name: str):
    if kernel_name not in _SPECS:
        from jupyter_client.kernelspec import KernelSpecManager

        spec = KernelSpecManager().get_kernel_spec(kernel_name)
        if _launcher_args(spec.argv) is None:
            raise ForkServerError(f"内核 {kernel_name} 不是 ipykernel 内核：{spec.argv}")
        _SPECS[kernel_name] = spec
    return _SPECS[kernel_name]


def _launcher_args(cmd: list[str]) -> list[str] | None:
    """The arguments after ``-m ipykernel_launcher`` (or ``-m ipykernel``), None for another kernel."""
    for i in range(len(cmd) - 1):
        if cmd[i] == "-m" and cmd[i + 1] in ("ipykernel_launcher", "ipykernel"):
            return list(cmd[i + 2 :])
    return None


def _register_provisioner() -> None:
    """The entry point, or the same registration in-process when the package was installed without it."""
    from importlib.metadata import EntryPoint

    from jupyter_client.provisioning.factory import KernelProvisionerFactory

    factory = KernelProvisionerFactory.instance()
    if not factory._check_availability(PROVISIONER_NAME):
        factory.provisioners[PROVISIONER_NAME] = EntryPoint(
            PROVISIONER_NAME, PROVISIONER_REF, KernelProvisionerFactory.GROUP_NAME
        )


# ------------------------------------------------------------------------------------ the provisioner
class ForkProvisioner(LocalProvisioner):
    """A :class:`LocalProvisioner` whose kernel is forked by this process's template.

    ``pre_launch`` (connection file, ports or IPC paths, environment) is the local provisioner's;
    the launch and the process lifecycle go through :class:`ForkServer`. Exit codes follow
    ``Popen.returncode`` (negative: the signal that killed it).
    """

    forked_pid: int | None = None
    exit_code: int | None = None
    server: ForkServer | None = None

    @property
    def has_process(self) -> bool:
        return self.forked_pid is not None and self.exit_code is None

    async def launch_kernel(self, cmd: list[str], **kwargs: Any):
        args = _launcher_args(cmd)
        if args is None:
            raise ForkServerError(f"不能用模板进程启动这个内核：{cmd}")
        self.server = server()
        env = {str(k): str(v) for k, v in (kwargs.get("env") or os.environ).items()}
        cwd = str(kwargs.get("cwd") or os.getcwd())
        out = kwargs.get("stdout")
        fd = out.fileno() if hasattr(out, "fileno") else (out if isinstance(out, int) and out >= 0 else 1)
        self.forked_pid = self.pid = self.pgid = self.server.fork(args, cwd, env, fd)
        self.cwd = cwd
        return self.connection_info

    async def poll(self) -> int | None:
        if self.forked_pid is None or self.exit_code is not None:
            return self.exit_code if self.forked_pid is not None else 0
        try:
            return self.server.poll(self.forked_pid)
        except ForkServerError:  # the template is gone: its kernels exit with it
            return -signal.SIGKILL

    async def wait(self) -> int | None:
        if self.forked_pid is None:
            return 0
        while (code := await self.poll()) is None:
            await asyncio.sleep(0.01)
        self.exit_code = code
        return code

    async def send_signal(self, signum: int) -> None:
        if self.has_process:
            try:
                code = self.server.signal(self.forked_pid, signum)
            except ForkServerError:
                raise ProcessLookupError(f"kernel {self.forked_pid}: template gone") from None
            if code is not None and signum == signal.SIGKILL:
                self.exit_code = code

    async def kill(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGKILL)

    async def terminate(self, restart: bool = False) -> None:
        await self.send_signal(signal.SIGTERM)

    async def cleanup(self, restart: bool = False) -> None:
        await super().cleanup(restart=restart)
        if self.forked_pid is not None and self.server is not None:
            try:
                self.server.forget(self.forked_pid)
            except ForkServerError:
                pass
            if self.exit_code is None:
                self.exit_code = -signal.SIGKILL

    async def get_provisioner_info(self) -> dict:
        info = await super().get_provisioner_info()
        info["forked_pid"] = self.forked_pid
        return info
