"""One router module per resource: tables, jobs, models (+ serving), forecasts, segments, anomalies, the UI."""
