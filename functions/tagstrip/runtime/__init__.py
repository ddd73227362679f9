"""The process around the domain: settings, the executor and its transport, logging, start-up."""
