"""careers.core.api can be imported first, before anything has imported DRF's views."""

import subprocess
import sys

from tests.processes import ROOT, child_env


def test_it_imports_the_shared_api_module_before_drfs_views():
    code = (
        "import django; django.setup(); import careers.core.api as api; "
        "import rest_framework.views; print(api.JSONRenderer.__name__)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=child_env(DJANGO_SETTINGS_MODULE="advisor.settings"),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "JSONRenderer"
