"""Fixtures of the verification tests: the stand-in Hub over real HTTP, and a model root on disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.compliance.model_files import safetensors_of_size
from tests.standin_hub import StandinHub


@pytest.fixture(scope="session")
def standin_hub_server():
    hub = StandinHub().start()
    yield hub
    hub.stop()


@pytest.fixture
def hub(standin_hub_server, settings) -> StandinHub:
    """The stand-in Hub, empty, with settings.HF_ENDPOINT pointing at it and retries fast enough for tests."""
    standin_hub_server.reset()
    settings.HF_ENDPOINT = standin_hub_server.url
    settings.HF_TOKEN = None
    settings.HF_RETRIES = 3
    settings.HF_RETRY_BACKOFF_MS = 10
    settings.HF_RETRY_MAX_WAIT_SECONDS = 2
    yield standin_hub_server
    standin_hub_server.reset()


@pytest.fixture
def model_root(tmp_path, settings) -> Path:
    """A fresh folder that settings.MODEL_ROOTS allows, and nothing else."""
    root = tmp_path / "models"
    root.mkdir()
    settings.MODEL_ROOTS = [root]
    return root


def write_tree(folder: Path, files: dict[str, bytes]) -> Path:
    for path, data in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder


@pytest.fixture
def small_model() -> dict[str, bytes]:
    """A few KB standing in for a model: two LFS weight shards (valid safetensors) and three small git files."""
    return {
        "config.json": b'{"architectures": ["LlamaForCausalLM"], "hidden_size": 64}\n',
        "tokenizer.json": os.urandom(3000),
        "model-00001-of-00002.safetensors": safetensors_of_size(8192),
        "model-00002-of-00002.safetensors": safetensors_of_size(5000),
        "original/params.json": b'{"dim": 64}\n',
    }
