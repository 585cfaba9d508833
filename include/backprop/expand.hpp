// Op-level granularity: one node per operation, the way micrograd and
// PyTorch record a graph.
#pragma once

#include "backprop/parser.hpp"

namespace backprop {

/// Splits every statement into one statement per operation. Each operation
/// on something that varies (a name, or another such operation) gets a
/// statement of its own with a generated name, placed before the statement
/// it came from and numbered in the order it is computed:
///
///     z = w*x + b      becomes      z1 = w*x
///                                   z = z1 + b
///
/// The statement keeps its name for the last operation, so the nodes of the
/// file keep their names, values and gradients. Leaves, and parts that name
/// nothing (`(1 - 0.5)`, `log(2)`), stay as they are. A generated name is
/// the statement's name and a number (`_` between them when the name ends
/// in a digit, as `h_1_1`), never one the file or an earlier generated
/// statement uses. Generated statements point at the operation in the
/// source, so warnings about them quote it.
///
/// Throws Failure as Graph::build and topological_order would for the
/// program as written (a name assigned twice or undefined, a cycle), so
/// that the error names the file's own statements.
Program expand(Program program);

}  // namespace backprop
