"""forkserver.py: kernels forked from a pre-imported template behave as jupyter_client expects.

Real template process, real forked kernels, driven through a plain ``KernelManager``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from govreport_kit.running import forkserver, kernels

pytestmark = [pytest.mark.kernel, pytest.mark.skipif(not forkserver.supported(), reason="fork server: Linux only")]


def _run(kc, code: str, timeout: float = 60) -> list[str]:
    """Execute ``code``; return the text it printed."""
    out: list[str] = []

    def hook(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("ERROR " + msg["content"]["ename"] + ": " + msg["content"]["evalue"])

    kc.execute_interactive(code, timeout=timeout, output_hook=hook)
    return "".join(out).split()


@pytest.fixture
def forked(tmp_path):
    """Start forked kernels (cwd ``tmp_path``); every one is disposed at the end."""
    started = []

    def start(**kw):
        km = kernels.start_kernel(cwd=tmp_path, start="fork", **kw)
        assert km.govreport_start == "fork"
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        started.append((km, kc))
        return km, kc

    yield start
    for km, kc in started:
        kc.stop_channels()
        kernels.dispose_kernel(km)


def test_template_is_single_threaded_and_a_forked_kernel_looks_like_a_normal_one(forked, tmp_path, monkeypatch):
    monkeypatch.setenv("GOVREPORT_TEST_MARK", "child-env")
    km, kc = forked()
    template = forkserver.server()
    assert template.ping()["threads"] == 1  # no thread, so fork copies a consistent process
    words = _run(
        kc,
        textwrap.dedent("""\
        import os, sys
        print(os.getcwd(), os.environ.get("GOVREPORT_TEST_MARK"), os.getppid(), os.getpgid(0) == os.getpid(),
              os.path.basename(sys.argv[0]), sys.path[0], "pandas" in sys.modules, "LEFT" in globals())
        """),
    )
    assert words == [
        str(tmp_path),
        "child-env",
        str(template.pid),
        "True",
        "ipykernel_launcher.py",
        str(tmp_path),
        "True",
        "False",
    ]
    pid = km.provisioner.forked_pid
    assert km.is_alive() and km.provisioner.pid == pid


def test_interrupt_kill_and_exit_codes_go_through_the_template(forked):
    km, kc = forked()
    msg_id = kc.execute("import time; print('sleeping', flush=True); time.sleep(120)")
    while True:  # interrupt once the cell runs
        msg = kc.get_iopub_msg(timeout=30)
        if msg["msg_type"] == "stream" and msg["parent_header"].get("msg_id") == msg_id:
            break
    km.interrupt_kernel()  # SIGINT to the kernel's process group, as for a normal kernel
    reply = kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["ename"] == "KeyboardInterrupt"
    assert km.is_alive()
    kernels.kill_kernel(km)  # SIGKILL: the template reaps it before answering
    assert not km.is_alive()
    assert km.provisioner.exit_code == -signal.SIGKILL

    km2, kc2 = forked()
    kc2.execute("import os; os._exit(7)")
    for _ in range(200):
        if not km2.is_alive():
            break
        import time

        time.sleep(0.05)
    assert not km2.is_alive()
    assert forkserver.server().poll(km2.provisioner.forked_pid) == 7


def test_graceful_shutdown_and_cleanup(forked):
    km, kc = forked()
    pid = km.provisioner.forked_pid
    km.shutdown_kernel(now=False)  # a shutdown_request, then wait: the kernel exits by itself
    assert not km.has_kernel and km.provisioner.exit_code is not None
    with pytest.raises(forkserver.ForkServerError):  # forgotten by the template after cleanup
        forkserver.server().poll(pid)


def test_each_kernel_starts_from_the_untouched_template(forked):
    _, kc = forked()
    _run(
        kc,
        textwrap.dedent("""\
        import os, sys, threading, pandas
        LEFT = 1
        pandas.isna = lambda *a, **k: "patched"
        sys.modules["govreport_leak"] = object()
        os.chdir("/")
        threading.Thread(target=threading.Event().wait, name="leaked-thread").start()
        import numpy; print(numpy.random.randint(0, 2**31))
        """),
    )
    _, kc2 = forked()
    words = _run(
        kc2,
        textwrap.dedent("""\
        import os, sys, threading, pandas
        print("LEFT" in globals(), pandas.isna(None), "govreport_leak" in sys.modules, os.getcwd() == "/",
              any(t.name == "leaked-thread" for t in threading.enumerate()))
        """),
    )
    assert words == ["False", "True", "False", "False", "False"]


def test_numpy_random_state_is_fresh_per_kernel(forked):
    draws = []
    for _ in range(2):
        _, kc = forked()
        draws.append(_run(kc, "import numpy; print(numpy.random.randint(0, 2**62))"))
    assert draws[0] != draws[1]


def _subprocess(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )


def test_a_template_that_cannot_start_falls_back_to_normal_kernels_and_says_so_once():
    res = _subprocess(
        """\
        from govreport_kit.running import kernels
        modes = []
        for _ in range(2):
            km = kernels.start_kernel(start="auto")
            modes.append(km.govreport_start)
            kernels.dispose_kernel(km)
        print(*modes)
        try:
            kernels.start_kernel(start="fork")
        except Exception as e:
            print(type(e).__name__)
        """,
        GOVREPORT_FORKTEMPLATE_FAIL="1",
    )
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["spawn", "spawn", "ForkServerError"]
    assert res.stderr.count("内核模板进程不可用，改用普通方式启动内核") == 1
    assert "GOVREPORT_FORKTEMPLATE_FAIL=1" in res.stderr


def test_the_setting_forces_either_mode(monkeypatch):
    assert forkserver.resolve_mode(None, "spawn") == "spawn"
    monkeypatch.setenv(forkserver.ENV_VAR, "fork")
    assert forkserver.resolve_mode(None, "spawn") == "fork"
    assert forkserver.resolve_mode("spawn", "auto") == "spawn"  # an explicit option wins
    monkeypatch.setenv(forkserver.ENV_VAR, "spawn")
    km = kernels.start_kernel(default_start="auto")
    try:
        assert km.govreport_start == "spawn"
    finally:
        kernels.dispose_kernel(km)


def test_kernels_die_with_their_worker():
    """The worker exits without cleaning up: the template sees end of file and kills its kernels."""
    res = _subprocess("""\
        import os
        from govreport_kit.running import kernels
        km = kernels.start_kernel(start="fork")
        km.client().wait_for_ready(timeout=60)
        print(km.provisioner.forked_pid, flush=True)
        os._exit(0)
        """)
    assert res.returncode == 0, res.stderr
    pid = int(res.stdout.split()[0])
    import time

    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        pytest.fail(f"kernel {pid} outlived its worker")


def test_a_single_threaded_process_can_be_its_own_template():
    """What a pool worker does first: import, fork the template from itself, then go on (threads allowed)."""
    res = _subprocess("""\
        import os, threading
        from govreport_kit.running import forkserver, kernels
        print(forkserver.start_from_this_process())
        threading.Thread(target=lambda: None).start()  # the worker may have threads from now on
        srv = forkserver.server()
        km = kernels.start_kernel(start="fork")
        kc = km.client(); kc.start_channels(); kc.wait_for_ready(timeout=60)
        print(srv.pid != os.getpid(), srv.ping()["threads"], open(f"/proc/{srv.pid}/comm").read().strip(),
              open(f"/proc/{km.provisioner.forked_pid}/comm").read().strip(), km.is_alive())
        kc.stop_channels(); kernels.dispose_kernel(km)
        forkserver.shutdown()
        print(srv.alive)
        """)
    assert res.returncode == 0, res.stderr
    assert res.stdout.split() == ["True", "True", "1", "grk-template", "grk-kernel", "True", "False"]
