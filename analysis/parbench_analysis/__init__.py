"""Analysis of parbench result files (docs/hdf5-schema.md, schema versions 1 and 2).

Modules, in the order the report uses them:
  loader   -- open and validate files, load the run table and per-run data
  scaling  -- per point and rank count: median times, speedup, efficiency, Karp-Flatt, baseline, diagnosis
  factors  -- per run: load balance, communication efficiency, computation scaling (POP model); f_serial
  bootstrap -- 95 % percentile-bootstrap intervals of S, E and the factors per p
  stats    -- order-statistics interval of a median, seeded resampling
  fitting  -- Amdahl (strong) and Gustafson (weak) fits with 95 % intervals
  plots    -- one PNG per view
  summary  -- summary.csv, summary.md and factors.csv
  chunks   -- across points: wall time per chunk setting of one label, threads and p; chunks.csv
  cli      -- the `report.py` command line
  export   -- (not part of the report) Extra-P input from the counted runs; the `export.py` command line
"""
