"""Load `functions/<name>/main.py` with functions-framework, exactly as deployed."""

from __future__ import annotations

import threading
from pathlib import Path

import common
from common.topology import Subscription

FUNCTIONS_DIR = Path(common.__file__).resolve().parent.parent / "functions"


class FunctionApps:
    """One functions-framework WSGI app per function folder, created on first use."""

    def __init__(self, functions_dir: Path = FUNCTIONS_DIR) -> None:
        self.functions_dir = functions_dir
        self._apps: dict = {}
        self._lock = threading.Lock()

    def names(self) -> list[str]:
        """Function folders that exist."""
        return sorted(p.parent.name for p in self.functions_dir.glob("*/main.py"))

    def app(self, name: str):
        """The WSGI app for one function."""
        with self._lock:
            if name not in self._apps:
                import functions_framework

                source = self.functions_dir / name / "main.py"
                if not source.exists():
                    raise LookupError(f"no function {name!r} at {source}")
                self._apps[name] = functions_framework.create_app(target=name, source=str(source))
            return self._apps[name]

    def deliver(self, subscription: Subscription, envelope: dict) -> None:
        """POST a Pub/Sub push envelope to the consumer; raise unless it answers 2xx."""
        response = self.app(subscription.function).test_client().post("/", json=envelope)
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"{subscription.function} answered {response.status_code}")
