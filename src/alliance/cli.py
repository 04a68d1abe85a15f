"""The ``alliance`` command line: thin wrappers over Django management commands.

alliance demo [--port P]          migrate the embedded database, load the demo, serve it with
                                  a task worker beside it (Ctrl+C stops both)
alliance serve [--host H] [--port P] [--workers N]   N processes on one port (one per core)
alliance worker [--queue default|bulk|all] [--batch]   run background tasks (database queue)
alliance generate --agreements N [--seed S] [--counsellors C] [--representatives R]
alliance recompute [--agreement UUID …] [--as-of YYYY-MM-DD] [--history quarterly|monthly]
alliance insights schedule|trust|alignment FILE.json …   (no database needed)
alliance brief AGREEMENT [--lang fr] --pdf out.pdf   the agreement brief as PDF / HTML
alliance extract FILE [--lang auto|fr|en|de] [--agreement REF] [--json]
alliance backup FILE [--encrypt]  the database and uploaded files in one archive
alliance restore FILE             into an empty database and upload folder
alliance manage <django command> …
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

DEFAULT_PORT = 8000
HELP = ("-h", "--help")
# How long the demo waits for its worker to finish the task in hand after Ctrl+C.
WORKER_GRACE_SECONDS = 10
# ``alliance worker --queue``: alliance.operations.queues (named here: --help needs no Django).
WORKER_QUEUES = ("default", "bulk", "all")


def _var_dir() -> Path:
    return Path(os.environ.get("ALLIANCE_VAR_DIR") or Path.cwd() / "var")


def _find_secret(argv: list[str]) -> None:
    """Let every command run where ``make demo`` ran, with no variable set: use the demo's
    key under var/. Help alone touches neither the database nor a secret, so without any key
    it gets a throwaway one (never stored, nothing is signed with it)."""
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        return
    key_file = _var_dir() / "secret_key"
    if key_file.exists():
        os.environ["SECRET_KEY_FILE"] = str(key_file)
    elif _asks_for_help(argv):
        os.environ["SECRET_KEY"] = secrets.token_urlsafe(50)


def _asks_for_help(argv: list[str]) -> bool:
    return (
        any(a in HELP for a in argv)
        or argv == ["manage"]
        or argv[:2] in (["manage", "help"], ["help"])
    )


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
    import django

    django.setup()


def _ensure_demo_secret(var_dir: Path) -> None:
    """The demo runs without any configuration: keep a random key under var/."""
    if os.environ.get("SECRET_KEY") or os.environ.get("SECRET_KEY_FILE"):
        return
    var_dir.mkdir(parents=True, exist_ok=True)
    key_file = var_dir / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    os.environ["SECRET_KEY_FILE"] = str(key_file)


def _port(value: str | None) -> int:
    raw = value or os.environ.get("PORT") or str(DEFAULT_PORT)
    try:
        port = int(raw)
    except ValueError:
        raise SystemExit(f"alliance: PORT must be a number, not {raw!r}") from None
    if not 0 < port < 65536:
        raise SystemExit(f"alliance: PORT must be between 1 and 65535, not {port}")
    return port


def _workers(value: str | None) -> int:
    """Server processes (``--workers``, else ``WEB_WORKERS``, else 1)."""
    return _server_count("--workers", value or os.environ.get("WEB_WORKERS") or "1")


def _server_count(name: str, raw: str) -> int:
    """A count of server processes or threads: a whole number from 1 to 64, or the server
    stops with a message naming the setting."""
    try:
        count = int(raw)
    except ValueError:
        raise SystemExit(f"alliance: {name} must be a number, not {raw!r}") from None
    if not 1 <= count <= 64:
        raise SystemExit(f"alliance: {name} must be between 1 and 64, not {count}")
    return count


def serve(host: str, port: int, workers: int = 1) -> int:
    """Serve the site with waitress (a production WSGI server; static files by WhiteNoise).

    ``workers`` processes (one per core: a Python process computes on one core at a time)
    each listen on the same port with ``SO_REUSEPORT``, the kernel spreading connections
    among them; they share nothing but the database."""
    from django.conf import settings

    # WhiteNoise serves collected files from here and the apps' own static folders; it
    # checks the folder when the application is built, so create it first.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    from alliance.config.wsgi import application

    _freeze_what_is_loaded()
    print(
        f"Alliance is running on http://{host}:{port}/ with {workers} "
        f"process{'es' if workers > 1 else ''}  (Ctrl+C to stop)",
        flush=True,
    )
    if workers == 1:
        _waitress(application, host, port, reuse_port=False)
        return 0
    return _serve_processes(application, host, port, workers)


def _freeze_what_is_loaded() -> None:
    """Load every view (the URL patterns import them), then move everything alive into the
    garbage collector's permanent generation (``gc.freeze``). A full collection stops every
    thread of the process while it walks the tracked objects: 250 ms measured on a server
    that had rendered the demo's pages, of which the modules, classes and templates loaded
    at start — objects that live as long as the process — were 100 ms, paid again by each
    request a full collection falls on. Frozen before the fork, they also stay shared
    between the worker processes instead of being copied on the collector's first write."""
    import gc

    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports the views
    gc.collect()
    gc.freeze()


def _threads() -> int:
    """Request threads per server process (``WEB_THREADS``, 8 by default)."""
    return _server_count("WEB_THREADS", os.environ.get("WEB_THREADS") or "8")


def _waitress(application: Any, host: str, port: int, *, reuse_port: bool) -> None:
    from waitress import serve as waitress_serve

    threads = _threads()
    if not reuse_port:
        waitress_serve(application, host=host, port=port, threads=threads, ident="Alliance")
        return
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    waitress_serve(application, sockets=[sock], threads=threads, ident="Alliance")


def _serve_processes(application: Any, host: str, port: int, workers: int) -> int:
    """Fork ``workers`` servers (no database connection is open yet: each child opens its
    own); stop them all on SIGTERM or Ctrl+C, and stop if one dies."""
    from django.db import connections

    connections.close_all()
    children = []
    for _ in range(workers):
        pid = os.fork()
        if pid == 0:  # the child serves until it is told to stop
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                _waitress(application, host, port, reuse_port=True)
            finally:
                os._exit(0)
        children.append(pid)

    def stop(*_: object) -> None:
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, lambda *_: (stop(), sys.exit(0)))
    try:
        os.wait()  # the first child to end (crashed, killed) stops the others
    except KeyboardInterrupt:
        pass
    finally:
        stop()
        for child in children:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(child, 0)
    return 0


def demo(args: argparse.Namespace) -> int:
    var_dir = _var_dir()
    os.environ["ALLIANCE_VAR_DIR"] = str(var_dir)
    _ensure_demo_secret(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    port = _port(args.port)
    _setup_django()
    from django.core.management import call_command

    print("Preparing the database…", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo_load", verbosity=1)
    # One worker for what users wait for, one for the daily portfolio recompute: a write's
    # recompute never queues behind the long job (alliance.operations.queues).
    workers = [start_worker("default"), start_worker("bulk")]
    # A SIGTERM (a service manager, a test) stops the demo like Ctrl+C: the workers too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        return serve(args.host, port)
    except KeyboardInterrupt:
        return 0
    finally:
        for worker in workers:
            stop_worker(worker)


def yield_the_cores(queue: str) -> int:
    """The worker of the long jobs (``--queue bulk``) stays out of the way of the pages and
    the writes' worker: the daily recompute uses what they leave instead of taking a core
    from the people waiting for them (measured at 10,000 agreements: page p95 1.5 s while it
    ran beside the web processes at the same priority).

    - its niceness goes up by ``WORKER_BULK_NICE`` (10; 0 keeps it);
    - on Linux, with ``WORKER_BULK_IDLE`` (the default), it runs under ``SCHED_IDLE``: only
      on CPU time no other process wants, where a niceness of 19 still takes a share;
    - its threads (the Monte Carlo's) are kept to ``WORKER_BULK_CORES`` cores where the
      system allows it (0, the default: all but one, at least one), so a page always finds
      a core that the job's memory traffic does not share.

    Threads started afterwards inherit all three. Returns the worker's niceness."""
    from django.conf import settings

    from alliance.operations import queues

    if queue != queues.BULK:
        return os.nice(0)
    if settings.WORKER_BULK_IDLE and hasattr(os, "SCHED_IDLE"):
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, bulk_cores(os.sched_getaffinity(0), settings.WORKER_BULK_CORES))
    return os.nice(max(settings.WORKER_BULK_NICE, 0))


def bulk_cores(available: Collection[int], wanted: int) -> set[int]:
    """The cores the daily jobs' worker keeps to: ``wanted`` of ``available`` (0: all but
    one, at least one), the highest-numbered ones (the first core takes most interrupts)."""
    cores = sorted(available)
    count = wanted if wanted > 0 else len(cores) - 1
    return set(cores[-max(1, min(count, len(cores))) :])


def start_worker(queue: str = "all") -> subprocess.Popen:
    """A task worker of ``queue`` as a child process, so edits recompute the insights while
    the demo runs. A process rather than a thread: the worker installs signal handlers (only
    the main thread of a process may) and its Monte Carlo runs never hold the web server's
    interpreter; SQLite in WAL mode lets both use the embedded database."""
    if queue == "bulk":
        print("Starting the task worker of the daily portfolio recompute.", flush=True)
    else:
        print("Starting the task worker (insights are recomputed after every change).", flush=True)
    env = worker_env(os.environ, _var_dir())
    if queue != "bulk" and env.get("EMAIL_FILE_PATH") and "EMAIL_FILE_PATH" not in os.environ:
        print(f"Reminders and digests are written under {env['EMAIL_FILE_PATH']}", flush=True)
    command = [sys.executable, "-m", "alliance", "worker", "--queue", queue]
    return subprocess.Popen(command, env=env)


def worker_env(environ: Mapping[str, str], var_dir: Path) -> dict[str, str]:
    """The demo worker's environment: without a mail server configured, the reminders and
    digests its scheduler writes go to files under ``var/mail`` rather than flooding the
    console the demo speaks on."""
    env = dict(environ)
    if not env.get("EMAIL_HOST") and not env.get("EMAIL_FILE_PATH"):
        env["EMAIL_FILE_PATH"] = str(var_dir / "mail")
    return env


def stop_worker(worker: subprocess.Popen) -> None:
    """Stop the worker cleanly: it finishes the task in hand (Ctrl+C reached it too, as it
    shares the terminal), then is terminated, then killed if it still hangs."""
    if worker.poll() is not None:
        return
    worker.terminate()
    try:
        worker.wait(WORKER_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()
    print("Task worker stopped.", flush=True)


def brief(argv: list[str]) -> int:
    """``alliance brief``: the options are checked here, before Django starts, so that
    ``--help`` and a mistyped option need neither a database nor a secret key."""
    from alliance.briefings.options import HELP, add_brief_arguments

    parser = argparse.ArgumentParser(prog="alliance brief", description=HELP)
    add_brief_arguments(parser)
    args = parser.parse_args(argv)
    if not args.pdf and not args.html:
        parser.error("say where to write the brief: --pdf FILE and/or --html FILE")
    var_dir = Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var"))
    if (var_dir / "secret_key").exists():
        _ensure_demo_secret(var_dir)  # a directory where `alliance demo` ran
    _setup_django()
    from django.core.management import CommandError, call_command

    options = {k: v for k, v in vars(args).items() if k != "agreement"}
    try:
        call_command("brief", args.agreement, **options)
    except CommandError as exc:
        print(f"alliance brief: {exc}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # Every file a command creates (the embedded database and its WAL, uploads, exports,
    # the demo's key) is its owner's only (alliance.core.files).
    from alliance.core.files import owner_only_umask

    owner_only_umask()
    _find_secret(argv)
    if argv[:1] == ["manage"]:
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["alliance manage", *argv[1:]])
        return 0
    if argv[:1] in (["import"], ["export"]):
        # ``alliance import FILE …`` is the ``import_data`` management command, and so on.
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line([f"alliance {argv[0]}", f"{argv[0]}_data", *argv[1:]])
        return 0
    if argv[:1] in (["backup"], ["restore"]):
        # ``alliance backup FILE`` is the ``backup`` management command (its own --help).
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line([f"alliance {argv[0]}", argv[0], *argv[1:]])
        return 0
    if argv[:1] == ["recompute"]:
        # The management command owns the options (and their --help).
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["alliance recompute", "recompute", *argv[1:]])
        return 0
    if argv[:1] == ["brief"]:
        return brief(argv[1:])
    if argv[:1] == ["extract"]:
        # Reading a file needs no database; --agreement sets Django up itself.
        from alliance.extraction.cli import main as extract_main

        return extract_main(argv[1:])
    if argv[:1] == ["insights"]:
        from alliance.insights.cli import main as insights_main

        return insights_main(argv[1:])

    parser = argparse.ArgumentParser(prog="alliance", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("demo", "load the demo scenario and serve it"), ("serve", "serve")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", default=None, help=f"default: $PORT or {DEFAULT_PORT}")
    commands.choices["serve"].add_argument(
        "--workers",
        default=None,
        help="server processes, one per core (default: $WEB_WORKERS or 1)",
    )
    worker = commands.add_parser("worker", help="run background tasks")
    worker.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    worker.add_argument(
        "--queue",
        choices=WORKER_QUEUES,
        default="all",
        help="default: what users wait for (recomputes after writes, imports, mail, the"
        " scheduler); bulk: the daily portfolio recompute; all (the default): both",
    )
    gen = commands.add_parser("generate", help="generate a large synthetic portfolio")
    gen.add_argument("--agreements", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    gen.add_argument("--counsellors", type=int, default=0, help="a firm's counsellors")
    gen.add_argument("--representatives", type=int, default=0, help="party representatives")
    commands.add_parser("recompute", help="compute the insights and store them as snapshots")
    commands.add_parser("manage", help="any Django management command")
    commands.add_parser("insights", help="run an insights model on a JSON file")
    commands.add_parser("extract", help="candidate commitments from an agreement's text")
    commands.add_parser("import", help="import a file (CSV, XLSX, OC4IDS, OCDS, IATI)")
    commands.add_parser("export", help="export data")
    commands.add_parser("backup", help="back up the database and uploaded files")
    commands.add_parser("restore", help="restore a backup into an empty database")
    commands.add_parser("brief", help="write an agreement's or a party's brief (PDF, HTML)")
    args = parser.parse_args(argv)

    if args.command == "demo":
        return demo(args)
    _setup_django()
    from django.core.management import call_command

    if args.command == "serve":
        return serve(args.host, _port(args.port), _workers(args.workers))
    if args.command == "worker":
        from alliance.notifications.scheduler import ensure_scheduler
        from alliance.operations import queues

        if args.queue != queues.BULK:
            # The scheduler's first tick (it queues the next one itself) on the queue this
            # worker serves: periodic jobs need no other process than the workers.
            ensure_scheduler()
        queue_name = "*" if args.queue == queues.ALL else args.queue
        yield_the_cores(args.queue)
        call_command("run_worker", batch=args.batch, queue_name=queue_name)
        return 0
    call_command(
        "generate",
        agreements=args.agreements,
        seed=args.seed,
        counsellors=args.counsellors,
        representatives=args.representatives,
    )
    return 0
