"""`smm extract` exit statuses: 0 all configured accounts fetched, 1 some failed (named), 2 bad configuration."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.extract.registry import CONNECTORS
from pipelines.sandbox.api.server import Sandbox, SandboxSettings
from pipelines.sandbox.api.world import load_world
from pipelines.sandbox.generator import generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    generate(out, days=1, seed=3, scale=1)
    return out


@pytest.fixture
def env(tmp_path, generated, monkeypatch):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "brands.yml").write_bytes((generated / "brands.yml").read_bytes())
    monkeypatch.setenv("SMM_LANDING_DIR", str(landing))
    monkeypatch.setenv("SMM_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("SMM_BRANDS_FILE", raising=False)
    for connector in CONNECTORS.values():
        for name in connector.credential_envs:
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SMM_EXTRACT_ATTEMPTS", "2")
    monkeypatch.setenv("SMM_EXTRACT_BACKOFF_SECONDS", "0.05")
    return landing


def test_unknown_platform_is_bad_configuration(env):
    runner = CliRunner()
    for name in ("myspace",):
        result = runner.invoke(main, ["extract", "--platform", name])
        assert result.exit_code == 2, result.output
        assert f"--platform {name}" in result.output


def test_malformed_brands_file_is_bad_configuration(env):
    (env / "brands.yml").write_text("brands: [oops\n")
    assert CliRunner().invoke(main, ["extract"]).exit_code == 2


def test_no_tokens_skips_every_platform_and_succeeds(env):
    result = CliRunner().invoke(main, ["extract"])
    assert result.exit_code == 0, result.output
    assert "vk: skipped — SMM_VK_TOKEN is not set" in result.output


def test_a_rejected_token_exits_1_naming_the_variable(env, generated, monkeypatch):
    with Sandbox(load_world(generated), SandboxSettings(tokens={"vk": "right"})) as sandbox:
        monkeypatch.setenv("SMM_API_BASE_URL", sandbox.base_url)
        monkeypatch.setenv("SMM_VK_TOKEN", "vk-wr0ng-tok")
        monkeypatch.setenv("SMM_X_BEARER_TOKEN", "any")
        result = CliRunner().invoke(main, ["extract", "--since", "2025-12-01", "--until", "2026-01-01"])
    assert result.exit_code == 1, result.output
    assert "renew SMM_VK_TOKEN" in result.output
    assert "x: 4 accounts ok, 0 failed" in result.output
    assert "vk-wr0ng-tok" not in result.output  # the value itself is never printed
