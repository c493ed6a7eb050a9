"""Analysis of parbench result files (docs/hdf5-schema.md, schema version 1).

Modules, in the order the report uses them:
  loader   -- open and validate files, load the run table and per-run data
  scaling  -- per point and rank count: median times, speedup, efficiency, Karp-Flatt, baseline
  fitting  -- Amdahl (strong) and Gustafson (weak) fits with 95 % intervals
  plots    -- one PNG per view
  summary  -- summary.csv and summary.md
  chunks   -- across points: wall time per chunk setting of one label, threads and p; chunks.csv
  cli      -- the `report.py` command line
  export   -- (not part of the report) Extra-P input from the counted runs; the `export.py` command line
"""
