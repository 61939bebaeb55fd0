"""Writing department reports the way offices send them (Word, Excel, CSV): for tests, benchmarks, examples."""
