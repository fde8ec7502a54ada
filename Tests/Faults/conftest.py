"""Fixtures of the faults suite: the debug binary (built once), signing keys (generated once),
and starters for services and fake endpoints that stop every one of them by PID / shutdown at the
end of the test."""

from __future__ import annotations

from pathlib import Path

import pytest
from faults_support import FakeEndpoint, Service, SigningKey, build_binary


@pytest.fixture(scope="session")
def binary() -> Path:
    return build_binary()


@pytest.fixture(scope="session")
def keys() -> dict:
    return {"known": SigningKey("known-kid"), "rotated": SigningKey("rotated-kid"),
            "weak": SigningKey("weak-kid", bits=1024)}


@pytest.fixture
def start_service(binary: Path, tmp_path: Path):
    services: list[Service] = []

    def start(**settings: str) -> Service:
        service = Service(binary, tmp_path / f"run{len(services)}", **settings)
        services.append(service)
        return service

    yield start
    for service in services:
        service.stop()


@pytest.fixture
def start_fake():
    fakes: list[FakeEndpoint] = []

    def start(behaviour=None, port: int = 0) -> FakeEndpoint:
        fake = FakeEndpoint(behaviour, port)
        fakes.append(fake)
        return fake

    yield start
    for fake in fakes:
        fake.stop()
