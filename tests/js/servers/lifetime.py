"""How a fixture ends: when the harness closes its stdin (or exits) or sends SIGTERM."""
import os
import signal
import sys


def run_until_stopped(cleanup=None):
    """Blocks until the harness is done, then runs `cleanup` (if any) and exits at once:
    the servers' threads are daemons and die with the process."""
    def stop(*_):
        if cleanup is not None:
            cleanup()
        os._exit(0)
    signal.signal(signal.SIGTERM, stop)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    stop()
