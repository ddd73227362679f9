"""Local harness: sample events, replay through the real app, invoke, demo and serve."""
