"""Whether the tests run in CI (``CI=true``): there, a missing test requirement fails instead of skipping."""
import os

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
