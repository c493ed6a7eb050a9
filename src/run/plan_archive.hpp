#pragma once
// How the study plan travels from rank 0 to the other ranks in one broadcast: Boost.Serialization of the plain
// config and workload types (non-intrusive, so those folders stay free of serialization and MPI).
#include <boost/serialization/map.hpp>
#include <boost/serialization/set.hpp>
#include <boost/serialization/split_free.hpp>
#include <boost/serialization/string.hpp>
#include <boost/serialization/utility.hpp>
#include <boost/serialization/vector.hpp>
#include <cstdint>
#include <optional>

#include "config/study.hpp"
#include "param/param.hpp"
#include "workloads/workload.hpp"

namespace boost::serialization {

// A parameter value: its alternative's index, then the value.
template <class Archive>
void save(Archive& ar, const parbench::param::ParamValue& v, unsigned) {
  const auto index = static_cast<std::uint32_t>(v.index());
  ar << index;
  std::visit([&](const auto& x) { ar << x; }, v);
}
template <class T, class Archive>
T read_one(Archive& ar) {
  T x{};
  ar >> x;
  return x;
}
template <class Archive>
void load(Archive& ar, parbench::param::ParamValue& v, unsigned) {
  const auto index = read_one<std::uint32_t>(ar);
  if (index == 0)
    v = read_one<std::int64_t>(ar);
  else if (index == 1)
    v = read_one<double>(ar);
  else if (index == 2)
    v = read_one<bool>(ar);
  else if (index == 3)
    v = read_one<std::string>(ar);
  else
    v = read_one<std::vector<std::int64_t>>(ar);
}
template <class Archive>
void serialize(Archive& ar, parbench::param::ParamValue& v, unsigned version) {
  split_free(ar, v, version);
}

template <class Archive>
void save(Archive& ar, const parbench::param::Params& p, unsigned) {
  ar << p.items();
}
template <class Archive>
void load(Archive& ar, parbench::param::Params& p, unsigned) {
  std::vector<std::pair<std::string, parbench::param::ParamValue>> items;
  ar >> items;
  p = {};
  for (auto& [name, value] : items) p.set(name, std::move(value));
}
template <class Archive>
void serialize(Archive& ar, parbench::param::Params& p, unsigned version) {
  split_free(ar, p, version);
}

// clang-format off (it would glue the archive operators to the fields)
template <class Archive>
void serialize(Archive& ar, parbench::config::EntryConfig& e, unsigned) {
  ar& e.kind& e.label& e.params;
}

template <class Archive>
void serialize(Archive& ar, parbench::config::Study& s, unsigned) {
  ar& s.path& s.text& s.name& s.repetitions& s.precision& s.min_repetitions& s.max_repetitions& s.time_budget_s& s
      .warmup& s.ranks& s.nodes& s.threads& s.random_order& s.seed& s.trace& s.weak_scaling& s.workloads& s.strategies;
}

template <class Archive>
void serialize(Archive& ar, parbench::config::Cell& c, unsigned) {
  ar& c.point& c.workload& c.strategy& c.threads& c.ranks& c.nodes;
}

template <class Archive>
void serialize(Archive& ar, parbench::config::Plan& p, unsigned) {
  ar& p.cells& p.points& p.warmup_rounds& p.rounds;
}

// Only the shape and the shared data travel; the rows stay on rank 0 and travel with the tasks.
template <class Archive>
void serialize(Archive& ar, parbench::workloads::ExternalInputs& in, unsigned) {
  ar& in.items& in.input_words& in.shared;
}

template <class Archive>
void serialize(Archive& ar, parbench::workloads::TaskOutputs& t, unsigned) {
  ar& t.item_out& t.task_out& t.done;
}
// clang-format on

template <class Archive, class T>
void save(Archive& ar, const std::optional<T>& o, unsigned) {
  const bool has = o.has_value();
  ar << has;
  if (has) ar << *o;
}
template <class Archive, class T>
void load(Archive& ar, std::optional<T>& o, unsigned) {
  bool has = false;
  ar >> has;
  o.reset();
  if (has) ar >> o.emplace();
}
template <class Archive, class T>
void serialize(Archive& ar, std::optional<T>& o, unsigned version) {
  split_free(ar, o, version);
}

}  // namespace boost::serialization
