// Tests of the text trace's classroom options: colour and numbered steps.
#include "backprop/render_text.hpp"

#include <gtest/gtest.h>

#include <string>

#include "backprop/evaluate.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

constexpr const char* kModel = "w = 3; x = 2\ny = w*x\nL = y^2 + w\n";

std::string text_of(const TextOptions& options) {
  Model model = testing::model(kModel);
  Trace trace = evaluate(model);
  std::string out;
  {
    Sink sink(out);
    render_text(trace, options, sink);
  }
  return out;
}

// The text without its ANSI escape sequences.
std::string without_escapes(const std::string& text) {
  std::string result;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\x1b') {
      result.push_back(text[i]);
      continue;
    }
    while (i < text.size() && text[i] != 'm')
      ++i;
  }
  return result;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

TEST(RenderTextTest, ColourLeavesTheTextAsItWas) {
  TextOptions colored;
  colored.color = true;
  std::string out = text_of(colored);
  EXPECT_NE(out, text_of({}));
  EXPECT_EQ(without_escapes(out), text_of({}));
}

TEST(RenderTextTest, PassesAndTheComputedNodeAreColouredAndBold) {
  TextOptions colored;
  colored.color = true;
  std::string out = text_of(colored);
  EXPECT_TRUE(contains(out, "  \x1b[1;34my\x1b[0m = w·x")) << out;
  EXPECT_TRUE(contains(out, "  \x1b[1;35my\u0305\x1b[0m = "));
}

// Underlined as well as green, so that the messages stand out without
// colour too.
TEST(RenderTextTest, IncomingMessagesAreUnderlined) {
  TextOptions colored;
  colored.color = true;
  std::string out = text_of(colored);
  EXPECT_TRUE(contains(out,
                       "\x1b[4;32my\u0305·x\x1b[0m + "
                       "\x1b[4;32mL\u0305\x1b[0m = "))
      << out;
}

TEST(RenderTextTest, StepsAreNumberedOfTheTotal) {
  TextOptions steps;
  steps.steps = true;
  std::string out = text_of(steps);
  EXPECT_TRUE(contains(out, "  [1/8] w = 3\n")) << out;
  EXPECT_TRUE(contains(out, "  [8/8] w\u0305 "));
  EXPECT_FALSE(contains(out, "\x1b"));
}

TEST(RenderTextTest, StepCallbackCanEndTheTrace) {
  TextOptions steps;
  steps.steps = true;
  std::vector<size_t> seen;
  steps.after_step = [&seen](size_t step, size_t total) {
    seen.push_back(step);
    EXPECT_EQ(total, 8u);
    return step < 5;
  };
  std::string out = text_of(steps);
  EXPECT_EQ(seen, (std::vector<size_t>{1, 2, 3, 4, 5}));
  EXPECT_TRUE(contains(out, "[5/8]")) << out;
  EXPECT_FALSE(contains(out, "[6/8]"));
  EXPECT_FALSE(contains(out, "Gradients"));
}

}  // namespace
}  // namespace backprop
