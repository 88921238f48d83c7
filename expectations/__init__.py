"""Great Expectations suites as code, one module per stage (raw, staging, marts)."""
