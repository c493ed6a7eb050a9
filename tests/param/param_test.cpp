#include "param/param.hpp"

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "core/error.hpp"

namespace parbench::param {
namespace {

const std::vector<ParamSpec> kSpecs = {
    {"n", ParamType::kInteger, "elements", std::int64_t{10}, 1, 1000},
    {"x", ParamType::kReal, "a real", 0.5, 0, 1},
    {"mode", ParamType::kString, "a choice", std::string("a"), {}, {}, {"a", "b"}},
    {"flag", ParamType::kBoolean, "a flag", false},
    {"list", ParamType::kIntegerList, "a list", std::nullopt, 1},
    {"chunk", ParamType::kCountOrAuto, "a chunk", kAuto},
};

Params parse(const std::string& text) { return validate(toml::parse(text), kSpecs, "f.toml", "workload[1]", {"kind"}); }

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(Params, FillsDefaultsAndKeepsGivenValues) {
  Params p = parse("kind = 'x'\nn = 7\nlist = [3, 4]\nchunk = 5");
  EXPECT_EQ(p.integer("n"), 7);
  EXPECT_DOUBLE_EQ(p.real("x"), 0.5);
  EXPECT_EQ(p.string("mode"), "a");
  EXPECT_FALSE(p.boolean("flag"));
  EXPECT_EQ(p.integers("list"), (std::vector<std::int64_t>{3, 4}));
  EXPECT_EQ(p.integer("chunk"), 5);
  EXPECT_EQ(parse("chunk = 'auto'").integer("chunk"), kAuto);
  EXPECT_FALSE(parse("").has("list"));
}

TEST(Params, IntegerIsAcceptedWhereARealBelongs) { EXPECT_DOUBLE_EQ(parse("x = 1").real("x"), 1.0); }

TEST(Params, ErrorsNameFileKeyAndExpectation) {
  EXPECT_EQ(error_of("n = -5"), "f.toml: workload[1].n: must be an integer between 1 and 1000, got -5");
  EXPECT_EQ(error_of("n = 'big'"), "f.toml: workload[1].n: must be an integer between 1 and 1000, got \"big\"");
  EXPECT_EQ(error_of("bogus = 1"),
            "f.toml: workload[1].bogus: unknown key; expected one of n, x, mode, flag, list, chunk");
  EXPECT_EQ(error_of("mode = 'c'"), "f.toml: workload[1].mode: must be one of \"a\", \"b\", got \"c\"");
  EXPECT_EQ(error_of("chunk = 0"), "f.toml: workload[1].chunk: must be a positive integer or \"auto\", got 0");
  EXPECT_NE(error_of("x = 2.5"), "");
  EXPECT_NE(error_of("flag = 1"), "");
  EXPECT_NE(error_of("list = []"), "");
  EXPECT_NE(error_of("list = [1, 'a']"), "");
  EXPECT_NE(error_of("x = nan"), "");
  EXPECT_NE(error_of("n = 1.5"), "");
}

TEST(Params, DescribeShowsTypeDefaultAndRange) {
  EXPECT_EQ(describe(kSpecs[0]), "n (integer, default 10, between 1 and 1000): elements");
  EXPECT_EQ(describe(kSpecs[5]), "chunk (integer or \"auto\", default \"auto\"): a chunk");
}

}  // namespace
}  // namespace parbench::param
