"""The ``alliance`` command line: thin wrappers over Django management commands.

alliance demo [--port P]          migrate the embedded database, load the demo, serve
alliance serve [--host H] [--port P]
alliance worker                   run background tasks (database-backed queue)
alliance generate --agreements N [--seed S]
alliance recompute [--agreement UUID …] [--as-of YYYY-MM-DD] [--history quarterly|monthly]
alliance insights schedule|trust|alignment FILE.json …   (no database needed)
alliance manage <django command> …
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
from pathlib import Path

DEFAULT_PORT = 8000


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


def serve(host: str, port: int) -> int:
    """Serve the site with waitress (a production WSGI server; static files by WhiteNoise)."""
    from django.conf import settings
    from waitress import serve as waitress_serve

    # WhiteNoise serves collected files from here and the apps' own static folders; it
    # checks the folder when the application is built, so create it first.
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
    from alliance.config.wsgi import application

    print(f"Alliance is running on http://{host}:{port}/  (Ctrl+C to stop)", flush=True)
    waitress_serve(application, host=host, port=port, threads=8, ident="Alliance")
    return 0


def demo(args: argparse.Namespace) -> int:
    var_dir = Path(os.environ.get("ALLIANCE_VAR_DIR", Path.cwd() / "var"))
    os.environ["ALLIANCE_VAR_DIR"] = str(var_dir)
    _ensure_demo_secret(var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("demo_load", verbosity=1)
    return serve(args.host, _port(args.port))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
    if argv[:1] == ["recompute"]:
        # The management command owns the options (and their --help).
        _setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["alliance recompute", "recompute", *argv[1:]])
        return 0
    if argv[:1] == ["insights"]:
        from alliance.insights.cli import main as insights_main

        return insights_main(argv[1:])

    parser = argparse.ArgumentParser(prog="alliance", description=__doc__.split("\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (("demo", "load the demo scenario and serve it"), ("serve", "serve")):
        sub = commands.add_parser(name, help=help_text)
        sub.add_argument("--host", default="127.0.0.1")
        sub.add_argument("--port", default=None, help=f"default: $PORT or {DEFAULT_PORT}")
    commands.add_parser("worker", help="run background tasks")
    gen = commands.add_parser("generate", help="generate a large synthetic portfolio")
    gen.add_argument("--agreements", type=int, required=True)
    gen.add_argument("--seed", type=int, default=1)
    commands.add_parser("recompute", help="compute the insights and store them as snapshots")
    commands.add_parser("manage", help="any Django management command")
    commands.add_parser("insights", help="run an insights model on a JSON file")
    commands.add_parser("import", help="import a file (CSV, XLSX, OC4IDS, OCDS, IATI)")
    commands.add_parser("export", help="export data")
    args = parser.parse_args(argv)

    if args.command == "demo":
        return demo(args)
    _setup_django()
    from django.core.management import call_command

    if args.command == "serve":
        return serve(args.host, _port(args.port))
    if args.command == "worker":
        call_command("db_worker")
        return 0
    call_command("generate", agreements=args.agreements, seed=args.seed)
    return 0
