"""Runs one untrusted program inside the bubblewrap sandbox and reports how it ended.

Protocol (see bubblewrap-sandbox.adapter.ts):
  argv:   harness.py <program path> <result fd> <timeout s> <cpu s> <address-space bytes> <nproc> <fsize bytes> <nofile>
  stdin:  one line, a random token; read, then stdin is replaced by /dev/null so the program cannot reread it.
  result: lines "<token> START", then "<token> PASS" or "<token> FAIL <json reason>", written to the result fd.
The token lets the host tell the harness's verdict from anything the program prints or writes. It does not stop a
program that deliberately inspects the harness's own stack frames; the sandbox (not the token) is the safety
boundary, the token only protects the score against accidents such as an early exit(0).
"""

import json
import os
import resource
import signal
import sys


class _Timeout(BaseException):
    # BaseException so a bare `except Exception` in the program cannot swallow the deadline.
    pass


def _write(fd, text):
    data = text.encode("utf-8", "replace")
    while data:
        n = os.write(fd, data)
        data = data[n:]


def _describe(exc):
    try:
        text = f"{type(exc).__name__}: {exc}".strip()
    except BaseException:  # noqa: BLE001 - a hostile __str__ must not cost the verdict
        text = type(exc).__name__
    if text.endswith(":"):
        text = text[:-1]
    return text[:500]


def main():
    program_path = sys.argv[1]
    result_fd = int(sys.argv[2])
    timeout_s = float(sys.argv[3])
    cpu_s, as_bytes, nproc, fsize, nofile = (int(v) for v in sys.argv[4:9])

    token = sys.stdin.readline().strip()
    devnull = os.open("/dev/null", os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)

    main_pid = os.getpid()
    with open(program_path, "r", encoding="utf-8") as fh:
        source = fh.read()

    # Hard limits equal soft limits so the program cannot raise them again.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s + 1))
    resource.setrlimit(resource.RLIMIT_AS, (as_bytes, as_bytes))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

    def on_alarm(_signum, _frame):
        raise _Timeout()

    signal.signal(signal.SIGALRM, on_alarm)
    _write(result_fd, f"{token} START\n")

    verdict = None
    try:
        code = compile(source, "program.py", "exec")
        signal.setitimer(signal.ITIMER_REAL, timeout_s)
        # Empty globals, as in the reference harnesses: `__name__` resolves to "builtins", so main blocks do not run.
        exec(code, {})
        signal.setitimer(signal.ITIMER_REAL, 0)
    except _Timeout:
        verdict = f"timed out after {timeout_s:g} s"
    except SystemExit as exc:
        verdict = f"program called exit({exc.code!r}) before its tests finished"
    except MemoryError:
        verdict = "MemoryError: address-space limit reached"
    except BaseException as exc:  # noqa: BLE001 - every failure of untrusted code is a score of 0
        verdict = _describe(exc)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)

    # A process the program forked runs this code too; only the harness itself may report.
    if os.getpid() != main_pid:
        os._exit(0)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:  # noqa: BLE001 - the program may have closed or replaced them
            pass
    if verdict is None:
        _write(result_fd, f"{token} PASS\n")
    else:
        _write(result_fd, f"{token} FAIL {json.dumps(verdict)}\n")
    os._exit(0)


if __name__ == "__main__":
    main()
