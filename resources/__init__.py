"""Data shipped with LeviTor Studio (schemas, examples, icons), installed as ``levitor_studio.resources``."""
