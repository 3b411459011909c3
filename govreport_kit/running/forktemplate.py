"""The fork-server template: a process that imports the kernel's heavy modules once and forks kernels.

Run by :mod:`govreport_kit.running.forkserver` as ``python -m govreport_kit.running.forktemplate FD``
where FD is its end of a ``SOCK_SEQPACKET`` socket pair with the worker. Linux only.

Before the fork nothing here creates a thread, a socket other than that pair, a zmq context, an
event loop or a BLAS thread pool (the thread counts are set to 1 before numpy is imported): the
template stays single-threaded, so ``os.fork`` copies a consistent process. It never runs report
code, so every child starts from the same untouched state.

Requests (one JSON object per message; replies likewise):

* ``{"op": "fork", "args": [...], "cwd": ..., "env": {...}}`` with the kernel's log file descriptor
  attached: fork a kernel (``args`` are ``ipykernel_launcher``'s arguments); reply ``{"pid": n}``.
* ``{"op": "signal", "pid": n, "sig": s}``: signal the kernel's process group (as jupyter_client
  does); SIGKILL also waits for the kernel to die. Reply ``{"status": code or None}``.
* ``{"op": "poll", "pid": n}``: ``{"status": None}`` while it runs, else its exit code (negative:
  killed by that signal, as ``Popen.returncode``).
* ``{"op": "forget", "pid": n}``: kill if still running, reap, forget.
* ``{"op": "ping"}``: ``{"pid": <template pid>, "threads": <threads in the template>}``.

The template reaps only the children it is asked about, so a pid it reports is never reused
while the worker may still signal it. On end of file (the worker exited or died) it kills every
kernel it forked and exits; a kernel whose template dies exits by itself (ipykernel's parent poller).
"""

from __future__ import annotations

import os
import sys

THREAD_ENV = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
    "NUMEXPR_MAX_THREADS": "1",
    "VECLIB_MAXIMUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",
}
#: What a kernel would import for a report anyway: imported once here, shared copy-on-write.
TEMPLATE_MODULES = (
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",
    "pandas",
    "pandera.pandas",
    "govreport_kit.report.notebook",
    "govreport_kit.inputs.load",
    "govreport_kit.inputs.template",
    "govreport_kit.inputs.workbook",
    "govreport_kit.inputs.narrative",
    "govreport_kit.checks.rules",
    "govreport_kit.checks.schemas",
    # what IPKernelApp.initialize imports (measured): a child then starts in about 0.1 s
    "IPython.core.completerlib",
    "IPython.core.debugger",
    "IPython.extensions.storemagic",
    "pdb",
    "faulthandler",
    "tornado.platform.asyncio",
)
MAX_MESSAGE = 1 << 20
_PATH0 = sys.path[0] if sys.path else None  # ``-m`` put the template's working directory here


def preload() -> None:
    """Import the heavy modules with one BLAS/OpenMP thread; matplotlib too when installed (Agg).

    The collector is off while importing and warming, then everything alive is frozen
    (``gc.freeze``, as CPython's documentation advises before ``fork()`` without ``exec()``) and
    the collector turned back on: no later collection, in the worker, the template or a kernel,
    writes into these objects, so their pages stay shared.
    """
    import gc

    gc.disable()
    try:
        _import_heavy_modules()
        warm()
    finally:
        gc.freeze()
        gc.enable()
    check_clean()


def _import_heavy_modules() -> None:
    import importlib

    for k, v in THREAD_ENV.items():
        os.environ.setdefault(k, v)
    for name in TEMPLATE_MODULES:
        importlib.import_module(name)
    try:
        import matplotlib
    except ImportError:
        pass
    else:
        matplotlib.use("Agg")  # selected, not yet loaded: no GUI toolkit, no thread
        import matplotlib.pyplot  # noqa: F401

        for name in ("matplotlib.figure", "matplotlib.backends.backend_svg"):  # the report's charts
            importlib.import_module(name)


def warm() -> None:
    """Run the report's steps once, on a synthetic agency, before any kernel is forked.

    Every kernel would otherwise fill the same lazy caches again: matplotlib's CJK font (a forked
    kernel's charts took 0.31 s before, 0.20 s after, measured), compiled Jinja templates and
    regexes, the readers' first calls. Filled here, they are shared copy-on-write by every kernel. Only made-up numbers
    pass through (no agency's data, no file of the project), so a kernel still starts with nothing
    any report left; a failure here only costs the speed-up.
    """
    import tempfile
    from pathlib import Path

    try:
        from govreport_kit.authoring import synth
        from govreport_kit.core import versions
        from govreport_kit.report import notebook as report

        item = synth.synth_agency_years(1, seed=1, years=(2022, 2023))[0]
        with tempfile.TemporaryDirectory(prefix="grk-warm-") as d:
            synth.write_agency(d, item)
            params = Path(d) / item.agency.code / "2023.yaml"
            model = report.load(item.agency.code, 2023, str(params))
            findings = report.check(model, report.findings_payload(model, report.compute_findings(model)))
            report.show_title(model)
            report.show_findings(findings)
            for part in ("overview", "problems", "other"):
                report.show_part(model, part)
            for table in ("table2", "table3", "table4"):
                report.show_table(model, table, findings)
            report.show_appendix(model)
            report.frames(model)
            versions.package_versions()  # read from the installed packages' metadata: 13 files
    except Exception as e:  # pragma: no cover - the kernels still work, only slower
        print(f"govreport fork template: warm-up skipped ({type(e).__name__}: {e})", file=sys.stderr)


def check_clean() -> None:
    """Refuse to serve (the worker falls back to normal kernels) if an import left a thread or a zmq context."""
    threads = thread_count()
    zmq = sys.modules.get("zmq")
    if threads != 1 or (zmq is not None and zmq.Context._instance is not None):
        raise SystemExit(f"模板进程在 fork 之前有 {threads} 个线程或已有 zmq 上下文，不能安全 fork")


def thread_count() -> int:
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        import threading

        return threading.active_count()


class Template:
    def __init__(self, sock):
        self.sock = sock
        self.children: dict[int, int | None] = {}  # pid -> exit code once reaped

    def serve(self) -> None:
        import json
        import socket

        while True:
            try:
                data, fds, _flags, _addr = socket.recv_fds(self.sock, MAX_MESSAGE, 1)
            except (ConnectionResetError, KeyboardInterrupt):
                data, fds = b"", []
            if not data:
                break
            try:
                reply = self.handle(json.loads(data), fds)
            except Exception as e:  # a bad request is answered, never fatal
                reply = {"error": f"{type(e).__name__}: {e}"}
            finally:
                for fd in fds:
                    os.close(fd)
            try:
                self.sock.send(json.dumps(reply).encode())
            except OSError:
                break
        self.kill_all()

    def handle(self, req: dict, fds: list[int]) -> dict:
        op, pid = req.get("op"), req.get("pid")
        if op == "ping":
            return {"pid": os.getpid(), "threads": thread_count()}
        if op == "fork":
            return {"pid": self.fork(req["args"], req["cwd"], req["env"], fds[0] if fds else None)}
        if pid not in self.children:
            return {"error": f"unknown pid {pid}"}
        if op == "poll":
            return {"status": self.reap(pid, block=False)}
        if op == "signal":
            return {"status": self.signal(pid, int(req["sig"]))}
        if op == "forget":
            status = self.signal(pid, 9)
            self.children.pop(pid, None)
            return {"status": status}
        return {"error": f"unknown op {op}"}

    def reap(self, pid: int, block: bool) -> int | None:
        if self.children.get(pid) is not None:
            return self.children[pid]
        try:
            done, status = os.waitpid(pid, 0 if block else os.WNOHANG)
        except ChildProcessError:
            done, status = pid, 0
        if done == 0:
            return None
        self.children[pid] = os.waitstatus_to_exitcode(status)
        return self.children[pid]

    def signal(self, pid: int, sig: int) -> int | None:
        """Signal the kernel's process group (the kernel leads its own session), then the kernel."""
        status = self.reap(pid, block=False)
        if status is not None:  # already dead and reaped: the pid may belong to someone else now
            return status
        try:
            os.killpg(pid, sig)
        except OSError:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        return self.reap(pid, block=True) if sig == 9 else None

    def kill_all(self) -> None:
        for pid in list(self.children):
            self.signal(pid, 9)

    def fork(self, args: list[str], cwd: str, env: dict[str, str], log_fd: int | None) -> int:
        pid = os.fork()
        if pid:
            self.children[pid] = None
            return pid
        code = 1
        try:  # the child: never return into the template's loop
            code = become_kernel(self.sock, args, cwd, env, log_fd)
        except SystemExit as e:
            code = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
        return 0  # not reached


def set_process_name(name: str) -> None:
    """The name ``ps``/psutil show (``comm``): tells the template and forked kernels apart from the worker."""
    try:
        with open("/proc/self/comm", "w") as f:
            f.write(name[:15])
    except OSError:
        pass


def become_kernel(sock, args: list[str], cwd: str, env: dict[str, str], log_fd: int | None) -> int:
    """In the forked child: take a normal kernel's place (session, stdio, cwd, env, argv), then serve."""
    import signal

    set_process_name("grk-kernel")
    parent = os.getppid()
    os.setsid()  # as jupyter_client's launcher (start_new_session): signals go to the kernel's group
    sock.close()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    os.close(null)
    if log_fd is not None:
        os.dup2(log_fd, 1)
        os.dup2(log_fd, 2)
        if log_fd > 2:
            os.close(log_fd)
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGPIPE, signal.SIGCHLD):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    os.environ["JPY_PARENT_PID"] = str(parent)  # the kernel exits when its template does
    _restore_matplotlib_backend(env)
    _reseed()
    import ipykernel.kernelapp as app

    launcher = os.path.join(os.path.dirname(os.path.dirname(app.__file__)), "ipykernel_launcher.py")
    sys.argv = [launcher, *args]
    if sys.path and sys.path[0] == _PATH0:
        sys.path[0] = cwd  # ``python -m ipykernel_launcher`` puts its working directory first
    # parent_handle's default is read from the environment when ipykernel is imported: say it here
    app.launch_new_instance(argv=[*args, f"--IPKernelApp.parent_handle={parent}"])
    return 0


def _restore_matplotlib_backend(env: dict[str, str]) -> None:
    """The template loaded matplotlib with Agg; a kernel picks its backend as a fresh one would."""
    mpl = sys.modules.get("matplotlib")
    if mpl is None:
        return
    try:  # ipykernel sets MPLBACKEND to its inline backend when unset; pyplot switches on first use
        mpl.rcParams["backend"] = env.get("MPLBACKEND") or "module://matplotlib_inline.backend_inline"
    except Exception:
        pass


def _reseed() -> None:
    """Fresh random state per kernel (``random`` reseeds itself after a fork; numpy does not)."""
    np = sys.modules.get("numpy")
    if np is not None:
        np.random.seed()


def fork_here():
    """Make a template by forking this process (which must have no thread yet); returns (pid, socket).

    A batch worker does this first thing, before papermill and its threads: the template then
    shares the worker's imported pages instead of importing them a second time.
    """
    import socket

    preload()  # SystemExit when this process is not clean enough to fork
    ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    pid = os.fork()
    if pid:
        theirs.close()
        return pid, ours
    code = 0
    try:
        ours.close()
        keep = theirs.fileno()
        os.closerange(3, keep)  # the worker's pipes (its job queue) are none of the template's business
        os.closerange(keep + 1, 65536)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        import signal

        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        set_process_name("grk-template")
        Template(theirs).serve()
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    finally:
        os._exit(code)


def main(argv: list[str]) -> int:
    import socket

    sock = socket.socket(fileno=int(argv[0]))
    set_process_name("grk-template")
    os.dup2(2, 1)  # stray prints of imported modules go to the log, not to the worker
    if os.environ.get("GOVREPORT_FORKTEMPLATE_FAIL"):  # tests: a template that cannot start
        raise SystemExit(f"GOVREPORT_FORKTEMPLATE_FAIL={os.environ['GOVREPORT_FORKTEMPLATE_FAIL']}")
    preload()
    sock.send(b'{"ready": true}')
    Template(sock).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
