#!/usr/bin/env python3
"""Checks backprop-trace's numbers against an independent implementation.

Usage: independent_check.py TOOL MODEL

Runs `TOOL --format json MODEL` and compares every value and every gradient
in the trace with the ones computed here, to a relative tolerance of 1e-9.
Nothing is shared with the tool: this file has its own tokenizer, parser,
forward evaluation and reverse-mode differentiation (one small Value per
operation, micrograd style), so an error in the tool's symbolic derivatives,
simplifier or evaluator shows up as a mismatch. Exits 0 when all agree,
1 on a mismatch, 2 when the tool or the model cannot be run.
"""

import json
import math
import re
import subprocess
import sys

RELATIVE_TOLERANCE = 1e-9
ABSOLUTE_FLOOR = 1e-12  # for values that should be 0 but carry rounding


class ModelError(Exception):
    pass


# ---- Arithmetic with C's IEEE behaviour, where Python would raise ----------


def ieee(operation, *arguments):
    try:
        return operation(*arguments)
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError):
        return math.nan


def divide(a, b):
    if b == 0:
        if a == 0 or math.isnan(a):
            return math.nan
        return math.copysign(math.inf, a) * math.copysign(1, b)
    return a / b


def power(a, b):
    if a == 0 and b < 0:
        return math.inf
    return ieee(math.pow, a, b)


def sigma(u):
    # Two branches, so that exp never overflows.
    if u >= 0:
        return 1 / (1 + math.exp(-u))
    e = math.exp(u)
    return e / (1 + e)


def step(condition):
    return 1.0 if condition else 0.0


# Each function: (arity, value, partial derivatives by each argument). At a
# kink the slope is 0, and a tie of max or min goes to the first argument.
FUNCTIONS = {
    "sigma": (1, sigma, lambda u: [sigma(u) * (1 - sigma(u))]),
    "tanh": (1, math.tanh, lambda u: [1 - math.tanh(u) ** 2]),
    "relu": (1, lambda u: u if u > 0 else 0.0, lambda u: [step(u > 0)]),
    "exp": (1, lambda u: ieee(math.exp, u), lambda u: [ieee(math.exp, u)]),
    "log": (1, lambda u: -math.inf if u == 0 else ieee(math.log, u),
            lambda u: [divide(1.0, u)]),
    "sqrt": (1, lambda u: ieee(math.sqrt, u),
             lambda u: [divide(0.5, ieee(math.sqrt, u))]),
    "abs": (1, abs, lambda u: [step(u > 0) - step(u < 0)]),
    "sin": (1, math.sin, lambda u: [math.cos(u)]),
    "cos": (1, math.cos, lambda u: [-math.sin(u)]),
    "max": (2, lambda a, b: a if a >= b else b,
            lambda a, b: [step(a >= b), step(a < b)]),
    "min": (2, lambda a, b: a if a <= b else b,
            lambda a, b: [step(a <= b), step(a > b)]),
}
FUNCTIONS["sigmoid"] = FUNCTIONS["sigma"]


# ---- Reverse mode: one Value per operation ---------------------------------


class Value:
    """A number, the Values it was computed from, and the local slope by
    each of them. `varies` is false for constants, whose slopes are never
    needed (and may not exist: the exponent of a negative base)."""

    def __init__(self, data, parents=(), slopes=None, varies=False):
        self.data = data
        self.parents = parents
        self.slopes = slopes  # a function returning one slope per parent
        self.varies = varies or any(p.varies for p in parents)
        self.grad = 0.0


def combine(data, parents, slopes):
    return Value(data, tuple(parents), slopes)


def backward(output):
    """Orders the Values below `output` depth-first without recursion, then
    sends each Value's gradient to its parents in reverse order."""
    order, seen, stack = [], {id(output)}, [(output, 0)]
    while stack:
        value, next_parent = stack.pop()
        if next_parent < len(value.parents):
            stack.append((value, next_parent + 1))
            parent = value.parents[next_parent]
            if parent.varies and id(parent) not in seen:
                seen.add(id(parent))
                stack.append((parent, 0))
        else:
            order.append(value)
    output.grad = 1.0
    for value in reversed(order):
        if not value.parents:
            continue
        for parent, slope in zip(value.parents, value.slopes()):
            if parent.varies:
                parent.grad += value.grad * slope


def apply_binary(operator, a, b):
    x, y = a.data, b.data
    if operator == "+":
        return combine(x + y, (a, b), lambda: (1.0, 1.0))
    if operator == "-":
        return combine(x - y, (a, b), lambda: (1.0, -1.0))
    if operator == "*":
        return combine(x * y, (a, b), lambda: (y, x))
    if operator == "/":
        return combine(divide(x, y), (a, b),
                       lambda: (divide(1.0, y), -divide(x, y * y)))
    result = power(x, y)

    def slopes():
        by_base = y * power(x, y - 1) if a.varies else 0.0
        by_exponent = result * ieee(math.log, x) if b.varies else 0.0
        return (by_base, by_exponent)

    return combine(result, (a, b), slopes)


def apply_function(name, arguments):
    _, value, slopes = FUNCTIONS[name]
    numbers = [argument.data for argument in arguments]
    return combine(value(*numbers), arguments, lambda: slopes(*numbers))


# ---- Tokens and parsing -----------------------------------------------------

TOKEN = re.compile(r"""
    (?P<space>[ \t\r]+|\#[^\n]*)
  | (?P<number>(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<symbol>[-+*/^(),=;\n])
""", re.VERBOSE)


def tokenize(text):
    tokens, position = [], 0
    while position < len(text):
        match = TOKEN.match(text, position)
        if not match:
            raise ModelError(f"unexpected character {text[position]!r}")
        position = match.end()
        kind = match.lastgroup
        if kind != "space":
            tokens.append((kind, match.group()))
    tokens.append(("end", ""))
    return tokens


class Parser:
    """Expressions become tuples: ("number", x), ("name", n),
    ("negate", e), (operator, a, b) and ("call", function, [arguments])."""

    def __init__(self, text):
        self.tokens = tokenize(text)
        self.position = 0
        self.open_parens = 0

    def peek(self):
        return self.tokens[self.position]

    def take(self):
        token = self.tokens[self.position]
        self.position += 1
        return token

    def at(self, *symbols):
        kind, text = self.peek()
        return kind == "symbol" and text in symbols

    def skip_newlines(self):
        while self.at("\n"):
            self.take()

    def expect(self, symbol):
        if not self.at(symbol):
            raise ModelError(f"expected {symbol!r}, found {self.peek()[1]!r}")
        self.take()

    def statements(self):
        """program := { statement } with ';' or newlines between"""
        result = []
        while True:
            while self.at("\n", ";"):
                self.take()
            if self.peek()[0] == "end":
                return result
            kind, name = self.take()
            if kind != "name":
                raise ModelError(f"expected a name, found {name!r}")
            self.expect("=")
            self.skip_newlines()
            result.append((name, self.sum()))
            if not (self.at("\n", ";") or self.peek()[0] == "end"):
                raise ModelError(f"unexpected {self.peek()[1]!r}")

    def binary_loop(self, operators, operand):
        left = operand()
        while True:
            if self.open_parens:
                self.skip_newlines()
            if not self.at(*operators):
                return left
            operator = self.take()[1]
            self.skip_newlines()
            left = (operator, left, operand())

    def sum(self):
        """sum := product { ('+' | '-') product }"""
        return self.binary_loop(("+", "-"), self.product)

    def product(self):
        """product := unary { ('*' | '/') unary }"""
        return self.binary_loop(("*", "/"), self.unary)

    def unary(self):
        """unary := ('-' | '+') unary | power"""
        if not self.at("-", "+"):
            return self.power()
        negate = self.take()[1] == "-"
        self.skip_newlines()
        operand = self.unary()
        return ("negate", operand) if negate else operand

    def power(self):
        """power := primary [ '^' unary ]: right-associative, and tighter
        than a unary minus on its left"""
        base = self.primary()
        if self.open_parens:
            self.skip_newlines()
        if not self.at("^"):
            return base
        self.take()
        self.skip_newlines()
        return ("^", base, self.unary())

    def primary(self):
        """primary := NUMBER | NAME | NAME '(' arguments ')' | '(' sum ')'"""
        kind, text = self.take()
        if kind == "number":
            return ("number", float(text))
        if kind == "name" and self.at("("):
            return ("call", text, self.arguments(text))
        if kind == "name":
            return ("name", text)
        if kind == "symbol" and text == "(":
            self.open_parens += 1
            self.skip_newlines()
            inner = self.sum()
            self.expect(")")
            self.open_parens -= 1
            return inner
        raise ModelError(f"expected an expression, found {text!r}")

    def arguments(self, function):
        """arguments := '(' sum { ',' sum } ')'"""
        if function not in FUNCTIONS:
            raise ModelError(f"unknown function {function!r}")
        self.take()
        self.open_parens += 1
        self.skip_newlines()
        result = [self.sum()]
        while self.at(","):
            self.take()
            self.skip_newlines()
            result.append(self.sum())
        self.expect(")")
        self.open_parens -= 1
        if len(result) != FUNCTIONS[function][0]:
            raise ModelError(f"wrong number of arguments to {function!r}")
        return result


def names_in(expression):
    """The names an expression uses, found without recursion."""
    found, stack = set(), [expression]
    while stack:
        node = stack.pop()
        if node[0] == "name":
            found.add(node[1])
        elif node[0] == "negate":
            stack.append(node[1])
        elif node[0] == "call":
            stack.extend(node[2])
        elif node[0] != "number":
            stack.extend(node[1:])
    return found


# ---- The model: sorted, evaluated, differentiated --------------------------


def topological_order(statements):
    """Kahn's algorithm over the statements' dependencies."""
    uses = {name: names_in(expression) for name, expression in statements}
    for name, used in uses.items():
        for parent in used:
            if parent not in uses:
                raise ModelError(f"{name!r} uses undefined {parent!r}")
    children = {name: [] for name in uses}
    waiting = {}
    for name, used in uses.items():
        waiting[name] = len(used)
        for parent in used:
            children[parent].append(name)
    ready = [name for name, count in waiting.items() if count == 0]
    order = []
    while ready:
        name = ready.pop()
        order.append(name)
        for child in children[name]:
            waiting[child] -= 1
            if waiting[child] == 0:
                ready.append(child)
    if len(order) != len(uses):
        raise ModelError("the statements form a cycle")
    return order, uses


def build(expression, nodes):
    """The Value of an expression whose names are in `nodes`, built in
    post-order with an explicit stack."""
    results, stack = [], [(expression, False)]
    while stack:
        node, expanded = stack.pop()
        kind = node[0]
        if kind == "number":
            results.append(Value(node[1]))
        elif kind == "name":
            results.append(nodes[node[1]])
        elif not expanded:
            stack.append((node, True))
            operands = node[2] if kind == "call" else node[1:]
            stack.extend((operand, False) for operand in reversed(operands))
        elif kind == "negate":
            a = results.pop()
            results.append(combine(-a.data, (a,), lambda: (-1.0,)))
        elif kind == "call":
            count = len(node[2])
            arguments = results[len(results) - count:]
            del results[len(results) - count:]
            results.append(apply_function(node[1], arguments))
        else:
            b, a = results.pop(), results.pop()
            results.append(apply_binary(kind, a, b))
    return results[0]


def ancestors(output, uses):
    found, stack = {output}, [output]
    while stack:
        for parent in uses[stack.pop()]:
            if parent not in found:
                found.add(parent)
                stack.append(parent)
    return found


def trace(text):
    """Every node's value, and the gradient of the output (the last
    statement) by every node it depends on."""
    statements = Parser(text).statements()
    if not statements:
        raise ModelError("no statements")
    expressions = dict(statements)
    if len(expressions) != len(statements):
        raise ModelError("a name is assigned twice")
    order, uses = topological_order(statements)

    nodes = {}
    for name in order:
        value = build(expressions[name], nodes)
        if not uses[name]:
            nodes[name] = Value(value.data, varies=True)  # a leaf
        else:
            # The statement's own Value, so that its gradient is its bar
            # even when its right side is just another name.
            nodes[name] = combine(value.data, (value,), lambda: (1.0,))

    output = statements[-1][0]
    backward(nodes[output])
    values = {name: node.data for name, node in nodes.items()}
    gradients = {name: nodes[name].grad for name in ancestors(output, uses)}
    return output, values, gradients


# ---- Comparing with the tool -----------------------------------------------


def number(value):
    if isinstance(value, str):
        return {"NaN": math.nan, "Infinity": math.inf,
                "-Infinity": -math.inf}[value]
    return float(value)


def agree(mine, theirs):
    if math.isnan(mine) or math.isnan(theirs):
        return math.isnan(mine) and math.isnan(theirs)
    if math.isinf(mine) or math.isinf(theirs):
        return mine == theirs
    scale = max(abs(mine), abs(theirs))
    return abs(mine - theirs) <= RELATIVE_TOLERANCE * scale + ABSOLUTE_FLOOR


def compare(what, mine, theirs):
    """The disagreements between two {name: number} tables."""
    problems = []
    for name in sorted(set(mine) - set(theirs)):
        problems.append(f"{what}: the tool has no entry for '{name}'")
    for name in sorted(set(theirs) - set(mine)):
        problems.append(f"{what}: the tool has an unexpected '{name}'")
    for name in sorted(set(mine) & set(theirs)):
        expected, found = mine[name], number(theirs[name])
        if not agree(expected, found):
            problems.append(f"{what} of '{name}': the tool says {found!r}, "
                            f"this check computes {expected!r}")
    return problems


def main(arguments):
    if len(arguments) != 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    tool, model = arguments[1], arguments[2]
    # The parser recurses a few levels per nesting level, which the tool
    # bounds at 256: more than Python allows by default.
    sys.setrecursionlimit(20000)
    try:
        with open(model, encoding="utf-8") as file:
            output, values, gradients = trace(file.read())
    except (OSError, ModelError) as error:
        print(f"independent_check: {model}: {error}", file=sys.stderr)
        return 2
    run = subprocess.run([tool, "--format", "json", model],
                         capture_output=True, text=True)
    if run.returncode != 0:
        print(f"independent_check: {tool} failed ({run.returncode}):\n"
              f"{run.stderr}", file=sys.stderr)
        return 2
    result = json.loads(run.stdout)

    problems = []
    if result["output"] != output:
        problems.append(f"output: the tool says '{result['output']}', "
                        f"this check says '{output}'")
    problems += compare("value", values, result["values"])
    problems += compare("gradient", gradients, result["gradients"])
    for problem in problems:
        print(f"{model}: {problem}")
    if not problems:
        print(f"{model}: {len(values)} values and {len(gradients)} "
              f"gradients agree")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
