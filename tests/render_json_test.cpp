// Tests of the JSON trace's numbers: a leaf's value is written from its
// literal's digits when that is safe, and must come out byte for byte as
// std::to_chars writes the same double. And of a large trace, which two
// threads write: every step whole and in order.
#include "backprop/render_json.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "test_support.hpp"

namespace backprop {
namespace {

// The shortest text of the double that `literal` reads as, negated when
// asked: what the JSON trace must show as the value of `x = literal`.
std::string expected_text(const std::string& literal, bool negative) {
  double value = 0;
  std::from_chars(literal.data(), literal.data() + literal.size(), value);
  char text[64];
  return {
      text,
      std::to_chars(text, text + sizeof text, negative ? -value : value).ptr};
}

// The texts of the "values" object of an answer key, by name.
std::unordered_map<std::string, std::string> values_of(const Trace& trace) {
  std::string json;
  {
    Sink sink(json);
    render_json(trace, {.answer_key = true}, sink);
  }
  std::unordered_map<std::string, std::string> values;
  size_t at = json.find("\"values\": {");
  const size_t end = json.find('}', at);
  while ((at = json.find("\n    \"", at)) < end) {
    const size_t name_end = json.find('"', at + 6);
    const size_t text_end = json.find_first_of(",\n", name_end + 3);
    values[json.substr(at + 6, name_end - at - 6)] =
        json.substr(name_end + 3, text_end - name_end - 3);
    at = text_end;
  }
  return values;
}

// A literal of up to 19 digits with the point anywhere, leading and
// trailing zeros common, and an exponent now and then.
std::string random_literal(std::mt19937_64& random) {
  std::string digits;
  const int length = 1 + static_cast<int>(random() % 19);
  for (int i = 0; i < length; ++i) {
    const bool zero = random() % 3 == 0;
    digits += zero ? '0' : static_cast<char>('0' + random() % 10);
  }
  const size_t point = random() % (digits.size() + 2);
  if (point <= digits.size())
    digits.insert(point, ".");
  if (digits == ".")
    digits = "0";
  if (random() % 10 == 0)
    digits += "e" + std::to_string(static_cast<int>(random() % 40) - 20);
  return digits;
}

TEST(RenderJsonTest, LeafValuesAreWrittenAsToCharsWritesThem) {
  std::mt19937_64 random(4);
  std::string text;
  std::unordered_map<std::string, std::string> expected;
  for (int i = 0; i < 20000; ++i) {
    const std::string literal = random_literal(random);
    const bool negative = random() % 4 == 0;
    text += fmt::format("x{} = {}{}\n", i, negative ? "-" : "", literal);
    expected[fmt::format("x{}", i)] = expected_text(literal, negative);
  }
  // Literals of wide range: integers with many zeros, tiny decimals.
  const char* const edges[] = {"100000",
                               "1000000000000000000000",
                               "123456789012345",
                               "0.0001",
                               "0.001",
                               "1234567890123456",
                               "0.000000000000000000001234",
                               "10.5",
                               "007.500",
                               "0",
                               "0.000",
                               "5.",
                               ".25",
                               "99999999999999.9",
                               "1e5"};
  std::vector<std::string> literals(std::begin(edges), std::end(edges));
  literals.push_back("1" + std::string(300, '0'));         // 1e+300
  literals.push_back("0." + std::string(310, '0') + "1");  // subnormal
  for (size_t i = 0; i < literals.size(); ++i) {
    text += fmt::format("e{} = {}\n", i, literals[i]);
    expected[fmt::format("e{}", i)] = expected_text(literals[i], false);
  }
  text += "y = x0 * 2\n";
  ModelOptions numeric;
  numeric.symbolic = false;
  const std::unordered_map<std::string, std::string> written =
      values_of(evaluate(testing::model(text, numeric)));
  for (const auto& [name, spelled] : expected) {
    ASSERT_TRUE(written.contains(name)) << name;
    EXPECT_EQ(written.at(name), spelled) << name;
  }
}

// --set and training give a leaf a value other than its literal's.
TEST(RenderJsonTest, LeafGivenAnotherValueIsNotWrittenFromItsLiteral) {
  ModelOptions options;
  options.symbolic = false;
  options.sets = {{"x", 0.1}};
  EXPECT_EQ(values_of(evaluate(testing::model("x = 2.5\ny = 3 * x\n", options)))
                .at("x"),
            "0.1");

  options.sets.clear();
  Model model = testing::model("x = 2.5\ny = 3 * x\n", options);
  const LeafValue sample[] = {{0, 0.1}};
  const std::unordered_map<std::string, std::string> written =
      values_of(evaluate(model, sample));
  EXPECT_EQ(written.at("x"), "0.1");
  EXPECT_EQ(written.at("y"), "0.30000000000000004");  // 3 * 0.1 in doubles
}

// x_i = w*x_(i-1) + b for i up to 6000: w and b have 6000 children each,
// more than one thread writes a step of, and the steps fill many chunks.
// What each step must hold follows from the model: the derivative of
// w*x_(i-1) + b is x_(i-1) by w and 1 by b.
TEST(RenderJsonTest, LargeTraceIsWholeAndInOrder) {
  constexpr int kLast = 6000;
  std::string text = "w = 0.5\nb = 0.125\nx0 = 1\n";
  for (int i = 1; i <= kLast; ++i)
    text += fmt::format("x{} = w*x{} + b\n", i, i - 1);
  const Model model = testing::model(text);
  const Trace trace = evaluate(model);
  std::string rendered;
  {
    Sink sink(rendered);
    render_json(trace, {}, sink);
  }
  const nlohmann::json json = nlohmann::json::parse(rendered);

  const nlohmann::json& forward = json["forward"];
  ASSERT_EQ(forward.size(), kLast + 3u);
  for (int i = 1; i <= kLast; ++i) {
    const nlohmann::json& step = forward[static_cast<size_t>(i) + 2];
    ASSERT_EQ(step["node"], fmt::format("x{}", i));
    ASSERT_EQ(step["expression"], fmt::format("w*x{} + b", i - 1));
  }

  const nlohmann::json& backward = json["backward"];
  ASSERT_EQ(backward.size(), kLast + 3u);
  for (int i = kLast; i >= 0; --i)
    ASSERT_EQ(backward[static_cast<size_t>(kLast - i)]["node"],
              fmt::format("x{}", i));
  for (const nlohmann::json& step : backward) {
    if (step["node"] != "w" && step["node"] != "b")
      continue;
    const bool by_w = step["node"] == "w";
    const nlohmann::json& terms = step["terms"];
    ASSERT_EQ(terms.size(), static_cast<size_t>(kLast));
    std::string message;
    for (int i = 1; i <= kLast; ++i) {
      const nlohmann::json& term = terms[static_cast<size_t>(i) - 1];
      ASSERT_EQ(term["child"], fmt::format("x{}", i));
      ASSERT_EQ(term["local_derivative"],
                by_w ? fmt::format("x{}", i - 1) : "1");
      message += fmt::format("{}x{}bar{}", i == 1 ? "" : " + ", i,
                             by_w ? fmt::format("*x{}", i - 1) : "");
    }
    EXPECT_EQ(step["expression"], message);
  }

  // Through a file the sink hands buffers to a third thread; the bytes
  // must be the same.
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::tmpfile(),
                                                       &std::fclose);
  ASSERT_NE(file, nullptr);
  {
    Sink sink(file.get());
    render_json(trace, {}, sink);
  }
  std::rewind(file.get());
  std::string written(rendered.size() + 1, '\0');
  written.resize(std::fread(written.data(), 1, written.size(), file.get()));
  EXPECT_TRUE(written == rendered);
}

}  // namespace
}  // namespace backprop
