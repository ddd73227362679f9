"""The canonical model, its rules and the validate -> plan pipeline."""
