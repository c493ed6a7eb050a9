#pragma once
// Test helper: computes every task of a workload in one thread and reduces, with no MPI — the reference every
// strategy's result must equal bit for bit.
#include <toml++/toml.h>

#include <string>
#include <vector>

#include "workloads/workload.hpp"

namespace parbench::workloads::testing {

struct SerialOutput {
  std::vector<Word> item_out, task_out;
  Result result;
};

inline SerialOutput run_serial(const Workload& w, const std::vector<double>* inputs = nullptr) {
  const Layout l = w.layout();
  SerialOutput out;
  out.item_out.assign(static_cast<std::size_t>(l.items * l.item_words), 0);
  out.task_out.assign(static_cast<std::size_t>(l.tasks * l.task_words), 0);
  for (std::int64_t t = 0; t < l.tasks; ++t) {
    const std::int64_t b = l.item_begin(t);
    w.compute({t, b, l.item_begin(t + 1), l.input_words ? inputs->data() + b * l.input_words : nullptr,
               out.item_out.data() + b * l.item_words, out.task_out.data() + t * l.task_words});
  }
  out.result = w.reduce(out.item_out, out.task_out);
  return out;
}

// Params from a TOML snippet validated against the entry's spec.
inline param::Params params_for(const WorkloadEntry& entry, const std::string& toml_text) {
  return param::validate(toml::parse(toml_text), entry.params, "test.toml", "workload[1]", {});
}

}  // namespace parbench::workloads::testing
