"""Monitor fixtures: a small classifier trained on subsets of the real labelled sets."""

from __future__ import annotations

import pytest

from forewarn.monitor.heads import TextFeatures


@pytest.fixture(scope="session")
def small_model_root(raw_dir, tmp_path_factory):
    """A model version trained by the real `train` code on 400 texts per set (the full run
    belongs to `forewarn monitor train` and the benchmark)."""
    from forewarn.monitor.train import train

    root = tmp_path_factory.mktemp("artifacts") / "monitor"
    train(raw_dir, root, limit=400, test_limit=200, version="vtest", progress=lambda _: None,
          features=TextFeatures(char_max_features=20_000, word_max_features=10_000))
    return root


@pytest.fixture(scope="session")
def small_model(small_model_root):
    from forewarn.monitor.model import load

    return load(small_model_root)
