"""functions-framework entry-point logic: one module per trigger kind, shared HTTP plumbing."""
