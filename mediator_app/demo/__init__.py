"""A synthetic demonstration centre: residents, sessions and mediators for trying the
app, for manual tests and for benchmarks. Free of Qt, like the rest of the core."""

from mediator_app.demo.generator import DemoSummary, generate_demo

__all__ = ["DemoSummary", "generate_demo"]
