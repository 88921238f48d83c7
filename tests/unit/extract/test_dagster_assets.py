"""The extract assets (pipelines/defs/extract/) against the sandbox: captures written, metadata
reported, a platform without a token skipped, a rejected token failing its asset only."""

from __future__ import annotations

import dagster as dg
import pytest

from pipelines.defs.extract.assets import ASSETS, extract_key
from pipelines.defs.extract.resources import PlatformApis, platform_apis
from pipelines.sandbox.api.server import Sandbox, SandboxSettings
from pipelines.sandbox.api.world import load_world
from pipelines.sandbox.generator import generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("world")
    generate(out, days=1, seed=5, scale=1)
    return out


@pytest.fixture
def landing(tmp_path, generated):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "brands.yml").write_bytes((generated / "brands.yml").read_bytes())
    return landing


def _materialize(apis: PlatformApis, platforms: list[str]) -> dg.ExecuteInProcessResult:
    selected = [a for a in ASSETS if a.key in {extract_key(p) for p in platforms}]
    return dg.materialize(selected, resources={"apis": apis}, raise_on_error=False)


def test_assets_write_captures_and_report_metadata(tmp_path, generated, landing):
    with Sandbox(load_world(generated), SandboxSettings(tokens={"vk": "vk-dg-tok"}, page_size=5)) as sandbox:
        apis = PlatformApis(
            landing_dir=str(landing),
            data_dir=str(tmp_path / "data"),
            vk_token="vk-dg-tok",
            linkedin_token="",
            x_bearer_token="x-wr0ng",
            api_base_url=sandbox.base_url,
        )
        sandbox.settings.tokens["x"] = "x-right"
        result = _materialize(apis, ["vk", "tiktok", "x"])
    vk = result.asset_materializations_for_node("extract__vk")[0].metadata
    assert vk["pages"].value == sandbox.counters.pages["vk"] > 0
    assert vk["files"].value == len(list(landing.glob("vk/*/*.jsonl"))) > 0
    assert vk["skipped"].value == ""
    tiktok = result.asset_materializations_for_node("extract__tiktok")[0].metadata
    assert tiktok["skipped"].value == "SMM_TIKTOK_TOKEN is not set"
    (failure,) = [e for e in result.all_events if e.is_step_failure]
    assert failure.step_key == "extract__x"
    assert "renew SMM_X_BEARER_TOKEN" in str(failure.event_specific_data.error)
    assert "x-wr0ng" not in str(failure.event_specific_data.error)


def test_only_variables_that_are_set_are_bound(monkeypatch):
    monkeypatch.setenv("SMM_VK_TOKEN", "from-env")
    monkeypatch.delenv("SMM_X_BEARER_TOKEN", raising=False)
    monkeypatch.delenv("SMM_API_BASE_URL", raising=False)
    apis = platform_apis()
    assert isinstance(apis.vk_token, dg.EnvVar) and apis.x_bearer_token == ""
    with dg.build_resources({"apis": apis}) as resources:  # resolved by Dagster, as in a run
        assert resources.apis.extract_env() == {"SMM_VK_TOKEN": "from-env"}
