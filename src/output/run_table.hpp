#pragma once
// The run table `/runs`: its columns, once. The writer builds rows from this list, `merge` copies by it, and a test
// compares it with a real file, docs/hdf5-schema.md and the analysis loader.
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "h5/h5.hpp"
#include "output/record.hpp"

namespace parbench::output {

enum class ColumnType { kInt64, kInt8, kFloat64, kString };

// Where a run is stored and which launch it belongs to.
struct RunPlace {
  std::int64_t run_id = 0;
  std::string group;  // "/run/000017"
  std::int64_t launch = 0;
};

struct Column {
  std::string name;
  ColumnType type;
  std::function<h5::Cell(const RunRecord&, const RunPlace&)> value;
};

// Every column of schema version 2, in the order they are written.
const std::vector<Column>& run_columns();

// A run's row, in run_columns() order; the same names and values become the run group's attributes.
std::vector<std::pair<std::string, h5::Cell>> run_row(const RunRecord& r, const RunPlace& place);

// The value a column takes in a row copied from a file that lacks it (merging files of schema version 1).
h5::Cell default_cell(const Column& c);

}  // namespace parbench::output
