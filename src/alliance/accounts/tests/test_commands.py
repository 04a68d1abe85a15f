"""Every management command of ours can print its help (argparse needs plain strings)."""

import pytest
from django.core.management import get_commands, load_command_class

OURS = sorted((name, app) for name, app in get_commands().items() if app.startswith("alliance."))


@pytest.mark.parametrize(("name", "app"), OURS)
def test_command_help_renders(name, app):
    parser = load_command_class(app, name).create_parser("alliance manage", name)
    assert name in parser.format_help()


def test_our_commands_are_found():
    assert {"demo_load", "generate", "recompute", "import_data", "export_data"} <= {
        n for n, _ in OURS
    }
