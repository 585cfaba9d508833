// Tests of training: an epoch's gradient against the traces of its samples,
// what gradient descent learns, mini-batches and shuffling, holding leaves
// fixed, and the command line's errors for bad data and diverging runs.
#include "backprop/train.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "backprop/csv.hpp"
#include "test_support.hpp"

namespace backprop {
namespace {

using testing::run_tool;
using Json = nlohmann::json;
using Sets = std::vector<std::pair<std::string, double>>;

// Linear regression: y = w*x + b fitted to t by least squares.
constexpr const char* kLinear = R"(x = 0; t = 0
w = 0; b = 0
y = w*x + b
L = 0.5*(y - t)^2
)";

// Four rows of t = 2x - 1 exactly.
constexpr const char* kLine = "x,t\n-1,-3\n0,-1\n1,1\n2,3\n";

// A model of the repository's graphs/ directory, under its own path.
Model graph_model(const std::string& name) {
  std::string path = "graphs/" + name;
  std::string text = testing::read_file(testing::source_dir() + "/" + path);
  return load_model(testing::source(std::move(text), path), {});
}

CsvTable graph_table(const std::string& name) {
  std::string path = "graphs/" + name;
  std::string text = testing::read_file(testing::source_dir() + "/" + path);
  return parse_csv(testing::source(std::move(text), path));
}

CsvTable table(std::string text) {
  return parse_csv(testing::source(std::move(text), "data.csv"));
}

// The --set values of one row's cells, by column name.
Sets row_sets(const CsvTable& data, size_t row) {
  Sets sets;
  for (size_t column = 0; column < data.column_count(); ++column)
    sets.emplace_back(std::string(data.columns[column]), data.at(row, column));
  return sets;
}

// The --set values of the learned parameters, by name.
Sets parameter_sets(const Model& model, const TrainingSetup& setup,
                    const std::vector<double>& parameters) {
  Sets sets;
  for (size_t i = 0; i < setup.parameters.size(); ++i) {
    std::string name(model.graph.name(setup.parameters[i]));
    sets.emplace_back(std::move(name), parameters[i]);
  }
  return sets;
}

// One sample traced the ordinary way, as `backprop-trace --set ...` would
// trace it: every node's value and bar, by name.
struct SampleTrace {
  std::map<std::string, double, std::less<>> values;
  std::map<std::string, double, std::less<>> bars;
};

SampleTrace trace_sample(const Model& model, const Sets& cells,
                         const Sets& parameters) {
  ModelOptions options;
  options.sets = cells;
  options.sets.insert(options.sets.end(), parameters.begin(), parameters.end());
  Model loaded = load_model(model.graph.program.source, options);
  Trace trace = evaluate(loaded);
  SampleTrace sample;
  for (NodeId node = 0; node < loaded.graph.size(); ++node) {
    std::string name(loaded.graph.name(node));
    sample.values[name] = trace.values[node];
    if (trace.has_bar(node))
      sample.bars[name] = trace.bars[node];
  }
  return sample;
}

// The mean of the output over the rows, each row traced on its own.
double mean_loss(const Model& model, const CsvTable& data,
                 const Sets& parameters) {
  std::string output(model.graph.name(model.graph.output));
  double total = 0;
  for (size_t row = 0; row < data.row_count(); ++row)
    total +=
        trace_sample(model, row_sets(data, row), parameters).values[output];
  return total / static_cast<double>(data.row_count());
}

// Per row, per parameter: the bars of every row's own trace.
std::vector<std::vector<double>> sample_gradients(
    const Model& model, const CsvTable& data, const TrainingSetup& setup,
    const std::vector<double>& parameters) {
  Sets learned = parameter_sets(model, setup, parameters);
  std::vector<std::vector<double>> gradients;
  for (size_t row = 0; row < data.row_count(); ++row) {
    SampleTrace sample = trace_sample(model, row_sets(data, row), learned);
    std::vector<double> gradient;
    for (NodeId parameter : setup.parameters)
      gradient.push_back(
          sample.bars.at(std::string(model.graph.name(parameter))));
    gradients.push_back(std::move(gradient));
  }
  return gradients;
}

std::vector<double> mean_of(const std::vector<std::vector<double>>& rows) {
  std::vector<double> mean(rows.front().size(), 0.0);
  for (const std::vector<double>& row : rows) {
    for (size_t i = 0; i < row.size(); ++i)
      mean[i] += row[i];
  }
  for (double& total : mean)
    total /= static_cast<double>(rows.size());
  return mean;
}

History train_with(const Model& model, const CsvTable& data,
                   const TrainOptions& options) {
  return train(model, data, plan_training(model, data, {}), options);
}

// ---- The gradient of an epoch ----------------------------------------------

// The first epoch of the two-layer network on the four rows of XOR, with
// its first step kept.
class XorEpochTest : public ::testing::Test {
 protected:
  XorEpochTest()
      : model(graph_model("xor_two_layer.expr")),
        data(graph_table("xor.csv")),
        setup(plan_training(model, data, {})) {
    TrainOptions options;
    options.epochs = 1;
    options.keep_first_step = true;
    history = train(model, data, setup, options);
  }

  Model model;
  CsvTable data;
  TrainingSetup setup;
  History history;
};

TEST_F(XorEpochTest, EpochGradientIsTheMeanOfThePerSampleTraces) {
  std::vector<std::vector<double>> expected =
      sample_gradients(model, data, setup, setup.initial);
  std::vector<double> mean = mean_of(expected);
  ASSERT_TRUE(history.first_step);
  const FirstStep& step = *history.first_step;
  ASSERT_EQ(step.rows, (std::vector<size_t>{0, 1, 2, 3}));
  ASSERT_EQ(history.records.size(), 1u);
  const EpochRecord& record = history.records[0];
  ASSERT_EQ(record.gradient.size(), setup.parameters.size());
  for (size_t i = 0; i < setup.parameters.size(); ++i) {
    std::string_view name = model.graph.name(setup.parameters[i]);
    for (size_t row = 0; row < 4; ++row)
      EXPECT_DOUBLE_EQ(step.gradients[row][i], expected[row][i]) << name;
    EXPECT_DOUBLE_EQ(step.mean_gradient[i], mean[i]) << name;
    EXPECT_DOUBLE_EQ(record.gradient[i], mean[i]) << name;
  }
}

TEST_F(XorEpochTest, EpochGradientMatchesFiniteDifferencesOfTheMeanLoss) {
  // The central difference (f(p + h) - f(p - h))/2h of the mean loss is off
  // by about h²/6 times its third derivative, and by the rounding of f
  // (ε·f/h): with h = 1e-5, f near 0.7 and weights and inputs near 1, both
  // are near 1e-11, well inside 1e-8.
  const double h = 1e-5;
  for (size_t i = 0; i < setup.parameters.size(); ++i) {
    std::vector<double> up = setup.initial;
    std::vector<double> down = setup.initial;
    up[i] += h;
    down[i] -= h;
    double difference =
        (mean_loss(model, data, parameter_sets(model, setup, up)) -
         mean_loss(model, data, parameter_sets(model, setup, down))) /
        (2 * h);
    EXPECT_NEAR(history.records[0].gradient[i], difference, 1e-8)
        << model.graph.name(setup.parameters[i]);
  }
}

TEST_F(XorEpochTest, EpochLossIsTheMeanOfThePerSampleLosses) {
  double expected =
      mean_loss(model, data, parameter_sets(model, setup, setup.initial));
  ASSERT_EQ(history.losses.size(), 1u);
  EXPECT_DOUBLE_EQ(history.losses[0], expected);
  EXPECT_DOUBLE_EQ(history.records[0].loss, expected);
}

TEST(TrainTest, StepSubtractsTheLearningRateTimesTheMeanGradient) {
  Model model = graph_model("xor_two_layer.expr");
  CsvTable data = graph_table("xor.csv");
  TrainingSetup setup = plan_training(model, data, {});
  TrainOptions options;
  options.learning_rate = 0.5;
  options.epochs = 2;
  options.keep_first_step = true;
  History history = train(model, data, setup, options);

  ASSERT_TRUE(history.first_step);
  const FirstStep& step = *history.first_step;
  EXPECT_EQ(step.before, setup.initial);
  EXPECT_EQ(history.records[0].parameters, setup.initial);
  for (size_t i = 0; i < setup.parameters.size(); ++i) {
    double expected = step.before[i] - 0.5 * step.mean_gradient[i];
    EXPECT_DOUBLE_EQ(step.after[i], expected)
        << model.graph.name(setup.parameters[i]);
  }
  ASSERT_EQ(history.records.size(), 2u);
  EXPECT_EQ(history.records[1].parameters, step.after);
}

TEST(TrainTest, FirstEpochOfASingleNeuronMatchesTheHandDerivation) {
  // w_1 = 0.5, w_2 = -0.3, b = 0.1 on the rows (x_1, x_2, t) of xor.csv:
  //   (0, 1, 1): z = -0.2, y = σ(-0.2) = 0.4501660, E = -log y = 0.7981389
  //   (1, 1, 0): z =  0.3, y = σ(0.3)  = 0.5744425, E = -log(1 - y) = 0.8543552
  //   (0, 0, 0): z =  0.1, y = σ(0.1)  = 0.5249792, E = 0.7443967
  //   (1, 0, 1): z =  0.6, y = σ(0.6)  = 0.6456563, E = 0.4374880
  // The mean E is 2.8343788/4 = 0.7085947. With the cross-entropy,
  // z̅ = y - t: -0.5498340, 0.5744425, 0.5249792, -0.3543437, so
  //   w̅_1 = mean(z̅·x_1) = (0.5744425 - 0.3543437)/4 = 0.0550247
  //   w̅_2 = mean(z̅·x_2) = (-0.5498340 + 0.5744425)/4 = 0.0061521
  //   b̅   = mean(z̅)     = 0.1952440/4 = 0.0488110
  // The test computes the same closed forms to full precision.
  Model model = graph_model("xor_single_neuron.expr");
  CsvTable data = graph_table("xor.csv");
  TrainOptions options;
  options.epochs = 1;
  History history = train_with(model, data, options);

  double loss = 0;
  std::vector<double> gradient(3, 0.0);
  for (size_t row = 0; row < 4; ++row) {
    double x_1 = data.at(row, 0);
    double x_2 = data.at(row, 1);
    double t = data.at(row, 2);
    double z = 0.5 * x_1 - 0.3 * x_2 + 0.1;
    double y = 1 / (1 + std::exp(-z));
    loss += -(t * std::log(y) + (1 - t) * std::log(1 - y)) / 4;
    gradient[0] += (y - t) * x_1 / 4;
    gradient[1] += (y - t) * x_2 / 4;
    gradient[2] += (y - t) / 4;
  }
  EXPECT_NEAR(loss, 0.7085947, 1e-7);
  EXPECT_NEAR(history.losses[0], loss, 1e-12);
  for (size_t i = 0; i < 3; ++i)
    EXPECT_NEAR(history.records[0].gradient[i], gradient[i], 1e-12) << i;
}

// ---- One row's values ------------------------------------------------------

TEST(TrainTest, SampleLeavesGiveTheRowsCellsAndTheParameters) {
  Model model = testing::model(kLinear);
  CsvTable data = table(kLine);
  TrainingSetup setup = plan_training(model, data, {});
  std::vector<double> parameters{1.5, 0.25};
  std::vector<LeafValue> leaves = sample_leaves(data, setup, 2, parameters);

  // Row 2 is the line "1,1": x = 1, t = 1; then w and b.
  std::map<std::string, double> by_name;
  for (const LeafValue& leaf : leaves)
    by_name[std::string(model.graph.name(leaf.leaf))] = leaf.value;
  EXPECT_EQ(leaves.size(), 4u);
  EXPECT_EQ(by_name, (std::map<std::string, double>{
                         {"x", 1}, {"t", 1}, {"w", 1.5}, {"b", 0.25}}));
}

TEST(TrainTest, ValuesByRowAreEveryRowsForwardPass) {
  // y = 1.5x + 0.25 at x = -1, 0, 1, 2 is -1.25, 0.25, 1.75, 3.25; against
  // t = -3, -1, 1, 3, y - t is 1.75, 1.25, 0.75, 0.25, and
  // L = 0.5(y - t)^2 is 1.53125, 0.78125, 0.28125, 0.03125.
  Model model = testing::model(kLinear);
  CsvTable data = table(kLine);
  TrainingSetup setup = plan_training(model, data, {});
  std::vector<std::vector<double>> values =
      values_by_row(model, data, setup, std::vector<double>{1.5, 0.25});

  NodeId y = *model.graph.find("y");
  NodeId loss = *model.graph.find("L");
  const double expected_y[] = {-1.25, 0.25, 1.75, 3.25};
  const double expected_loss[] = {1.53125, 0.78125, 0.28125, 0.03125};
  ASSERT_EQ(values.size(), 4u);
  for (size_t row = 0; row < 4; ++row) {
    EXPECT_DOUBLE_EQ(values[row][y], expected_y[row]) << row;
    EXPECT_DOUBLE_EQ(values[row][loss], expected_loss[row]) << row;
  }
}

// ---- What gradient descent learns ------------------------------------------

TEST(TrainTest, LinearRegressionLearnsTheCoefficientsOfItsData) {
  // The data is t = 2x - 1 exactly, so the mean loss is 0 at w = 2, b = -1.
  // Its Hessian is [[mean x², mean x], [mean x, 1]] = [[1.5, 0.5],
  // [0.5, 1]], with eigenvalues (2.5 ± √1.25)/2 = 1.809 and 0.691. A step
  // of η = 0.5 shrinks the error by max|1 - η·λ| = 1 - 0.5·0.691 = 0.655
  // per epoch, and from a distance of √5 = 2.24 at w = b = 0, 200 epochs
  // leave 2.24·0.655^200 < 1e-36: what remains is rounding, far below 1e-9.
  Model model = testing::model(kLinear);
  CsvTable data = table(kLine);
  TrainOptions options;
  options.learning_rate = 0.5;
  options.epochs = 200;
  History history = train_with(model, data, options);

  ASSERT_FALSE(history.divergence);
  ASSERT_EQ(history.parameters.size(), 2u);
  EXPECT_NEAR(history.parameters[0], 2, 1e-9);
  EXPECT_NEAR(history.parameters[1], -1, 1e-9);
  EXPECT_LT(history.losses.back(), 1e-18);
}

// ---- Mini-batches and shuffling --------------------------------------------

// The losses and recorded parameters of a shuffled run with batches of one.
History shuffled_run(uint64_t seed, bool shuffle = true) {
  Model model = graph_model("xor_two_layer.expr");
  CsvTable data = graph_table("xor.csv");
  TrainOptions options;
  options.learning_rate = 0.5;
  options.epochs = 20;
  options.batch = 1;
  options.shuffle = shuffle;
  options.seed = seed;
  return train_with(model, data, options);
}

TEST(TrainTest, SameSeedRepeatsTheShuffledHistory) {
  History first = shuffled_run(7);
  History second = shuffled_run(7);
  EXPECT_EQ(first.losses, second.losses);
  EXPECT_EQ(first.parameters, second.parameters);
  ASSERT_EQ(first.records.size(), second.records.size());
  for (size_t i = 0; i < first.records.size(); ++i)
    EXPECT_EQ(first.records[i].parameters, second.records[i].parameters);
}

TEST(TrainTest, DifferentSeedsGiveDifferentHistories) {
  // Twenty epochs of four rows: the two seeds would have to draw the same
  // one of 24 orders twenty times over to agree.
  EXPECT_NE(shuffled_run(7).losses, shuffled_run(8).losses);
}

TEST(TrainTest, ShuffleChangesTheOrderOfTheSamples) {
  EXPECT_NE(shuffled_run(7).losses, shuffled_run(7, false).losses);
}

TEST(TrainTest, ShuffledEpochPresentsEveryRowOnce) {
  Model model = graph_model("xor_two_layer.expr");
  CsvTable data = graph_table("xor.csv");
  TrainOptions options;
  options.epochs = 1;
  options.shuffle = true;
  options.seed = 7;
  options.keep_first_step = true;
  History history = train_with(model, data, options);

  ASSERT_TRUE(history.first_step);
  std::vector<size_t> rows = history.first_step->rows;
  std::sort(rows.begin(), rows.end());
  EXPECT_EQ(rows, (std::vector<size_t>{0, 1, 2, 3}));
}

TEST(TrainTest, BatchStepsOncePerBatchWithAShortLastOne) {
  // Rows (x, t) = (1, 1), (2, 3), (3, 5), w = b = 0, η = 0.1, batches of 2:
  //   step 1, rows 1-2: y - t = -1, -3; w̅ = (-1·1 - 3·2)/2 = -3.5,
  //     b̅ = -2; w = 0.35, b = 0.2
  //   step 2, row 3: y = 0.35·3 + 0.2 = 1.25, y - t = -3.75; w̅ = -11.25,
  //     b̅ = -3.75; w = 0.35 + 1.125 = 1.475, b = 0.2 + 0.375 = 0.575
  // One step only would leave (0.35, 0.2); the full batch gives (0.733, 0.3).
  // The epoch's loss is the mean of each sample's loss when presented:
  // (0.5·1 + 0.5·9 + 0.5·3.75²)/3 = 12.03125/3.
  Model model = testing::model(kLinear);
  CsvTable data = table("x,t\n1,1\n2,3\n3,5\n");
  TrainOptions options;
  options.learning_rate = 0.1;
  options.epochs = 1;
  options.batch = 2;
  History history = train_with(model, data, options);

  ASSERT_EQ(history.parameters.size(), 2u);
  EXPECT_NEAR(history.parameters[0], 1.475, 1e-12);
  EXPECT_NEAR(history.parameters[1], 0.575, 1e-12);
  EXPECT_NEAR(history.losses[0], 12.03125 / 3, 1e-12);
}

// ---- Holding leaves fixed --------------------------------------------------

TEST(TrainTest, ConstMarkerHoldsALeafFixed) {
  // With b held at 0.5, the mean loss is least at
  // w = mean(x·(t - b))/mean(x²) = ((-1)(-3.5) + 0 + 1·0.5 + 2·2.5)/6
  //   = 9/6 = 1.5.
  // Its curvature is mean(x²) = 1.5, so η = 0.5 shrinks the error by
  // |1 - 0.75| = 0.25 an epoch: 1.5·0.25^100 is nothing.
  Model model = testing::model(
      "x = 0; t = 0\nw = 0; const b = 0.5\ny = w*x + b\n"
      "L = 0.5*(y - t)^2\n");
  CsvTable data = table(kLine);
  TrainingSetup setup = plan_training(model, data, {});
  ASSERT_EQ(setup.parameters, std::vector<NodeId>{*model.graph.find("w")});
  EXPECT_EQ(setup.fixed, std::vector<NodeId>{*model.graph.find("b")});
  TrainOptions options;
  options.learning_rate = 0.5;
  History history = train(model, data, setup, options);

  EXPECT_NEAR(history.parameters[0], 1.5, 1e-12);
}

TEST(TrainTest, ConstNamesHoldLeavesFixed) {
  Model model = testing::model(kLinear);
  CsvTable data = table(kLine);
  TrainingSetup setup = plan_training(model, data, {"b"});
  EXPECT_EQ(setup.parameters, std::vector<NodeId>{*model.graph.find("w")});
  EXPECT_EQ(setup.fixed, std::vector<NodeId>{*model.graph.find("b")});
}

TEST(TrainTest, ConstBeforeAComputedStatementIsAnError) {
  EXPECT_EQ(testing::error_of("x = 1\nconst y = 2*x\n"),
            "test.expr:2:1: error: 'const' marks a leaf that training holds "
            "fixed, but 'y' is computed from other names\n"
            "    const y = 2*x\n"
            "    ^~~~~\n");
}

TEST(TrainTest, NothingLeftToLearnIsAnError) {
  Model model = testing::model(kLinear);
  CsvTable data = table(kLine);
  try {
    plan_training(model, data, {"w", "b"});
    FAIL() << "expected a Failure";
  } catch (const Failure& failure) {
    EXPECT_STREQ(failure.what(),
                 "nothing to learn: every leaf that 'L' depends on is a "
                 "column of 'data.csv' or held fixed");
  }
}

// ---- A run that diverges ---------------------------------------------------

// L = x·w² with x = 1, w = 1 and η = 512.5: w̅ = 2w, so a step makes
// w - 1025w = -1024w, exactly, and w = (-1024)^k = ±2^(10k) after k
// epochs, whose loss is 2^(20k). The largest double is below 2^1024, so the
// loss is finite up to k = 51 (2^1020) and infinite at k = 52 (2^1040).
// Epoch k + 1 starts from the k-th w: epochs 1 to 52 run to the end, epoch
// 52 stepping from w = -2^510 to w = 2^520, and epoch 53 stops at its
// first sample. The last finite epoch, 52, started from w = -2^510.
constexpr const char* kDiverging = "x = 1; w = 1\nL = x*w^2\n";
constexpr double kDivergingRate = 512.5;

TEST(TrainTest, DivergingRunStopsWithTheLastFiniteParameters) {
  Model model = testing::model(kDiverging);
  CsvTable data = table("x\n1\n");
  TrainOptions options;
  options.learning_rate = kDivergingRate;
  options.epochs = 100;
  History history = train_with(model, data, options);

  ASSERT_TRUE(history.divergence);
  EXPECT_EQ(history.divergence->epoch, 53);
  EXPECT_EQ(history.divergence->last_finite,
            std::vector<double>{-std::ldexp(1.0, 510)});
  ASSERT_EQ(history.losses.size(), 52u);
  EXPECT_EQ(history.losses.back(), std::ldexp(1.0, 1020));
  EXPECT_EQ(history.parameters, std::vector<double>{std::ldexp(1.0, 520)});
  EXPECT_EQ(history.divergence->diagnostic.message,
            "training stopped in epoch 53: the loss 'L' is inf for the "
            "sample at data.csv:2");
}

// ---- The command line ------------------------------------------------------

// A fresh directory for a run's files, removed with them.
class TrainCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::path pattern =
        std::filesystem::temp_directory_path() / "bt-train-XXXXXX";
    std::string text = pattern.string();
    ASSERT_NE(mkdtemp(text.data()), nullptr);
    directory_ = text;
  }

  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::string path(const std::string& name) const {
    return (directory_ / name).string();
  }

  // Writes a file into the directory and returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path(name), std::ios::binary) << text;
    return path(name);
  }

  std::filesystem::path directory_;
};

// The JSON report of a run that succeeded.
Json train_json(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), "train");
  arguments.insert(arguments.end(), {"--format", "json"});
  testing::Run run = run_tool(arguments);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return Json::parse(run.out);
}

// The learned parameters of a JSON report, as --set values.
Sets final_parameters(const Json& report) {
  Sets learned;
  for (const auto& [name, value] : report["final"]["parameters"].items())
    learned.emplace_back(name, value.get<double>());
  return learned;
}

// Each row's output y with the final parameters of a JSON report, by an
// ordinary trace of the model.
std::vector<double> outputs_after(const Model& model, const CsvTable& data,
                                  const Json& report) {
  Sets learned = final_parameters(report);
  std::vector<double> outputs;
  for (size_t row = 0; row < data.row_count(); ++row)
    outputs.push_back(
        trace_sample(model, row_sets(data, row), learned).values.at("y"));
  return outputs;
}

TEST_F(TrainCliTest, TwoLayerNetworkLearnsXor) {
  Json report = train_json({"graphs/xor_two_layer.expr", "graphs/xor.csv",
                            "--lr", "1", "--epochs", "500"});
  Model model = graph_model("xor_two_layer.expr");
  CsvTable data = graph_table("xor.csv");

  std::vector<double> y = outputs_after(model, data, report);
  for (size_t row = 0; row < data.row_count(); ++row) {
    bool one = data.at(row, 2) == 1;
    EXPECT_EQ(y[row] > 0.5, one) << "line " << data.line(row);
  }
  double loss = report["final"]["loss"].get<double>();
  EXPECT_LT(loss, 0.05);
  EXPECT_NEAR(loss, mean_loss(model, data, final_parameters(report)), 1e-12);
}

TEST_F(TrainCliTest, SingleNeuronCannotLearnXor) {
  // The comment of xor_single_neuron.expr: the mean gradient is 0 only at
  // w_1 = w_2 = b = 0, where every y is 0.5 and the mean loss log 2.
  Json report = train_json({"graphs/xor_single_neuron.expr", "graphs/xor.csv",
                            "--lr", "1", "--epochs", "500"});
  Model model = graph_model("xor_single_neuron.expr");
  CsvTable data = graph_table("xor.csv");

  std::vector<double> y = outputs_after(model, data, report);
  int right = 0;
  for (size_t row = 0; row < data.row_count(); ++row) {
    bool one = data.at(row, 2) == 1;
    right += (one ? y[row] > 0.5 : y[row] < 0.5) ? 1 : 0;
    EXPECT_NEAR(y[row], 0.5, 1e-3) << "line " << data.line(row);
  }
  EXPECT_LT(right, 4);
  EXPECT_NEAR(report["final"]["loss"].get<double>(), std::log(2.0), 1e-3);
}

TEST_F(TrainCliTest, BatchStepsOncePerBatchWithAShortLastOne) {
  // The run of TrainTest.BatchStepsOncePerBatchWithAShortLastOne:
  // w = 1.475, b = 0.575 after two steps.
  std::string model = write("line.expr", kLinear);
  std::string data = write("line.csv", "x,t\n1,1\n2,3\n3,5\n");
  Json report =
      train_json({model, data, "--lr", "0.1", "--epochs", "1", "--batch", "2"});

  EXPECT_EQ(report["batch"], 2);
  EXPECT_NEAR(report["final"]["parameters"]["w"].get<double>(), 1.475, 1e-12);
  EXPECT_NEAR(report["final"]["parameters"]["b"].get<double>(), 0.575, 1e-12);
}

TEST_F(TrainCliTest, BatchLargerThanTheTableIsTheFullBatch) {
  std::string model = write("line.expr", kLinear);
  std::string data = write("line.csv", kLine);
  Json full = train_json({model, data, "--epochs", "3"});
  Json large = train_json({model, data, "--epochs", "3", "--batch", "5"});

  EXPECT_EQ(large["batch"], 4);
  EXPECT_EQ(large["final"], full["final"]);
  EXPECT_EQ(large["history"], full["history"]);
}

TEST_F(TrainCliTest, SeedMakesAShuffledRunReproducible) {
  auto with_seed = [](const std::string& seed) {
    return train_json({"graphs/xor_two_layer.expr", "graphs/xor.csv", "--batch",
                       "1", "--shuffle", "--seed", seed, "--epochs", "20"});
  };
  Json first = with_seed("7");

  EXPECT_EQ(with_seed("7"), first);
  EXPECT_NE(with_seed("8")["losses"], first["losses"]);
}

// ---- Bad data on the command line ------------------------------------------

// The model the bad tables are given to: three columns, three parameters.
constexpr const char* kPlane = R"(x_1 = 0; x_2 = 0; label = 0
w_1 = 0; w_2 = 0; b = 0
y = w_1*x_1 + w_2*x_2 + b
L = 0.5*(y - label)^2
)";

void replace_all(std::string& text, const std::string& key,
                 const std::string& value) {
  for (size_t at = text.find(key); at != std::string::npos;
       at = text.find(key, at + value.size()))
    text.replace(at, key.size(), value);
}

class TrainDataTest : public TrainCliTest {
 protected:
  // Trains kPlane on `table` and expects exit code 1, nothing on standard
  // output, and `error` (with "DATA" and "MODEL" standing for the paths) on
  // standard error.
  void expect_error(const std::string& table, std::string error) {
    std::string model = write("plane.expr", kPlane);
    std::string data = write("data.csv", table);
    testing::Run run = run_tool({"train", model, data});
    EXPECT_EQ(run.exit_code, 1);
    EXPECT_EQ(run.out, "");
    replace_all(error, "DATA", data);
    replace_all(error, "MODEL", model);
    EXPECT_EQ(run.err, error);
  }
};

TEST_F(TrainDataTest, ColumnNamingNothingSuggestsTheNearestName) {
  expect_error("x_1,x_2,lable\n0,1,1\n",
               "DATA:1:9: error: column 'lable' names nothing in 'MODEL'; did "
               "you mean 'label'?\n"
               "    x_1,x_2,lable\n"
               "            ^~~~~\n");
}

TEST_F(TrainDataTest, ColumnFarFromEveryNameListsTheNames) {
  expect_error("x_1,x_2,target\n0,1,1\n",
               "DATA:1:9: error: column 'target' names nothing in 'MODEL'; it "
               "assigns 'x_1', 'x_2', 'label', 'w_1', 'w_2', 'b', 'y' and "
               "'L'\n"
               "    x_1,x_2,target\n"
               "            ^~~~~~\n");
}

TEST_F(TrainDataTest, ColumnNamingAComputedNodeIsAnError) {
  expect_error("x_1,x_2,y\n0,1,1\n",
               "DATA:1:9: error: column 'y' names a node that 'MODEL' "
               "computes from other names; a column gives values to leaves\n"
               "    x_1,x_2,y\n"
               "            ^\n");
}

TEST_F(TrainDataTest, RowWithTooFewCellsNamesTheMissingColumn) {
  expect_error("x_1,x_2,label\n0,1,1\n1,0\n",
               "DATA:3:4: error: the header names 3 columns, but this row has "
               "2 cells; the value of 'label' is missing\n"
               "    1,0\n"
               "       ^\n");
}

TEST_F(TrainDataTest, RowOfOneCellSaysCellNotCells) {
  expect_error("x_1,x_2\n0,1\n1\n",
               "DATA:3:2: error: the header names 2 columns, but this row has "
               "1 cell; the value of 'x_2' is missing\n"
               "    1\n"
               "     ^\n");
}

TEST_F(TrainDataTest, RowWithTooManyCellsMarksTheExtraOnes) {
  expect_error("x_1,x_2,label\n0,1,1,5,8\n",
               "DATA:2:7: error: the header names 3 columns, but this row has "
               "5 cells\n"
               "    0,1,1,5,8\n"
               "          ^~~\n");
}

TEST_F(TrainDataTest, ColumnNamedTwicePointsAtTheFirst) {
  expect_error("x_1,x_2,x_1\n0,1,1\n",
               "DATA:1:9: error: column 'x_1' named twice\n"
               "    x_1,x_2,x_1\n"
               "            ^~~\n"
               "DATA:1:1: note: first named here\n"
               "    x_1,x_2,x_1\n"
               "    ^~~\n");
}

TEST_F(TrainDataTest, EmptyCellIsAMissingValue) {
  expect_error("x_1,x_2,label\n0,1,1\n1,,0\n",
               "DATA:3:3: error: missing value of 'x_2'\n"
               "    1,,0\n"
               "      ^\n");
}

TEST_F(TrainDataTest, CellThatIsNotANumberIsAnError) {
  expect_error("# inputs, then the label\nx_1,x_2,label\n0,one,1\n",
               "DATA:3:3: error: expected a number for 'x_2' but found "
               "'one'\n"
               "    0,one,1\n"
               "      ^~~\n");
}

// ---- Divergence on the command line ----------------------------------------

TEST_F(TrainCliTest, DivergenceNamesTheEpochTheSampleAndTheNode) {
  // See kDiverging: epoch 53 meets w = 2^520, and w^2 overflows in 'L'.
  std::string model = write("diverging.expr", kDiverging);
  std::string data = write("one.csv", "x\n1\n");
  testing::Run run =
      run_tool({"train", model, data, "--lr", "512.5", "--epochs", "100"});

  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  std::string power = fmt::format("{}", std::ldexp(1.0, 520));
  EXPECT_EQ(run.err,
            "backprop-trace: error: training stopped in epoch 53: the loss "
            "'L' is inf for the sample at " +
                data + ":2\n" + model +
                ":2:8: note: it first appeared here: 'L': power overflows: " +
                power + "^2 is inf\n" +
                "    L = x*w^2\n"
                "           ^\n");
}

// The value of `name` in a file of statements written by --save.
double saved_value(const std::string& text, const std::string& name) {
  std::string start = "\n" + name + " = ";
  size_t at = text.find(start);
  if (at == std::string::npos)
    return std::nan("");
  return std::stod(text.substr(at + start.size()));
}

TEST_F(TrainCliTest, SaveAfterDivergenceHoldsTheLastFiniteParameters) {
  // See kDiverging: epoch 52, whose mean loss 2^1020 was the last finite
  // one, started from w = -2^510.
  std::string model = write("diverging.expr", kDiverging);
  std::string data = write("one.csv", "x\n1\n");
  std::string saved = path("saved.expr");
  testing::Run run = run_tool({"train", model, data, "--lr", "512.5",
                               "--epochs", "100", "--save", saved});

  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  std::string text = testing::read_file(saved);
  EXPECT_EQ(saved_value(text, "w"), -std::ldexp(1.0, 510)) << text;
  std::string loss = fmt::format("{}", std::ldexp(1.0, 1020));
  EXPECT_NE(text.find("# Training stopped in epoch 53; these are the "
                      "parameters that epoch 52 started from,\n# the last "
                      "epoch run to the end (its mean L was " +
                      loss + ").\n"),
            std::string::npos)
      << text;
  EXPECT_NE(run.err.find("backprop-trace: note: '" + saved +
                         "' holds the parameters that epoch 52 started "
                         "from, the last epoch run to the end\n"),
            std::string::npos)
      << run.err;
}

TEST_F(TrainCliTest, DivergenceInTheFirstEpochSavesTheInitialParameters) {
  // x = 0 makes L = log(w·0 - 1) = log(-1), NaN for the first sample.
  std::string model = write("log.expr", "x = 0; w = 0.75\nL = log(w*x - 1)\n");
  std::string data = write("zero.csv", "x\n0\n");
  std::string saved = path("saved.expr");
  testing::Run run = run_tool({"train", model, data, "--save", saved});

  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("training stopped in epoch 1: the loss 'L' is NaN "
                         "for the sample at " +
                         data + ":2\n"),
            std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("'" + saved + "' holds the initial parameters"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(saved_value(testing::read_file(saved), "w"), 0.75);
}

// ---- Holding leaves fixed on the command line ------------------------------

TEST_F(TrainCliTest, ConstListHoldsEveryNamedLeafFixed) {
  // With a = 0 and w = 2 held, y = b + 2x on t = 2x - 1 is best at b = -1;
  // the curvature in b is 1, so η = 0.5 halves the error every epoch.
  std::string model =
      write("quadratic.expr",
            "x = 0; t = 0\na = 0; w = 0; b = 0\ny = a*x^2 + w*x + b\n"
            "L = 0.5*(y - t)^2\n");
  std::string data = write("line.csv", kLine);
  Json report = train_json({model, data, "--const", "a,w", "--set", "w=2",
                            "--lr", "0.5", "--epochs", "100"});

  EXPECT_EQ(report["fixed"], Json::array({"a", "w"}));
  EXPECT_EQ(report["parameters"], Json::array({"b"}));
  EXPECT_NEAR(report["final"]["parameters"]["b"].get<double>(), -1, 1e-12);
  EXPECT_FALSE(report["final"]["parameters"].contains("w"));
}

TEST_F(TrainCliTest, ConstNamingNothingIsAnError) {
  std::string model = write("line.expr", kLinear);
  std::string data = write("line.csv", kLine);
  testing::Run run = run_tool({"train", model, data, "--const", "w,q"});

  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_EQ(run.err, "backprop-trace: error: --const names 'q', which '" +
                         model + "' does not assign\n");
}

}  // namespace
}  // namespace backprop
