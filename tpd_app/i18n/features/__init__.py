"""Per-feature message catalogues: each module defines `ZH` and `EN` dicts with the same keys."""
