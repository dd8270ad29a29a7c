# autosync's brz command server (see src/runtime/brz-server.ts for the client).
#
# One Python that imported breezy once forks a child per command, and the child runs the
# command exactly as `brz` would: same argv, cwd and environment, the same exit code, stdout
# and stderr. Fork, not running commands in this process: nothing a command leaves behind
# (locks, caches, config, ui state) reaches the next one, and a command may block or crash
# without taking the others down. The loop is single-threaded (selectors): fork in a process
# with threads is unsafe.
#
# Protocol, on this process's stdin and stdout. Every message is one line of JSON, followed
# by the number of raw bytes its header names.
#   in:  {"id": N, "argv": [...], "cwd": "...", "env": {...}, "input": BYTES?, "group": true?}
#        + BYTES of stdin
#   out: {"ready": 1}                          once breezy is loaded
#        {"id": N, "pid": PID}                 forked (with "group", as a process group leader)
#        {"id": N, "fd": 1|2, "n": BYTES}      + BYTES of the child's stdout or stderr
#        {"id": N, "exit": CODE} | {"id": N, "signal": "SIGTERM"}
#        {"id": N, "error": "ENOENT"}          never ran (no such cwd, fork failed)
# A child stays in the server's process group, which is autosync's, as brz run by autosync
# would: Ctrl+C and a kill of autosync's group reach it. With "group" it leads a group of its
# own, so that a timeout can stop its helpers (ssh) with it.
# The server exits on stdin EOF (once its children are done) and after `idle` seconds
# without a command.
"""Serve brz commands to autosync (internal)."""

import errno
import gc
import json
import os
import selectors
import signal
import sys
import time

import breezy
from breezy import commands, errors, trace
from breezy.commands import Command
from breezy.option import Option

CHUNK = 65536

# Modules autosync's commands import (status, add, commit, push, pull, merge, revert, resolve,
# cat, log, ls, revision-info; listed with brz 3.3.2 by diffing sys.modules in a child), imported
# once here rather than in each child. Plugins' modules that hooks import (merge hooks on pull
# and merge, the email hook on commit) count too. A name another breezy lacks is skipped.
WARM = (
    "breezy._readdir_pyx",
    "breezy.add",
    "breezy.annotate",
    "breezy.atomicfile",
    "breezy.branch",
    "breezy.bugtracker",
    "breezy.builtins",
    "breezy.bzr.branch",
    "breezy.bzr.bzrdir",
    "breezy.bzr.conflicts",
    "breezy.bzr.dirstate",
    "breezy.bzr.fetch",
    "breezy.bzr.generate_ids",
    "breezy.bzr.groupcompress_repo",
    "breezy.bzr.inventory_delta",
    "breezy.bzr.knitpack_repo",
    "breezy.bzr.recordcounter",
    "breezy.bzr.remote",
    "breezy.bzr.smart.client",
    "breezy.bzr.smart.medium",
    "breezy.bzr.smart.protocol",
    "breezy.bzr.smart.repository",
    "breezy.bzr.smart.request",
    "breezy.bzr.smart.vfs",
    "breezy.bzr.tag",
    "breezy.bzr.testament",
    "breezy.bzr.transform",
    "breezy.bzr.vf_search",
    "breezy.bzr.workingtree_4",
    "breezy.cmdline",
    "breezy.commit",
    "breezy.conflicts",
    "breezy.email_message",
    "breezy.estimate_compressed_size",
    "breezy.globbing",
    "breezy.gpg",
    "breezy.log",
    "breezy.merge",
    "breezy.mergeable",
    "breezy.msgeditor",
    "breezy.multiparent",
    "breezy.push",
    "breezy.revisionspec",
    "breezy.rules",
    "breezy.shelf",
    "breezy.status",
    "breezy.tag",
    "breezy.transport.http.urllib",
    "breezy.transport.local",
    "breezy.views",
    "breezy.plugins.changelog_merge.changelog_merge",
    "breezy.plugins.email.emailer",
    "breezy.plugins.news_merge.news_merge",
    "breezy.plugins.po_merge.po_merge",
    "breezy.plugins.quilt.merge",
    "breezy.plugins.upload.cmds",
    "dulwich",
    "merge3",
    "patiencediff",
    "unicodedata",
)


def warm():
    import importlib

    for name in WARM:
        try:
            importlib.import_module(name)
        except Exception:
            # Another breezy version: that module is simply not pre-loaded.
            pass
    commands.install_bzr_command_hooks()
    commands._register_builtin_commands()


class Running:
    """One forked command."""

    __slots__ = ("id", "pid", "fds", "stdin", "status")

    def __init__(self, id, pid):
        self.id = id
        self.pid = pid
        self.fds = {}  # open pipe fd -> 1 (stdout) or 2 (stderr)
        self.stdin = None  # [fd, remaining bytes] while input is being written
        self.status = None  # waitpid status once reaped


class Server:
    def __init__(self, idle):
        self.idle = idle
        # The protocol moves off fds 0 and 1: whatever breezy or a plugin prints in this
        # process goes to stderr and cannot corrupt it.
        self.rin = os.dup(0)
        self.wout = os.dup(1)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(2, 1)
        os.set_blocking(self.rin, False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.rin, selectors.EVENT_READ, None)
        self.pending = bytearray()
        self.header = None
        self.running = {}  # pid -> Running
        self.connected = True

    def send(self, header, payload=b""):
        if not self.connected:
            return
        data = json.dumps(header, separators=(",", ":")).encode() + b"\n" + payload
        view = memoryview(data)
        try:
            while view:
                view = view[os.write(self.wout, view):]
        except OSError:
            # autosync is gone: finish the commands in flight, answer nothing more.
            self.connected = False

    def serve(self):
        # Ctrl+C in autosync's terminal is for autosync, which ends this server by closing
        # its stdin; the children restore the default.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        if hasattr(gc, "freeze"):
            # Objects of the parent stay out of the children's collections: fewer pages
            # copied on write.
            gc.freeze()
        self.send({"ready": 1})
        last = time.monotonic()
        while True:
            busy = bool(self.running)
            if self.rin is None and not busy:
                return
            if busy:
                exiting = any(not r.fds and r.stdin is None for r in self.running.values())
                timeout = 0.005 if exiting else None
            else:
                timeout = last + self.idle - time.monotonic()
                if timeout <= 0:
                    return
            for key, mask in self.selector.select(timeout):
                if key.fd == self.rin:
                    self.read_requests()
                elif mask & selectors.EVENT_WRITE:
                    self.write_input(key.data, key.fd)
                else:
                    self.read_output(key.data, key.fd)
            self.reap()
            if self.running:
                last = time.monotonic()

    def read_requests(self):
        try:
            data = os.read(self.rin, CHUNK)
        except BlockingIOError:
            return
        if not data:
            self.selector.unregister(self.rin)
            os.close(self.rin)
            self.rin = None
            return
        self.pending += data
        while True:
            if self.header is None:
                end = self.pending.find(b"\n")
                if end < 0:
                    return
                self.header = json.loads(bytes(self.pending[:end]))
                del self.pending[: end + 1]
            size = self.header.get("input", 0) or 0
            if len(self.pending) < size:
                return
            request = self.header
            data = bytes(self.pending[:size])
            del self.pending[:size]
            self.header = None
            self.start(request, data if "input" in request else None)

    def start(self, request, data):
        id = request["id"]
        if not os.path.isdir(request["cwd"]):
            self.send({"id": id, "error": "ENOENT"})
            return
        pipes = []
        try:
            out_r, out_w = os.pipe()
            pipes += [out_r, out_w]
            err_r, err_w = os.pipe()
            pipes += [err_r, err_w]
            go_r, go_w = os.pipe()
            pipes += [go_r, go_w]
            in_r = in_w = None
            if data is not None:
                in_r, in_w = os.pipe()
                pipes += [in_r, in_w]
            flush_all()
            pid = os.fork()
        except OSError as e:
            for fd in pipes:
                os.close(fd)
            self.send({"id": id, "error": errno.errorcode.get(e.errno, "EAGAIN")})
            return
        if pid == 0:
            mine = {out_w, err_w, go_r, in_r}
            self.child(request, [fd for fd in pipes if fd not in mine], out_w, err_w, go_r, in_r)
        for fd in (out_w, err_w, go_r, in_r):
            if fd is not None:
                os.close(fd)
        if request.get("group"):
            try:
                # Also set here, so the group exists before autosync can signal it.
                os.setpgid(pid, pid)
            except OSError:
                pass
        running = Running(id, pid)
        self.running[pid] = running
        for fd, which in ((out_r, 1), (err_r, 2)):
            running.fds[fd] = which
            self.selector.register(fd, selectors.EVENT_READ, running)
        if in_w is not None:
            if data:
                os.set_blocking(in_w, False)
                running.stdin = [in_w, memoryview(data)]
                self.selector.register(in_w, selectors.EVENT_WRITE, running)
            else:
                os.close(in_w)
        # Reported before the child may start: a server killed in between leaves a child
        # that reads EOF here and exits without running the command, so autosync can tell
        # "never ran" (no pid) from "may have run" (pid) and never runs a command twice.
        self.send({"id": id, "pid": pid})
        os.write(go_w, b"g")
        os.close(go_w)

    def child(self, request, others, out_w, err_w, go_r, in_r):
        code = 70
        try:
            if request.get("group"):
                os.setpgid(0, 0)
            self.selector.close()
            for fd in others + [self.wout] + [self.rin] * (self.rin is not None):
                os.close(fd)
            for running in self.running.values():
                for fd in running.fds:
                    os.close(fd)
                if running.stdin is not None:
                    os.close(running.stdin[0])
            if not os.read(go_r, 1):
                os._exit(code)
            os.close(go_r)
            if in_r is None:
                in_r = os.open(os.devnull, os.O_RDONLY)
            os.dup2(in_r, 0)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            for fd in (in_r, out_w, err_w):
                os.close(fd)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            os.environ.clear()
            os.environ.update(request["env"])
            os.chdir(request["cwd"])
            code = run(request["argv"])
        except BaseException:
            try:
                trace.report_exception(sys.exc_info(), sys.stderr)
            except BaseException:
                pass
        finally:
            flush_all()
            os._exit(code)

    def write_input(self, running, fd):
        view = running.stdin[1]
        try:
            written = os.write(fd, view[:CHUNK])
            running.stdin[1] = view = view[written:]
        except BlockingIOError:
            return
        except OSError:
            # The command exited without reading its input: not a failure, as for a process.
            view = b""
        if not view:
            self.selector.unregister(fd)
            os.close(fd)
            running.stdin = None

    def read_output(self, running, fd):
        try:
            data = os.read(fd, CHUNK)
        except OSError:
            data = b""
        if data:
            self.send({"id": running.id, "fd": running.fds[fd], "n": len(data)}, data)
            return
        self.selector.unregister(fd)
        os.close(fd)
        del running.fds[fd]

    def reap(self):
        for running in list(self.running.values()):
            # Reaped only once its pipes are drained, like a process's "close": until autosync
            # has the exit, the pid it may signal (timeout) stays this child's.
            if running.fds or running.stdin is not None:
                continue
            if running.status is None:
                try:
                    pid, status = os.waitpid(running.pid, os.WNOHANG)
                except ChildProcessError:
                    pid, status = running.pid, 0
                if pid == 0:
                    continue
                running.status = status
            del self.running[running.pid]
            if os.WIFSIGNALED(running.status):
                number = os.WTERMSIG(running.status)
                try:
                    name = signal.Signals(number).name
                except ValueError:
                    name = str(number)
                self.send({"id": running.id, "signal": name})
            else:
                self.send({"id": running.id, "exit": os.WEXITSTATUS(running.status)})


def run(argv):
    """What brz's own main does around a command, in the child."""
    state = breezy.get_global_state()
    # Config read by this server (plugin loading) is read again by each command.
    state.config_stores.clear()
    try:
        code = commands.main(["brz"] + list(argv))
    except SystemExit as e:
        state.__exit__(*sys.exc_info())
        if e.code is None:
            return 0
        if isinstance(e.code, int):
            return e.code
        sys.stderr.write("%s\n" % (e.code,))
        return 1
    # Saves the config changes a command made (brz push remembers push_location), as brz's
    # own `with breezy.initialize()` does on the way out.
    state.__exit__(None, None, None)
    return code


def flush_all():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass
    try:
        trace._flush_trace()
    except Exception:
        pass


class cmd_autosync_serve(Command):
    __doc__ = """Serve brz commands to autosync over stdin and stdout (internal)."""

    hidden = True
    takes_options = [
        Option("idle-timeout", type=int, help="Exit after this many seconds without a command."),
    ]

    def run(self, idle_timeout=600):
        if not hasattr(os, "fork"):
            # Exits before "ready": autosync runs brz itself from then on.
            raise errors.BzrCommandError("autosync-serve needs os.fork")
        warm()
        Server(idle_timeout).serve()
        return 0
