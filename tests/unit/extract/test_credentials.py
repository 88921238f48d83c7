"""credentials.CREDENTIALS is the one list of the platforms' variables: the registry's connectors, the
Dagster resource's fields and the extract assets all follow it, and loading the definitions does not
import the connectors' libraries (dlt, Telethon), which only an extraction needs."""

from __future__ import annotations

import subprocess
import sys

from pipelines.defs.extract.assets import ASSETS, extract_key
from pipelines.defs.extract.resources import PlatformApis, _field
from pipelines.extract.credentials import CREDENTIALS
from pipelines.extract.registry import CONNECTORS


def test_every_connector_has_its_credentials_in_the_same_order():
    assert list(CONNECTORS) == list(CREDENTIALS)
    for platform, connector in CONNECTORS.items():
        assert connector.platform == platform
        assert connector.credentials is CREDENTIALS[platform]


def test_each_variable_is_a_field_of_the_resource_and_each_platform_an_asset():
    fields = set(PlatformApis.model_fields)
    for credentials in CREDENTIALS.values():
        for name in credentials.all_envs:
            assert name.startswith("SMM_"), name
            assert _field(name) in fields, name
    assert {a.key for a in ASSETS} == {extract_key(p) for p in CREDENTIALS}


def test_the_definitions_load_without_the_connectors_libraries_or_pandas():
    probe = (
        "import sys, pipelines.definitions\n"
        "print(sorted(m for m in ('dlt', 'telethon', 'pandas', 'great_expectations') if m in sys.modules))"
    )
    loaded = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]", loaded.stdout + loaded.stderr
