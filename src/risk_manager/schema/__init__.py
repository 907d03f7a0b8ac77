"""The vocabulary config sections are written in: value types (durations, clock times, counts, money,
symbol roots) and the base of every rule section. Shared by ``config`` (the file) and ``rules`` (each rule
declares its own section); imports neither, so a rule module can be imported on its own."""
