// Grading answers against the trace: tolerance, marks, and the error that a
// student carries forward from one step to the next.
#include "backprop/grade.hpp"

#include <algorithm>
#include <cmath>

#include "backprop/diagnostic.hpp"

namespace backprop {
namespace {

constexpr int32_t kNotAsked = -1;

// The nodes that an expression names, each once, without recursion.
std::vector<NodeId> names_in(const ExprPool& pool, ExprId root) {
  std::vector<NodeId> names;
  std::vector<ExprId> pending{root};
  while (!pending.empty()) {
    const ExprNode& node = pool[pending.back()];
    pending.pop_back();
    if (node.kind == ExprKind::Name) {
      if (std::find(names.begin(), names.end(), node.a) == names.end())
        names.push_back(node.a);
      continue;
    }
    if (node.kind == ExprKind::Number)
      continue;
    pending.push_back(node.a);
    bool binary = node.kind != ExprKind::Negate && node.b != kNoExpr;
    if (binary)
      pending.push_back(node.b);
  }
  return names;
}

// A recomputation of one slot from the student's numbers, and which of
// them it used.
struct Recomputed {
  double value = 0;
  std::vector<Slot> inputs;
};

class Grader {
 public:
  Grader(const Trace& trace, std::span<const Slot> asked,
         std::span<const double> weights, const Answers& answers,
         const GradeOptions& options);

  Grade run();

 private:
  void grade_slot(int32_t index);
  void mark(SlotGrade& slot, std::span<const Recomputed> ways);
  std::vector<Recomputed> recompute(Slot slot) const;
  Recomputed recompute_value(NodeId node) const;
  std::vector<Recomputed> recompute_bar(NodeId node) const;
  void add_message(Recomputed& way, double bar, ExprId local) const;
  void use_value(Recomputed& way, NodeId node) const;
  void use_bar(Recomputed& way, NodeId node) const;
  bool is_wrong(Slot input) const;
  int32_t index_of(Slot slot) const {
    const std::vector<int32_t>& index =
        slot.kind == SlotKind::Value ? value_index_ : bar_index_;
    return index[slot.node];
  }

  const Trace& trace_;
  const Graph& graph_;
  const Model& model_;
  const GradeOptions& options_;
  Grade grade_;
  std::vector<int32_t> value_index_;  // per node: its slot in grade_, if asked
  std::vector<int32_t> bar_index_;
  // The trace's numbers with the student's written over them, slot by
  // slot as grading reaches it.
  std::vector<double> values_;
  std::vector<double> bars_;
  std::vector<bool> value_written_;
  std::vector<bool> bar_written_;
};

Grader::Grader(const Trace& trace, std::span<const Slot> asked,
               std::span<const double> weights, const Answers& answers,
               const GradeOptions& options)
    : trace_(trace),
      graph_(trace.graph()),
      model_(*trace.model),
      options_(options),
      value_index_(graph_.size(), kNotAsked),
      bar_index_(graph_.size(), kNotAsked),
      values_(trace.values),
      bars_(trace.bars),
      value_written_(graph_.size(), false),
      bar_written_(graph_.size(), false) {
  for (size_t i = 0; i < asked.size(); ++i) {
    SlotGrade slot;
    slot.slot = asked[i];
    slot.weight = i < weights.size() ? weights[i] : 1;
    slot.expected = asked[i].kind == SlotKind::Value
                        ? trace.values[slot.slot.node]
                        : trace.bars[slot.slot.node];
    (asked[i].kind == SlotKind::Value ? value_index_
                                      : bar_index_)[asked[i].node] =
        static_cast<int32_t>(i);
    grade_.slots.push_back(std::move(slot));
  }
  for (const Answer& answer : answers.answers) {
    int32_t index = index_of(answer.slot);
    if (index == kNotAsked)
      continue;
    SlotGrade& slot = grade_.slots[index];
    slot.answer = answer.text;
    if (!answer.blank)
      slot.given = answer.number;
  }
}

Grade Grader::run() {
  // Inputs before the slots that use them: values in topological order,
  // then bars in reverse.
  for (NodeId node : model_.order)
    grade_slot(value_index_[node]);
  for (auto it = model_.order.rbegin(); it != model_.order.rend(); ++it)
    grade_slot(bar_index_[*it]);
  for (const SlotGrade& slot : grade_.slots) {
    grade_.score += slot.score;
    grade_.max_score += slot.weight;
  }
  return std::move(grade_);
}

void Grader::grade_slot(int32_t index) {
  if (index == kNotAsked)
    return;
  SlotGrade& slot = grade_.slots[index];
  if (!slot.answer || !slot.given) {
    bool blank = !slot.answer || (slot.answer->find_first_not_of(" \t\r\n") ==
                                  std::string::npos);
    slot.mark = blank ? Mark::Missing : Mark::NotANumber;
    return;
  }
  if (within(*slot.given, slot.expected, options_.tolerance)) {
    slot.mark = Mark::Correct;
  } else {
    mark(slot, recompute(slot.slot));
  }
  bool credit = slot.mark == Mark::Correct ||
                (slot.mark == Mark::CarriedForward && options_.carry_errors);
  slot.score = credit ? slot.weight : 0;
  if (std::isfinite(*slot.given)) {
    bool value = slot.slot.kind == SlotKind::Value;
    (value ? values_ : bars_)[slot.slot.node] = *slot.given;
    (value ? value_written_ : bar_written_)[slot.slot.node] = true;
  }
}

// Marks an answer that missed the trace's value by the first
// recomputation it matches.
void Grader::mark(SlotGrade& slot, std::span<const Recomputed> ways) {
  slot.mark = Mark::Wrong;
  for (const Recomputed& way : ways) {
    if (!within(*slot.given, way.value, options_.tolerance))
      continue;
    std::vector<Slot> wrong;
    for (Slot input : way.inputs) {
      if (is_wrong(input))
        wrong.push_back(input);
    }
    slot.mark = wrong.empty() ? Mark::Correct : Mark::CarriedForward;
    slot.recomputed = way.value;
    slot.inputs = wrong.empty() ? way.inputs : wrong;
    return;
  }
}

bool Grader::is_wrong(Slot input) const {
  Mark mark = grade_.slots[index_of(input)].mark;
  return mark == Mark::Wrong || mark == Mark::CarriedForward;
}

std::vector<Recomputed> Grader::recompute(Slot slot) const {
  if (slot.kind == SlotKind::Bar)
    return recompute_bar(slot.node);
  Recomputed way = recompute_value(slot.node);
  if (way.inputs.empty())
    return {};
  return {std::move(way)};
}

// A value from the values written for its parents.
Recomputed Grader::recompute_value(NodeId node) const {
  Recomputed way;
  if (graph_.statement(node).is_leaf)
    return way;
  way.value =
      evaluate(graph_.program.exprs, graph_.statement(node).value, values_);
  for (NodeId parent : graph_.parents(node))
    use_value(way, parent);
  return way;
}

// A bar as the sum of its children's messages, from the bars written for
// the children: with the trace's local derivatives, then with the local
// derivatives at the values written, and once more with each derivative
// that has a form by the child's result (σ′ as y(1 − y)) in that form.
std::vector<Recomputed> Grader::recompute_bar(NodeId node) const {
  if (node == trace_.output)
    return {};
  Recomputed by_trace;
  Recomputed by_parent;
  Recomputed by_result;
  bool has_result_form = false;
  for (uint32_t edge : graph_.child_edges(node)) {
    NodeId child = graph_.edge_child(edge);
    if (!trace_.has_bar(child))
      continue;
    for (Recomputed* way : {&by_trace, &by_parent, &by_result})
      use_bar(*way, child);
    by_trace.value += bars_[child] * trace_.local_values[edge];
    if (!model_.symbolic)
      continue;
    ExprId local = model_.locals.by_parent[edge];
    add_message(by_parent, bars_[child], local);
    ExprId by_child = model_.locals.by_result[edge];
    has_result_form |= by_child != kNoExpr;
    add_message(by_result, bars_[child],
                by_child == kNoExpr ? local : by_child);
  }
  std::vector<Recomputed> ways;
  if (!by_trace.inputs.empty())
    ways.push_back(by_trace);
  if (by_parent.inputs.size() > by_trace.inputs.size())
    ways.push_back(std::move(by_parent));
  if (has_result_form && by_result.inputs.size() > by_trace.inputs.size())
    ways.push_back(std::move(by_result));
  return ways;
}

// Adds bar·local to a recomputation, with the local derivative evaluated
// at the values written.
void Grader::add_message(Recomputed& way, double bar, ExprId local) const {
  way.value += bar * evaluate(graph_.program.exprs, local, values_);
  for (NodeId named : names_in(graph_.program.exprs, local))
    use_value(way, named);
}

void Grader::use_value(Recomputed& way, NodeId node) const {
  Slot input{SlotKind::Value, node};
  bool seen = std::find(way.inputs.begin(), way.inputs.end(), input) !=
              way.inputs.end();
  if (value_written_[node] && !seen)
    way.inputs.push_back(input);
}

void Grader::use_bar(Recomputed& way, NodeId node) const {
  if (bar_written_[node])
    way.inputs.push_back({SlotKind::Bar, node});
}

}  // namespace

bool within(double answer, double expected, const Tolerance& tolerance) {
  if (!std::isfinite(expected)) {
    return answer == expected || (std::isnan(answer) && std::isnan(expected));
  }
  double allowed = tolerance.atol + tolerance.rtol * std::abs(expected);
  return std::abs(answer - expected) <= allowed;
}

std::string_view describe(Mark mark) {
  switch (mark) {
    case Mark::Correct:
      return "correct";
    case Mark::Wrong:
      return "wrong";
    case Mark::Missing:
      return "missing";
    case Mark::NotANumber:
      return "not a number";
    case Mark::CarriedForward:
      return "follows from an earlier error";
  }
  return "";
}

std::string_view mark_key(Mark mark) {
  switch (mark) {
    case Mark::Correct:
      return "correct";
    case Mark::Wrong:
      return "wrong";
    case Mark::Missing:
      return "missing";
    case Mark::NotANumber:
      return "not_a_number";
    case Mark::CarriedForward:
      return "carried_forward";
  }
  return "";
}

Grade grade(const Trace& trace, std::span<const Slot> asked,
            std::span<const double> weights, const Answers& answers,
            const GradeOptions& options) {
  return Grader(trace, asked, weights, answers, options).run();
}

std::vector<double> slot_weights(
    const Trace& trace, std::span<const Slot> asked,
    const std::vector<std::pair<std::string, double>>& weights) {
  std::vector<double> result(asked.size(), 1.0);
  for (const auto& [selector, weight] : weights) {
    bool selected = false;
    for (Slot slot : select_slots(trace, selector, "--weights")) {
      auto at = std::find(asked.begin(), asked.end(), slot);
      if (at == asked.end())
        continue;
      result[at - asked.begin()] = weight;
      selected = true;
    }
    if (!selected) {
      throw Failure(fmt::format(
          "--weights '{}' selects no slot that is asked; --ask chooses them",
          selector));
    }
  }
  return result;
}

}  // namespace backprop
