#pragma once
// Content hashes of results as parbench stores them. Equal hashes mean equal bits: the writer stores such datasets
// once (HDF5 hard links), the runner verifies such results once, and `info` counts distinct results per point.
#include <string>

#include "workloads/workload.hpp"

namespace parbench::output {

// One result dataset: its element type, shape and bytes (strings: their characters).
std::string content_hash(const workloads::Array& array);
std::string content_hash(const workloads::Scalar& scalar);
std::string content_hash(const std::string& text);

// A whole result: every dataset's name and content hash, in order.
std::string result_hash(const workloads::Result& result);

}  // namespace parbench::output
