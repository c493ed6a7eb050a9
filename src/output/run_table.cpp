#include "output/run_table.hpp"

#include <stdexcept>

namespace parbench::output {

const std::vector<Column>& run_columns() {
  using T = ColumnType;
  using R = const RunRecord&;
  using P = const RunPlace&;
  static const std::vector<Column> columns = {
      {"run_id", T::kInt64, [](R, P p) -> h5::Cell { return p.run_id; }},
      {"group", T::kString, [](R, P p) -> h5::Cell { return p.group; }},
      {"launch", T::kInt64, [](R, P p) -> h5::Cell { return p.launch; }},
      {"study", T::kString, [](R r, P) -> h5::Cell { return r.study; }},
      {"point", T::kString, [](R r, P) -> h5::Cell { return r.point; }},
      {"plan_index", T::kInt64, [](R r, P) -> h5::Cell { return r.spec.index; }},
      {"round", T::kInt64, [](R r, P) -> h5::Cell { return r.spec.round; }},
      {"workload", T::kString, [](R r, P) -> h5::Cell { return r.workload; }},
      {"label", T::kString, [](R r, P) -> h5::Cell { return r.label; }},
      {"strategy", T::kString, [](R r, P) -> h5::Cell { return r.strategy; }},
      {"strategy_label", T::kString, [](R r, P) -> h5::Cell { return r.strategy_label; }},
      {"chunk", T::kInt64, [](R r, P) -> h5::Cell { return r.chunk; }},
      {"chunk_auto", T::kInt8, [](R r, P) -> h5::Cell { return r.chunk_auto; }},
      {"ranks", T::kInt64, [](R r, P) -> h5::Cell { return r.spec.ranks; }},
      {"nodes", T::kInt64, [](R r, P) -> h5::Cell { return r.nodes(); }},
      {"placement", T::kInt64, [](R r, P) -> h5::Cell { return r.spec.nodes; }},
      {"ranks_per_node", T::kInt64, [](R r, P) -> h5::Cell { return r.ranks_per_node(); }},
      {"threads", T::kInt64, [](R r, P) -> h5::Cell { return r.spec.threads; }},
      {"repetition", T::kInt64, [](R r, P) -> h5::Cell { return r.spec.repetition; }},
      {"warmup", T::kInt8, [](R r, P) -> h5::Cell { return r.spec.warmup; }},
      {"scaling", T::kString, [](R r, P) -> h5::Cell { return r.scaling; }},
      {"work_units", T::kInt64, [](R r, P) -> h5::Cell { return r.work_units; }},
      {"tasks", T::kInt64, [](R r, P) -> h5::Cell { return r.layout.tasks; }},
      {"wall_s", T::kFloat64, [](R r, P) -> h5::Cell { return r.wall_s; }},
      {"compute_max_s", T::kFloat64, [](R r, P) -> h5::Cell { return r.compute_max(); }},
      {"compute_mean_s", T::kFloat64, [](R r, P) -> h5::Cell { return r.compute_mean(); }},
      {"distribute_s", T::kFloat64, [](R r, P) -> h5::Cell { return r.distribute_max(); }},
      {"collect_s", T::kFloat64, [](R r, P) -> h5::Cell { return r.collect_max(); }},
      {"reduce_s", T::kFloat64, [](R r, P) -> h5::Cell { return r.reduce_s; }},
      {"overhead_s", T::kFloat64, [](R r, P) -> h5::Cell { return r.overhead_s; }},
      {"write_s", T::kFloat64, [](R r, P) -> h5::Cell { return r.write_s; }},
      {"imbalance", T::kFloat64, [](R r, P) -> h5::Cell { return r.imbalance(); }},
      {"status", T::kString, [](R r, P) -> h5::Cell { return r.status; }},
      {"verified", T::kInt8, [](R r, P) -> h5::Cell { return r.verification.ok; }},
      {"result_hash", T::kString, [](R r, P) -> h5::Cell { return r.result_hash; }},
      {"start_time", T::kString, [](R r, P) -> h5::Cell { return r.start_time; }},
      {"slurm_job_id", T::kString, [](R r, P) -> h5::Cell { return r.slurm.job_id; }},
  };
  return columns;
}

std::vector<std::pair<std::string, h5::Cell>> run_row(const RunRecord& r, const RunPlace& place) {
  std::vector<std::pair<std::string, h5::Cell>> row;
  for (const Column& c : run_columns()) row.emplace_back(c.name, c.value(r, place));
  return row;
}

h5::Cell default_cell(const Column& c) {
  switch (c.type) {
    case ColumnType::kInt64:
      return std::int64_t{0};
    case ColumnType::kInt8:
      return false;
    case ColumnType::kFloat64:
      return 0.0;
    case ColumnType::kString:
      return std::string();
  }
  throw std::logic_error("column type");
}

}  // namespace parbench::output
