"""The chaos benchmark's parts: processes, the trader, the crash-free reference, the checks, the run."""
