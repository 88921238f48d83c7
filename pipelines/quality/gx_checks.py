"""The one place Great Expectations is used: suites (plain data in `expectations/`) → GX → Dagster checks.

GX 1.x, ephemeral context per validation folder, pandas batches (see `gx_batches`). The context keeps
expectation suites in memory but stores every validation result as JSON under
`<validation>/results/` and renders GX Data Docs under `<validation>/data_docs/`, so results survive
the process and the docs site lists every run still kept.

Data Docs pages are rendered in batches (one page costs ~0.2 s alone, ~0.03 s in a batch): by the
warehouse check step at the end of a run, and by any step whose check blocks the run. Every other
result is rendered at the next such build; its JSON exists at once.

Great Expectations is imported on first use only: importing it costs seconds, and nothing but a
validation needs it (definitions load, `smm status`, unit tests of other modules).
"""

from __future__ import annotations

import json
import math
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import dagster as dg

from expectations import Rule, Suite
from pipelines.quality.gx_batches import Batch, ValidationSettings
from pipelines.quality.validation_report import DOCS_INDEX, now_iso, prune, write_summary

_DATASOURCE = "smm"
_ASSET = "frame"  # one dataframe asset for every suite: each asset added re-serialises the whole config
_SITE = "smm"
_SAMPLE_SIZE = 10  # unexpected values kept per failed expectation (GX partial_unexpected_list)
_RESULT_FORMAT = (
    "BASIC"  # for failures: unexpected counts and values (SUMMARY adds value counts, ~30% dearer)
)
_GX_SEVERITY = {"error": "critical", "warn": "warning"}


@dataclass(frozen=True)
class Failure:
    """One failed expectation, in the terms an analyst needs: which rule, how many rows, which values."""

    expectation: str
    column: str | None
    severity: str
    family: str
    unexpected_count: int | None
    unexpected_percent: float | None
    observed_value: Any
    sample: list[Any]
    why: str = ""
    exception: str | None = None

    @property
    def label(self) -> str:
        return self.expectation + (f"({self.column})" if self.column else "")

    def describe(self) -> str:
        parts = [self.label]
        if self.exception:
            parts.append(f"raised {self.exception}")
        if self.unexpected_count is not None:
            parts.append(f"{self.unexpected_count} unexpected")
        if self.observed_value is not None:
            parts.append(f"observed {_short(self.observed_value)}")
        if self.sample:
            parts.append(f"e.g. {_short(self.sample[:3])}")
        return " ".join(parts)


@dataclass
class Outcome:
    """The validation of one suite on one batch."""

    suite: Suite
    run_id: str
    evaluated: int
    failures: list[Failure]
    rows_validated: int
    rows_total: int
    seconds: float
    result_json: Path | None = None
    data_docs: Path | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def success(self) -> bool:
        return not self.failures

    @property
    def errors(self) -> list[Failure]:
        return [f for f in self.failures if f.severity == "error"]

    @property
    def severity(self) -> str | None:
        if not self.failures:
            return None
        return "error" if self.errors else "warn"

    @property
    def asset(self) -> str:
        return "/".join(self.suite.asset_key)

    def failures_for(self, check: str) -> list[Failure]:
        return [f for f in self.failures if self.suite.check_for(f.family) == check]

    def describe(self, failures: Sequence[Failure] | None = None) -> str:
        failures = failures if failures is not None else (self.errors or self.failures)
        checks = ", ".join(dict.fromkeys(self.suite.check_for(f.family) for f in failures))
        return f"{self.asset} {checks} (suite {self.suite.name}): " + "; ".join(
            f.describe() for f in failures
        )

    def summary(self) -> dict[str, Any]:
        return {
            "suite": self.suite.name,
            "stage": self.suite.stage,
            "asset": self.asset,
            "check": self.suite.check_name,
            "run_id": self.run_id,
            "success": self.success,
            "severity": self.severity,
            "validated_at": now_iso(),
            "evaluated_expectations": self.evaluated,
            "rows_validated": self.rows_validated,
            "rows_total": self.rows_total,
            "seconds": round(self.seconds, 3),
            "failures": [_jsonable(f.__dict__) for f in self.failures],
            "result_json": str(self.result_json) if self.result_json else None,
            "data_docs": str(self.data_docs) if self.data_docs else None,
            **self.extra,
        }


# ---------------------------------------------------------------- GX context (lazy)

_CONTEXTS: dict[Path, Any] = {}
_DEFINITIONS: dict[tuple[Path, str], Any] = {}


_IMPORT_THREAD: threading.Thread | None = None


def _import_gx():
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx

    return gx


def _gx():
    """GX, imported: every use of GX goes through here first."""
    thread = _IMPORT_THREAD
    if thread is not None and thread is not threading.current_thread():
        # Two threads importing GX at once can hand one of them a half-initialised module (GX's
        # packages import each other): wait for the background import instead.
        thread.join()
    return _import_gx()


def import_gx_in_background() -> None:
    """Start importing GX (~2 s) in a thread, once per process, where a run will need it and has
    other work meanwhile.

    Jobs run in one process (`in_process_executor`), so what is imported here serves every later step:
    a run that parses captures starts it with its plan (defs/resources.py), and ingest's first
    validation finds GX imported while the parsing ran on the other core; any run starts it again in
    the dbt step, which waits for dbt, for the validation step after it."""
    global _IMPORT_THREAD
    if _IMPORT_THREAD is not None:
        return
    _IMPORT_THREAD = threading.Thread(target=_import_gx, name="import-great-expectations", daemon=True)
    _IMPORT_THREAD.start()


def _context(validation_dir: Path):
    """An ephemeral context whose results and Data Docs live in `validation_dir`; one per process."""
    validation_dir = validation_dir.resolve()
    if validation_dir in _CONTEXTS:
        return _CONTEXTS[validation_dir]
    gx = _gx()
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    defaults = InMemoryStoreBackendDefaults()
    stores = dict(defaults.stores)
    stores[defaults.validation_results_store_name] = {
        "class_name": "ValidationResultsStore",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(validation_dir / "results"),
        },
    }
    config = DataContextConfig(
        stores=stores,
        expectations_store_name=defaults.expectations_store_name,
        validation_results_store_name=defaults.validation_results_store_name,
        checkpoint_store_name=defaults.checkpoint_store_name,
        data_docs_sites={
            _SITE: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(validation_dir / "data_docs"),
                },
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "validation_results_limit": 100,
                },
                # Suites live in code and in each result; the site lists validation results only.
                "site_section_builders": {"expectations": "None", "profiling": "None"},
            }
        },
        analytics_enabled=False,
        # tqdm bars on every metric batch would flood the Dagster logs.
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    context = gx.get_context(mode="ephemeral", project_config=config)
    context.data_sources.add_pandas(_DATASOURCE).add_dataframe_asset(
        _ASSET
    ).add_batch_definition_whole_dataframe("whole")
    _CONTEXTS[validation_dir] = context
    return context


def gx_expectation(rule: Rule):
    """The GX expectation object for a rule; meta carries the rule's family, severity and reason."""
    _gx()
    import great_expectations.expectations as gxe

    cls = getattr(gxe, rule.expectation)
    return cls(
        **dict(rule.kwargs),
        severity=_GX_SEVERITY[rule.severity],
        meta={"family": rule.family, "smm_severity": rule.severity, "why": rule.why},
    )


def _validation_definition(validation_dir: Path, suite: Suite):
    key = (validation_dir.resolve(), suite.name)
    if key in _DEFINITIONS:
        return _DEFINITIONS[key]
    gx = _gx()
    context = _context(validation_dir)
    batch_definition = context.data_sources.get(_DATASOURCE).get_asset(_ASSET).get_batch_definition("whole")
    # All expectations at construction: add_expectation compares each new one with every earlier one.
    gx_suite = gx.ExpectationSuite(
        name=suite.name,
        expectations=[gx_expectation(rule) for rule in suite.rules],
        meta={"stage": suite.stage, "asset": "/".join(suite.asset_key)},
    )
    if len(gx_suite.expectations) != len(suite.rules):  # the constructor logs and drops invalid ones
        raise ValueError(
            f"suite {suite.name}: {len(suite.rules) - len(gx_suite.expectations)} invalid rule(s)"
        )
    gx_suite = context.suites.add(gx_suite)
    definition = context.validation_definitions.add(
        gx.ValidationDefinition(name=suite.name, data=batch_definition, suite=gx_suite)
    )
    _DEFINITIONS[key] = definition
    return definition


# ---------------------------------------------------------------- validating


def _short(value: Any, limit: int = 160) -> str:
    text = json.dumps(_jsonable(value), default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _jsonable(value: Any) -> Any:
    """GX result values (numpy scalars, Timestamps, pd.NA) as plain JSON values."""
    import pandas as pd  # here, not at the top: the definitions load without pandas (gx_batches.py)

    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "dtype") and hasattr(value, "item"):  # a numpy scalar
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, pd.Timestamp | datetime):
        return value.isoformat()
    return str(value)


def _failure(result: Any) -> Failure:
    config = result.expectation_config
    meta = config.meta or {}
    kwargs = config.kwargs
    details = result.result or {}
    column = kwargs.get("column") or kwargs.get("column_A")
    if column is None and kwargs.get("column_list") and not config.type.startswith("expect_table_"):
        column = ",".join(kwargs["column_list"])
    if kwargs.get("column_B"):
        column = f"{column},{kwargs['column_B']}"
    exception = None
    if result.exception_info and result.exception_info.get("raised_exception"):
        exception = str(result.exception_info.get("exception_message"))[:300]
    return Failure(
        expectation=config.type,
        column=column,
        severity=meta.get("smm_severity", "error"),
        family=meta.get("family", ""),
        unexpected_count=details.get("unexpected_count"),
        unexpected_percent=_jsonable(details.get("unexpected_percent")),
        observed_value=_jsonable(details.get("observed_value")),
        sample=_jsonable(list(details.get("partial_unexpected_list") or []))[:_SAMPLE_SIZE],
        why=meta.get("why", ""),
        exception=exception,
    )


def validate(
    suite: Suite,
    batch: Batch,
    *,
    validation_dir: Path,
    run_id: str,
    parameters: Mapping[str, Any] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> Outcome:
    """Run `suite` on `batch`; the GX result is stored as JSON and a one-file summary beside it.

    `parameters` fill the suite's `$PARAMETER` values; `extra` is reported with the outcome. A batch
    without rows is judged without GX (`_failures_without_rows`), and no GX result is stored for it.
    """
    started = time.perf_counter()
    if (without_rows := _failures_without_rows(suite, batch, parameters or {})) is not None:
        outcome = Outcome(
            suite=suite,
            run_id=run_id,
            evaluated=len(suite.rules),
            failures=without_rows,
            rows_validated=0,
            rows_total=0,
            seconds=time.perf_counter() - started,
            extra={
                **({"parameters": _jsonable(dict(parameters))} if parameters else {}),
                **(extra or {}),
                "judged": NO_ROWS_JUDGED,
            },
        )
        write_summary(validation_dir, run_id, outcome.summary())
        return outcome
    _gx()
    from great_expectations.core.run_identifier import RunIdentifier
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier,
        ValidationResultIdentifier,
    )

    definition = _validation_definition(validation_dir, suite)
    gx_run = RunIdentifier(run_name=run_id, run_time=datetime.now(UTC))

    def run(result_format: str):
        return definition.run(
            batch_parameters={"dataframe": batch.frame},
            expectation_parameters=dict(parameters or {}),
            result_format={"result_format": result_format, "partial_unexpected_count": _SAMPLE_SIZE},
            run_id=gx_run,
        )

    # Pass/fail only first (~10% cheaper); a failing suite is run again for counts, observed values and
    # unexpected samples, and that result replaces the first under the same result key.
    result = run("BOOLEAN_ONLY")
    if not result.success:
        result = run(_RESULT_FORMAT)
    failures = [_failure(r) for r in result.results if not r.success]
    identifier = ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
        run_id=gx_run,
        batch_identifier=f"{_DATASOURCE}-{_ASSET}",
    )
    if _fill_passed_column_lists(result):
        _context(validation_dir).validation_results_store.set(identifier, result)
    parts = identifier.to_tuple()
    outcome = Outcome(
        suite=suite,
        run_id=run_id,
        evaluated=len(result.results),
        failures=failures,
        rows_validated=len(batch.frame),
        rows_total=batch.rows_total,
        seconds=time.perf_counter() - started,
        result_json=validation_dir.joinpath("results", *parts[:-1], f"{parts[-1]}.json"),
        data_docs=validation_dir.joinpath("data_docs", "validations", *parts[:-1], f"{parts[-1]}.html"),
        extra={**({"parameters": _jsonable(dict(parameters))} if parameters else {}), **(extra or {})},
    )
    write_summary(validation_dir, run_id, outcome.summary())
    return outcome


# A batch without rows is judged here, not by GX: its row rules have no row to fail on, so only the
# table rules can fail, and GX would cost ~60 ms a suite (and its import, ~2 s) to say so. Every
# dataset without new rows in a run is such a batch (an empty landing, a re-run, a quiet platform).
# tests/unit/test_gx_no_rows.py runs every suite both ways and compares the failures.
NO_ROWS_JUDGED = "no rows: table rules judged without GX, row rules have nothing to check"
_ROW_RULES = frozenset(
    {
        "ExpectColumnValuesToNotBeNull",
        "ExpectColumnValuesToBeBetween",
        "ExpectColumnValuesToBeInSet",
        "ExpectColumnValuesToBeUnique",
        "ExpectCompoundColumnsToBeUnique",
        "ExpectColumnPairValuesAToBeGreaterThanB",
    }
)
_ROW_COUNT_BOUNDS = frozenset({"min_value", "max_value"})


def _snake(expectation: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", expectation).lower()


class _LeftToGx(Exception):
    """A rule the shortcut does not judge (a missing column or parameter, a rule of another kind)."""


def _resolved(value: Any, parameters: Mapping[str, Any]) -> Any:
    if isinstance(value, Mapping) and "$PARAMETER" in value:
        if value["$PARAMETER"] not in parameters:
            raise _LeftToGx
        return parameters[value["$PARAMETER"]]
    return value


def _failures_without_rows(suite: Suite, batch: Batch, parameters: Mapping[str, Any]) -> list[Failure] | None:
    """The suite's failures on a batch without rows, or None when the batch has rows or a rule needs GX.

    Row rules pass when their columns exist (GX reports a missing column as a failure: left to GX);
    the column list, row count equal to and row count between are judged on the frame's columns and 0.
    """
    if batch.rows_total or len(batch.frame):
        return None
    try:
        return _table_rule_failures(suite, [str(c) for c in batch.frame.columns], parameters)
    except _LeftToGx:
        return None


def _table_rule_failures(suite: Suite, columns: list[str], parameters: Mapping[str, Any]) -> list[Failure]:
    failures = []
    for rule in suite.rules:
        kwargs = rule.kwargs
        if rule.expectation in _ROW_RULES:
            named = [kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")]
            named += list(kwargs.get("column_list") or [])
            if any(name is not None and name not in columns for name in named):
                raise _LeftToGx
            continue
        if rule.expectation == "ExpectTableColumnsToMatchOrderedList":
            observed: Any = columns
            failed = columns != list(kwargs["column_list"])
        elif rule.expectation == "ExpectTableRowCountToEqual" and set(kwargs) == {"value"}:
            observed, failed = 0, _resolved(kwargs["value"], parameters) != 0
        elif rule.expectation == "ExpectTableRowCountToBeBetween" and set(kwargs) <= _ROW_COUNT_BOUNDS:
            low = _resolved(kwargs.get("min_value"), parameters)
            high = _resolved(kwargs.get("max_value"), parameters)
            observed = 0
            failed = (low is not None and low > 0) or (high is not None and high < 0)
        else:
            raise _LeftToGx
        if failed:
            failures.append(
                Failure(
                    expectation=_snake(rule.expectation),
                    column=None,
                    severity=rule.severity,
                    family=rule.family,
                    unexpected_count=None,
                    unexpected_percent=None,
                    observed_value=observed,
                    sample=[],
                    why=rule.why,
                )
            )
    return failures


def _fill_passed_column_lists(result: Any) -> bool:
    """Give a passed column-order check its observed columns, which a pass/fail-only run leaves out.

    GX's Data Docs renderer reads them from every result that has the check and, without them, fails
    the whole page (KeyError 'observed_value', with a traceback in the run's output). A pass means the
    table's columns were exactly the expected list, so that list is what was observed.
    """
    filled = False
    for check in result.results:
        details = check.result or {}
        if (
            check.success
            and check.expectation_config.type == "expect_table_columns_to_match_ordered_list"
            and "observed_value" not in details
        ):
            check.result = {**details, "observed_value": list(check.expectation_config.kwargs["column_list"])}
            filled = True
    return filled


def render_data_docs(validation_dir: Path, settings: ValidationSettings | None = None) -> Path | None:
    """Render the Data Docs pages of every stored result that has none yet, and the index page.

    Old results are pruned first (SMM_VALIDATION_KEEP_DAYS). Returns the index page, or None when
    there is nothing to show.
    """
    settings = settings or ValidationSettings.from_env()
    prune(validation_dir, settings.keep_days)
    if not (validation_dir / "results").is_dir():
        return None
    context = _context(validation_dir)
    site = validation_dir / "data_docs" / "validations"
    pending = []
    for key in context.validation_results_store.list_keys():
        parts = key.to_tuple()
        if not site.joinpath(*parts[:-1], f"{parts[-1]}.html").exists():
            pending.append(key)
    if pending:
        context.build_data_docs(site_names=[_SITE], resource_identifiers=pending)
    index = validation_dir / DOCS_INDEX
    return index if index.exists() else None


# ---------------------------------------------------------------- Dagster


def check_specs(suite: Suite) -> list[dg.AssetCheckSpec]:
    """Every GX check blocks: ERROR severity stops what reads the table, WARN severity stops nothing."""
    specs = []
    for name in suite.check_names:
        families = sorted({r.family for r in suite.rules if suite.check_for(r.family) == name})
        specs.append(
            dg.AssetCheckSpec(
                name,
                asset=dg.AssetKey(list(suite.asset_key)),
                blocking=True,
                description=(suite.description if name == suite.check_name else "")
                or f"Great Expectations suite {suite.name}: {', '.join(families)}",
            )
        )
    return specs


def _failures_markdown(failures: Sequence[Failure]) -> str:
    rows = [
        "| severity | expectation | family | unexpected | observed | sample |",
        "|---|---|---|---|---|---|",
    ]
    for f in failures:
        cells = [
            f.severity,
            f.label,
            f.family,
            "" if f.unexpected_count is None else str(f.unexpected_count),
            "" if f.observed_value is None else _short(f.observed_value, 80),
            _short(f.sample[:5], 120),
        ]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)


def check_results(outcome: Outcome, checks: Sequence[str] | None = None) -> list[dg.AssetCheckResult]:
    """One Dagster result per check of the suite: passed only if none of its expectations failed;
    severity from its worst failure."""
    results = []
    for name in checks or outcome.suite.check_names:
        failures = outcome.failures_for(name)
        metadata: dict[str, Any] = {
            "suite": outcome.suite.name,
            "evaluated_expectations": sum(
                1 for r in outcome.suite.rules if outcome.suite.check_for(r.family) == name
            ),
            "failed_expectations": len(failures),
            "rows_validated": outcome.rows_validated,
            "rows_total": outcome.rows_total,
            "sampled": outcome.rows_validated < outcome.rows_total,
            "validation_seconds": round(outcome.seconds, 3),
        }
        if outcome.result_json:
            metadata["result_json"] = dg.MetadataValue.path(str(outcome.result_json))
        if outcome.data_docs:
            metadata["data_docs"] = dg.MetadataValue.path(str(outcome.data_docs))
        if failures:
            metadata["failures"] = dg.MetadataValue.md(_failures_markdown(failures))
            metadata["failures_json"] = dg.MetadataValue.json([_jsonable(f.__dict__) for f in failures])
        for key, value in outcome.extra.items():
            metadata[key] = dg.MetadataValue.json(value) if isinstance(value, dict | list) else value
        worst_is_error = any(f.severity == "error" for f in failures)
        results.append(
            dg.AssetCheckResult(
                asset_key=dg.AssetKey(list(outcome.suite.asset_key)),
                check_name=name,
                passed=not failures,
                severity=dg.AssetCheckSeverity.ERROR
                if worst_is_error or not failures
                else dg.AssetCheckSeverity.WARN,
                description=outcome.describe(failures) if failures else None,
                metadata=metadata,
            )
        )
    return results


def blocking_failure(outcomes: Sequence[Outcome], consequence: str) -> dg.Failure | None:
    """A step failure naming every table and expectation that failed with error severity, or None."""
    failed = [o for o in outcomes if o.errors]
    if not failed:
        return None
    lines = [o.describe() for o in failed]
    return dg.Failure(
        description="Great Expectations: " + " | ".join(lines) + f". {consequence}",
        metadata={"failed_suites": [o.suite.name for o in failed]},
        allow_retries=False,
    )


def build_table_checks(
    name: str,
    suites: Sequence[Suite],
    load: Callable[
        [dg.AssetCheckExecutionContext, Sequence[Suite]], Iterator[tuple[Suite, Batch, Mapping[str, Any]]]
    ],
    *,
    validation_dir: Callable[[dg.AssetCheckExecutionContext], Path],
    consequence: str,
    required_resource_keys: set[str] | None = None,
    pool: str | None = None,
) -> dg.AssetChecksDefinition:
    """One Dagster step running many table suites (one check per suite; can run a subset).

    `load` yields each selected suite's batch and its suite parameters. Results carry the GX metadata;
    error-severity failures fail the step after every check has reported, naming the failures.
    """
    by_key = {
        dg.AssetCheckKey(dg.AssetKey(list(s.asset_key)), name): s for s in suites for name in s.check_names
    }

    @dg.multi_asset_check(
        specs=[spec for s in suites for spec in check_specs(s)],
        name=name,
        can_subset=True,
        required_resource_keys=required_resource_keys or set(),
        pool=pool,
    )
    def _checks(context):  # AssetCheckExecutionContext (a string annotation is not recognised)
        keys = [k for k in sorted(context.selected_asset_check_keys, key=str) if k in by_key]
        selected = list({by_key[k].name: by_key[k] for k in keys}.values())
        folder = validation_dir(context)
        outcomes = []
        for suite, batch, parameters in load(context, selected):
            outcome = validate(
                suite, batch, validation_dir=folder, run_id=context.run.run_id, parameters=parameters
            )
            outcomes.append(outcome)
            if outcome.failures:
                context.log.warning(outcome.describe())
            wanted = [k.name for k in keys if by_key[k].name == suite.name]
            yield from check_results(outcome, wanted)
        index = render_data_docs(folder)
        if index:
            context.log.info(f"Great Expectations Data Docs: {index}")
        failure = blocking_failure(outcomes, consequence)
        if failure:
            raise failure

    return _checks
