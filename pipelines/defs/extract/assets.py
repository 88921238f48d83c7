"""Extract assets: one per platform (group `extract_<platform>`), each one `smm extract --platform P`.

Materialising writes new capture files into the landing dir; the landing sensor then starts the
pipeline. Metadata per run: pages, records, files, bytes, retries, seconds waited. A platform
without its token is skipped with a note; a failed account fails the asset, naming it (the captures
of the accounts that succeeded are kept).
"""

from collections.abc import Callable
from typing import TYPE_CHECKING

import dagster as dg

from pipelines.defs.extract.resources import PlatformApis
from pipelines.extract.credentials import CREDENTIALS
from pipelines.ingest.brands import load_brands

if TYPE_CHECKING:
    from pipelines.extract.base import Connector
    from pipelines.extract.run import PlatformResult

OWNERS = ["team:data-engineering"]


def extract_key(platform: str) -> dg.AssetKey:
    return dg.AssetKey(["extract", platform])


def _metadata(result: "PlatformResult") -> dict[str, str | int | float]:
    stats = result.stats
    return {
        "skipped": result.skipped or "",
        "accounts_ok": len(result.accounts_ok),
        "accounts_failed": len(result.failures),
        "pages": stats.pages,
        "records": stats.records,
        "files": len(result.files),
        "bytes": result.bytes,
        "retries": stats.retries,
        "seconds_waited": round(stats.seconds_waited, 1),
    }


def _registered(platform: str) -> "Connector":
    # Imported when an extraction runs, not with the definitions: the connectors load dlt and Telethon.
    from pipelines.extract.registry import CONNECTORS

    return CONNECTORS[platform]


def _extract_asset(
    platform: str, connector_for: "Callable[[str], Connector]" = _registered
) -> dg.AssetsDefinition:
    @dg.asset(
        key=extract_key(platform),
        group_name=f"extract_{platform}",
        description=f"{platform} API pulled into landing/{platform}/ as capture files "
        f"(token: {', '.join(CREDENTIALS[platform].credential_envs)}).",
        kinds={"python"},
        owners=OWNERS,
    )
    def _asset(context: dg.AssetExecutionContext, apis: PlatformApis) -> dg.MaterializeResult:
        from pipelines.extract.run import extract  # it imports the connectors' base: dlt

        paths = apis.resolve()
        summary = extract(
            [connector_for(platform)],
            load_brands(paths.brands_file),
            paths.landing,
            paths.data,
            env=apis.extract_env(),
            progress=context.log.info,
        )
        (result,) = summary.platforms
        metadata = _metadata(result)
        if result.failures:
            raise dg.Failure(description="\n".join(result.failures), metadata=metadata)
        return dg.MaterializeResult(metadata=metadata)

    return _asset


ASSETS = [_extract_asset(platform) for platform in CREDENTIALS]
# Kept out of smm_full: a pipeline run reads what is in the landing, however it got there.
EXTRACT_SELECTION = dg.AssetSelection.assets(*ASSETS)
extract_job = dg.define_asset_job(
    "smm_extract",
    selection=EXTRACT_SELECTION,
    description="Pull every platform's API into the landing dir (platforms without a token are skipped).",
)
extract_schedule = dg.ScheduleDefinition(
    name="smm_extract_schedule",
    job=extract_job,
    cron_schedule="0 5,13,21 * * *",
    execution_timezone="UTC",
    description="Three times a day, before the captures are read; the landing sensor starts the pipeline.",
)
