"""The domain: what a tag removal is, the rules it obeys, and the pipeline that carries it out.

Imports nothing from the process around it (settings, transport, logging): what it needs of
the process it is handed as parameters, so it reads and tests on its own.
"""
