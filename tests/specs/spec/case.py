"""One case being run: its temporary copy, the servers and connections it holds, running
its steps in order, and reporting failures."""

import os
import shutil
import tempfile
import time

from .errors import CaseError, StepFailure
from . import public_npm
from .loading import load_case
from .registry import Registry
from .server import LOG_TAIL, STOP_GRACE_S, describe_exit, scrubbed_env
from .steps import STEPS
from .steps.http_steps import await_background
from .smtp_upstream import SmtpUpstream
from .tarpit_upstream import TarpitUpstream
from .upstream import Upstream
from .values import shorten

# The repository this runner belongs to (tests/specs/spec/case.py -> the root).
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))

# Keys a step may have besides its one action.
STEP_MODIFIERS = ("expect", "note", "background")


class Case:
    def __init__(self, binary, case_dir, verbose=False, keep=False):
        self.binary = os.path.abspath(binary)
        self.source = os.path.abspath(case_dir)
        self.name = case_name(case_dir)
        self.verbose = verbose
        self.keep = keep
        self.spec = load_case(self.source)
        self.server = None
        self.servers = []
        self.connections = {}      # name -> HttpConnection shared by requests ("connection")
        self.groups = {}           # name -> [socket] opened by an "open" step
        self.rss_marks = {}        # name -> kB saved by an "rss" step
        self.background = {}       # name -> (thread, result) of a background request
        self.failures = []
        self.root = None
        self.work = None
        self.registry = None       # the fixture registry of a case with "registry"
        self.upstreams = {}        # name -> Upstream of a case with "upstreams"
        self.public_npm = None     # the registry URL of a case with "needs_public_npm"

    # -- what steps use -----------------------------------------------------------

    def log(self, text):
        if self.verbose:
            print("  " + text, flush=True)

    def make_env(self, extra=None):
        registry = self.registry.env() if self.registry else None
        public = {"NPM_CONFIG_REGISTRY": self.public_npm} if self.public_npm else None
        return scrubbed_env(self.root, registry, public, self.spec.get("env"), extra)

    def path_in_case(self, relative):
        path = os.path.normpath(os.path.join(self.work, relative))
        if not (path == self.work or path.startswith(self.work + os.sep)):
            raise CaseError("path %r leaves the case folder" % relative)
        return path

    def require_server(self):
        if self.server is None:
            raise StepFailure("no server is running (add \"serve\" to the case or a serve step)",
                              fatal=True)
        return self.server

    def stop_server(self, check):
        """Stops the current server, dropping the connections to it. With `check`, it must
        have been running until now and exit 0 on SIGTERM (unless its serve said
        "expect_clean_exit": false)."""
        server = self.server
        self.server = None
        for conn in self.connections.values():
            conn.close()
        self.connections.clear()
        for group in self.groups.values():
            for sock in group:
                sock.close()
        self.groups.clear()
        was_running = server.running()
        code, killed = server.stop()
        if not check:
            return
        if killed:
            raise StepFailure("the server did not exit within %ds of SIGTERM (killed)"
                              % STOP_GRACE_S, expected="exit 0", got="still running")
        if not was_running and not server.signalled:
            raise StepFailure("the server exited on its own during the case",
                              expected="still running", got=describe_exit(code))
        if server.expect_clean_exit and code != 0:
            raise StepFailure("the server did not exit cleanly on SIGTERM",
                              expected="exit 0", got=describe_exit(code))

    # -- running ------------------------------------------------------------------

    def run(self):
        """Returns "passed", "failed" or "skipped"; prints what went wrong."""
        if self.spec.get("pending"):
            print("SKIP %s: pending: %s" % (self.name, self.spec["pending"]), flush=True)
            return "skipped"
        started = time.monotonic()
        if self.spec.get("needs_public_npm"):
            self.public_npm = public_npm.registry_url()
            reason = public_npm.unreachable(self.public_npm)
            if reason:
                print("FAIL %s: %s" % (self.name, public_npm.failure_message(
                    self.public_npm, reason)), flush=True)
                return "failed"
        self.root = tempfile.mkdtemp(prefix="sbfn-spec-%s-" % self.name.replace("/", "-"))
        self.work = os.path.join(self.root, "case")
        shutil.copytree(self.source, self.work, symlinks=True)
        self.copy_from_repo()
        try:
            self.start_upstreams()
            self.start_registry()
        except BaseException:
            self.cleanup()
            raise
        os.makedirs(os.path.join(self.root, "home"))
        os.makedirs(os.path.join(self.root, "cache"))
        steps = list(self.spec.get("steps") or [])
        if "serve" in self.spec:
            steps.insert(0, {"serve": self.spec["serve"], "note": "top-level \"serve\""})
        implicit_first = 1 if "serve" in self.spec else 0
        try:
            for index, step in enumerate(steps):
                label = index - implicit_first  # index into "steps"; -1 = top-level serve
                try:
                    self.run_step(step)
                except StepFailure as failure:
                    self.report(label, step, failure)
                    if failure.fatal:
                        break
                except (CaseError, KeyboardInterrupt, SystemExit):
                    raise
                except Exception as error:  # noqa: BLE001 - a runner bug must not hide the rest
                    self.report(label, step, StepFailure("runner error: %r" % error, fatal=True))
                    break
            self.finish()
        except CaseError as error:
            self.failures.append(str(error))
            print("FAIL %s: case error: %s" % (self.name, error), flush=True)
        finally:
            self.cleanup()
        elapsed = time.monotonic() - started
        if self.failures:
            print("FAIL %s (%d problem%s, %.1fs)%s" % (
                self.name, len(self.failures), "" if len(self.failures) == 1 else "s", elapsed,
                "; kept %s" % self.root if self.keep else ""), flush=True)
            return "failed"
        print("PASS %s (%.1fs)" % (self.name, elapsed), flush=True)
        return "passed"

    def copy_from_repo(self):
        """"from_repo": {"<path in the repository>": "<path in the case>"}: the case runs
        what the project ships (the example functions, templates), not a copy of it."""
        for origin, target in (self.spec.get("from_repo") or {}).items():
            source = os.path.join(REPO_ROOT, origin)
            if not os.path.exists(source):
                raise CaseError("from_repo: %s does not exist in the repository" % origin)
            destination = self.path_in_case(target)
            if os.path.isdir(source):
                shutil.copytree(source, destination, symlinks=True, dirs_exist_ok=True)
            else:
                os.makedirs(os.path.dirname(destination), exist_ok=True)
                shutil.copy2(source, destination)

    def start_registry(self):
        """"registry": "<folder>": a fixture npm/jsr/module registry served from that
        folder (spec/registry.py). Every text file of the case saying __REGISTRY__ gets its
        base URL."""
        folder = self.spec.get("registry")
        if not folder:
            return
        self.registry = Registry(self.path_in_case(folder))
        self.registry.bind()
        self.replace_placeholders({"__REGISTRY__": self.registry.base})
        # case.json itself was read before the port was known: its strings (serve and run
        # arguments, env values) get the base URL the same way.
        self.spec = replace_in_strings(self.spec, {"__REGISTRY__": self.registry.base})
        self.registry.build()
        self.registry.serve()

    def start_upstreams(self):
        """"upstreams": {"<name>": {"routes": [...]}}: HTTP servers answering from routes
        and recording requests (spec/upstream.py), or {"smtp": {...}}: a mail server
        (spec/smtp_upstream.py), or {"tarpit": true}: a listener that never answers
        (spec/tarpit_upstream.py). Every text file of the case saying __UPSTREAM_<name>__
        gets that server's base URL."""
        for name, spec in (self.spec.get("upstreams") or {}).items():
            if "smtp" in spec:
                upstream = SmtpUpstream(name, spec)
            elif spec.get("tarpit"):
                upstream = TarpitUpstream(name, spec)
            else:
                upstream = Upstream(name, spec)
            upstream.start()
            self.upstreams[name] = upstream
        if self.upstreams:
            values = {u.placeholder: u.base for u in self.upstreams.values()}
            self.replace_placeholders(values)
            self.spec = replace_in_strings(self.spec, values)

    def replace_placeholders(self, values):
        """Rewrites every text file of the case copy holding one of the keys of `values`."""
        for base, _dirs, files in os.walk(self.work):
            for name in files:
                path = os.path.join(base, name)
                try:
                    with open(path, encoding="utf-8") as handle:
                        text = handle.read()
                except (UnicodeDecodeError, OSError):
                    continue
                replaced = text
                for placeholder, value in values.items():
                    replaced = replaced.replace(placeholder, value)
                if replaced != text:
                    with open(path, "w", encoding="utf-8") as handle:
                        handle.write(replaced)

    def run_step(self, step):
        if not isinstance(step, dict):
            raise CaseError("a step must be an object, got %r" % (step,))
        kinds = [k for k in step if k not in STEP_MODIFIERS]
        if len(kinds) != 1:
            raise CaseError("a step needs exactly one action, got %s" % kinds)
        kind = kinds[0]
        self.log("%s %s" % (kind, shorten(step[kind], 160)))
        handler = STEPS.get(kind)
        if handler is None:
            raise CaseError("unknown step %r" % kind)
        if "background" in step and not handler.may_background:
            raise CaseError("only a request step can run in the background")
        if "expect" in step and not handler.takes_expect:
            raise CaseError("step %r takes no \"expect\"" % kind)
        handler.function(self, step)

    def finish(self):
        """The implicit last step: await background requests, stop the server."""
        for name in list(self.background):
            try:
                await_background(self, name)
            except StepFailure as failure:
                self.report("end", {"await": name}, failure)
        if self.server is not None:
            try:
                self.stop_server(check=True)
            except StepFailure as failure:
                self.report("end", {"stop": {}, "note": "stopping the server after the last step"},
                            failure)

    def cleanup(self):
        if self.registry is not None:
            self.registry.stop()
        for upstream in self.upstreams.values():
            upstream.stop()
        for conn in self.connections.values():
            conn.close()
        for server in self.servers:
            if server.running():
                server.proc.kill()
                server.wait_exit(5)
        if not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)

    def report(self, label, step, failure):
        kind = next((k for k in step if k not in STEP_MODIFIERS), "?")
        title = "step %s" % label if label != -1 else "serve (top-level)"
        note = " [%s]" % step["note"] if step.get("note") else ""
        lines = ["FAIL %s: %s (%s)%s: %s" % (self.name, title, kind, note, failure.message)]
        if failure.expected is not None:
            lines.append("  expected: " + str(failure.expected).replace("\n", "\n            "))
        if failure.got is not None:
            lines.append("  got:      " + str(failure.got).replace("\n", "\n            "))
        server = self.server or (self.servers[-1] if self.servers else None)
        if server is not None:
            lines.append("  --- last %d lines of server output (%s) ---" % (
                LOG_TAIL, " ".join(server.command[1:])))
            tail = server.output.tail()
            lines.append("  " + tail.replace("\n", "\n  ") if tail else "  (none)")
        print("\n".join(lines), flush=True)
        self.failures.append(failure.message)


def replace_in_strings(value, values):
    """`value` (parsed JSON) with each key of `values` replaced in every string in it."""
    if isinstance(value, str):
        for placeholder, replacement in values.items():
            value = value.replace(placeholder, replacement)
        return value
    if isinstance(value, list):
        return [replace_in_strings(v, values) for v in value]
    if isinstance(value, dict):
        return {k: replace_in_strings(v, values) for k, v in value.items()}
    return value


def case_name(case_dir):
    """"serve/hello_world" for tests/specs/serve/hello_world: the command and the case."""
    parent, leaf = os.path.split(os.path.abspath(case_dir).rstrip("/"))
    return os.path.basename(parent) + "/" + leaf
