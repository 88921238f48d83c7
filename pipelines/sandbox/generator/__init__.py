"""Deterministic sample-data generator: a landing directory exactly as the extractors and exports land it.

    from pipelines.sandbox.generator import generate
    report = generate(Path("data/sample_landing"), days=90, seed=7, scale=1)

Modules, one job each: catalog (brands, aliases, account ids), profiles (audience and engagement
numbers), world (followers, posts, comments simulated in rolling state), mentions and listening (what the
public writes), one writer per platform rendering verbatim response bodies, defects (quarantine fodder),
sink (streaming files and the report), run (the day loop).
"""

from pipelines.sandbox.generator.report import GeneratorReport
from pipelines.sandbox.generator.run import generate

__all__ = ["GeneratorReport", "generate"]
