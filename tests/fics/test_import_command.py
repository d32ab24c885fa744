import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from fics.models import Work
from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = StringIO(), StringIO()
    try:
        call_command("import_fics", *args, stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), ""


def test_imports_a_folder_recursively_with_one_line_per_file(tmp_path):
    (tmp_path / "nested").mkdir()
    (tmp_path / "one.txt").write_text("The first story.\n")
    (tmp_path / "nested" / "two.txt").write_text("The second story.\n")

    out, error = run(str(tmp_path))

    assert error == ""
    assert "one.txt: imported" in out
    assert "two.txt: imported" in out
    assert "2 files: 2 imported, 0 unchanged, 0 updated, 0 failed." in out
    assert Work.objects.count() == 2

    again, _ = run(str(tmp_path))
    assert "2 files: 0 imported, 2 unchanged" in again


def test_failures_are_listed_and_make_the_command_fail(tmp_path):
    (tmp_path / "good.txt").write_text("A good story.\n")
    (tmp_path / "empty.txt").write_bytes(b"")

    out, error = run(str(tmp_path))

    assert "empty.txt: failed:" in out
    assert "good.txt: imported" in out
    assert "1 file(s) could not be imported" in error
    assert Work.objects.count() == 1


def test_missing_path_is_a_clear_error(tmp_path):
    _, error = run(str(tmp_path / "nope.txt"))

    assert "No such file or folder" in error
    assert "nope.txt" in error


def test_over_the_limit_is_refused_before_reading(tmp_path, settings):
    settings.MAX_UPLOAD_MB = 1
    settings.MAX_UPLOAD_BYTES = 1024 * 1024
    (tmp_path / "big.txt").write_bytes(b"x" * (1024 * 1024 + 1))

    out, error = run(str(tmp_path))

    assert "big.txt: failed: the file is 1.0 MB, over the 1 MB limit" in out
    assert error


def test_exit_status_is_1_when_a_file_fails(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["MARGINALIA_DATA_DIR"] = str(tmp_path / "data")
    (tmp_path / "empty.txt").write_bytes(b"")

    def manage(*args):
        command = [sys.executable, "manage.py", *args]
        return subprocess.run(
            command, capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, check=False
        )

    assert manage("migrate", "--no-input").returncode == 0
    completed = manage("import_fics", str(tmp_path / "empty.txt"))

    assert completed.returncode == 1
    assert "empty.txt: failed:" in completed.stdout
    assert "Traceback" not in completed.stderr
