"""Demo and national-scale data generators: used by the CLI, the benchmarks and the tests, never by the
app's own layers (a structure test holds it)."""
