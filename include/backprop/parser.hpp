// The parser: tokens to a program of statements.
#pragma once

#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "backprop/expr.hpp"
#include "backprop/source.hpp"

namespace backprop {

/// The deepest that parentheses, function calls, unary signs and powers may
/// nest in one expression. Deeper input is an error, not a crash.
inline constexpr uint32_t kMaxNestingDepth = 256;

/// The tallest tree one right side may make; a sum of many terms is as tall
/// as it is long. Every stage that walks a tree recursively relies on it.
inline constexpr uint32_t kMaxTreeHeight = 10000;

/// `name = value`, one statement of the file.
struct Statement {
  std::string_view name;  // a view into the source text or `extra_names`
  Span name_span;
  ExprId value;  // the root of the right side's tree
  ExprId first;  // the tree occupies the ids [first, value] of the pool
  bool is_leaf;  // the right side names nothing, as in `x = 1.5`
  bool is_const = false;  // `const lambda = 0.1`: training holds it fixed
};

/// A parsed file: its source, its statements in file order and the
/// expressions they hold. Names are not yet resolved.
struct Program {
  /// Shared so that views into the text survive moving the program.
  std::shared_ptr<const SourceFile> source;
  ExprPool exprs;
  std::vector<Statement> statements;
  /// Storage for names that are not in the source text. A Name node
  /// without an offset, before names are resolved, names extra_names[a].
  std::deque<std::string> extra_names;
};

/// What the pool of a parsed program will hold: its trees only, or also
/// the symbolic derivatives that derive() adds to it.
enum class PoolUse { Parsing, Deriving };

/// Parses a whole file:
///
///     program   := { statement } END
///     statement := [ 'const' ] NAME '=' sum ( NEWLINE | ';' | END )
///
/// Line breaks inside parentheses and after an operator continue the
/// statement. `const` before a name marks a leaf that training holds fixed;
/// `const` is a name like any other where no name follows it. Throws Failure
/// with a diagnostic at the first error, and on `const` before a statement
/// that is not a leaf. `use` sizes the room set aside for the pool.
Program parse(std::shared_ptr<const SourceFile> source,
              PoolUse use = PoolUse::Parsing);

}  // namespace backprop
