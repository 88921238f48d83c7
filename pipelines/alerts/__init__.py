"""Alert delivery: every alert of marts.fct_alerts sent once to a webhook, with a ledger that outlives builds."""
