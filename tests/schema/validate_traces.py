#!/usr/bin/env python3
"""Validates every JSON document the tool writes against schema/.

Usage: validate_traces.py TOOL SOURCE_DIR

Runs TOOL from SOURCE_DIR on every graphs/*.expr with --format json, alone
and with every combination of --answer-key, --check and --expand, and on
models whose values are NaN and infinite; runs `grade --format json` on
the answers files of tests/grading/ and `template` on every graph. Each
document is validated with the jsonschema package against the schema that
its "schema" key names. Then broken documents are fed to the same
validators, each of which must reject them, so that a schema that accepts
anything fails this test. Exits 0 when all is as expected, 1 otherwise.
"""

import copy
import glob
import itertools
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

SCHEMAS = {
    "backprop-trace/1": "trace.schema.json",
    "backprop-grade/1": "grade.schema.json",
    "backprop-answers/1": "answers.schema.json",
}

# Leaves with the values that JSON cannot hold: log of a negative number is
# NaN, a division by zero is infinite, and exp overflows.
NON_FINITE_MODEL = """\
x = -1; zero = 0; big = 1000
a = log(x)
b = 1/zero
c = -exp(big)
d = a + b
u = 2*x
L = d*c + b
"""

# Every value is finite but a bar is infinite: sqrt's derivative at 0.
INFINITE_BAR_MODEL = """\
s = 0
r = sqrt(s)
L = 3*r
"""


class Checker:
    def __init__(self, tool, source_dir):
        self.tool = tool
        self.source_dir = source_dir
        self.failures = []
        self.documents = 0
        self.validators = {}
        for version, name in SCHEMAS.items():
            path = os.path.join(source_dir, "schema", name)
            with open(path, encoding="utf-8") as file:
                schema = json.load(file)
            jsonschema.Draft202012Validator.check_schema(schema)
            self.validators[version] = jsonschema.Draft202012Validator(schema)

    def run(self, arguments, allowed=(0,), stdin=None):
        """The tool's standard output as JSON, or None after a failure."""
        command = [self.tool] + arguments
        result = subprocess.run(command, cwd=self.source_dir, input=stdin,
                                capture_output=True, timeout=120)
        label = " ".join(arguments)
        if result.returncode not in allowed:
            self.fail(label, f"exit code {result.returncode}: "
                      f"{result.stderr.decode(errors='replace')}")
            return None
        try:
            return json.loads(result.stdout.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            self.fail(label, f"not JSON: {error}")
            return None

    def fail(self, label, message):
        self.failures.append(f"{label}: {message}")

    def validate(self, label, document, version=None):
        if document is None:
            return
        version = version or document.get("schema")
        validator = self.validators.get(version)
        if validator is None:
            self.fail(label, f"unknown schema {version!r}")
            return
        errors = sorted(validator.iter_errors(document), key=str)
        for error in errors[:3]:
            path = "/".join(str(part) for part in error.absolute_path)
            self.fail(label, f"at '{path}': {error.message}")
        self.documents += 1

    def trace(self, arguments, stdin=None):
        document = self.run(["--format", "json"] + arguments, (0, 3), stdin)
        self.validate(" ".join(arguments), document, "backprop-trace/1")
        return document

    def expect_rejected(self, label, document, version):
        if self.validators[version].is_valid(document):
            self.fail(label, "a broken document passed the schema")


def option_sets():
    flags = ["--answer-key", "--check", "--expand"]
    for count in range(len(flags) + 1):
        yield from itertools.combinations(flags, count)


def check_graphs(checker):
    models = sorted(glob.glob(os.path.join(checker.source_dir, "graphs",
                                           "*.expr")))
    if not models:
        checker.fail("graphs/", "no models found")
    for model in models:
        relative = os.path.relpath(model, checker.source_dir)
        for options in option_sets():
            checker.trace(list(options) + [relative])
        template = checker.run(["template", "--ask", "values,bars", relative])
        checker.validate(f"template {relative}", template)


def check_non_finite(checker, directory):
    path = os.path.join(directory, "non_finite.expr")
    with open(path, "w", encoding="utf-8") as file:
        file.write(NON_FINITE_MODEL)
    written = set()
    for options in option_sets():
        document = checker.trace(list(options) + [path])
        written |= set(strings_in(document))
    missing = {"NaN", "Infinity", "-Infinity"} - written
    if missing:
        checker.fail(path, f"the traces never hold {sorted(missing)}; the "
                     "model no longer tests non-finite numbers")
    document = checker.trace(["-"], stdin=INFINITE_BAR_MODEL.encode())
    if document and document["gradients"].get("s") != "Infinity":
        checker.fail("sqrt at 0", "expected the bar of s to be Infinity")


def strings_in(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings_in(item)


def check_grades(checker):
    exercise = "tests/grading/exercise.expr"
    answers = sorted(glob.glob(os.path.join(checker.source_dir,
                                            "tests/grading/*")))
    answers = [path for path in answers
               if path.endswith((".csv", ".json")) and
               not path.endswith((".report.json", ".gradescope.json"))]
    if not answers:
        checker.fail("tests/grading/", "no answers files found")
    for path in answers:
        relative = os.path.relpath(path, checker.source_dir)
        if relative.endswith(".json"):
            with open(path, encoding="utf-8") as file:
                checker.validate(relative, json.load(file),
                                 "backprop-answers/1")
        for options in ([], ["--carry-errors"], ["--ask", "gradients"]):
            report = checker.run(["grade", "--format", "json"] + options +
                                 [exercise, relative])
            checker.validate(f"grade {' '.join(options)} {relative}", report)
    odd = b'{"values": {"z": "NaN", "y": [1], "L": 1e999}, "bars": {}}'
    report = checker.run(["grade", "--format", "json", exercise, "-"],
                         stdin=odd)
    checker.validate("grade of odd answers", report)


def broken_traces(valid):
    """(what is wrong, document) for each way a trace can be broken."""
    def changed(change):
        document = copy.deepcopy(valid)
        change(document)
        return document

    yield "another schema", changed(
        lambda d: d.update(schema="backprop-trace/2"))
    yield "no values", changed(lambda d: d.pop("values"))
    yield "a key not in the layout", changed(lambda d: d.update(extra=1))
    yield "NaN spelled otherwise", changed(
        lambda d: d.update(output_value="nan"))
    yield "a number as a string", changed(
        lambda d: d.update(output_value="36"))
    yield "forward without backward", changed(lambda d: d.pop("backward"))
    yield "a name that is not one", changed(
        lambda d: d["order"].append("1x"))
    yield "a leaf flag as a string", changed(
        lambda d: d["forward"][0].update(leaf="true"))
    yield "a term without its product", changed(
        lambda d: d["backward"][1]["terms"][0].pop("product"))
    yield "a warning at line 0", changed(
        lambda d: d["warnings"].append(
            {"node": "w", "line": 0, "column": 1, "message": "m"}))
    yield "a check without passed", changed(
        lambda d: d.update(check=[{"leaf": "w", "gradient": 1,
                                   "finite_difference": 1,
                                   "relative_error": 0, "kink": False}]))


def check_rejections(checker, directory):
    path = os.path.join(directory, "tiny.expr")
    with open(path, "w", encoding="utf-8") as file:
        file.write("w = 3; x = 2; y = w*x; L = y^2\n")
    valid = checker.trace([path])
    if valid is None:
        return
    for what, document in broken_traces(valid):
        checker.expect_rejected(f"trace with {what}", document,
                                "backprop-trace/1")
    report = checker.run(["grade", "--format", "json",
                          "tests/grading/exercise.expr",
                          "tests/grading/carried.json"])
    if report is None:
        return
    broken = copy.deepcopy(report)
    broken["slots"][0]["mark"] = "right"
    checker.expect_rejected("grade report with an unknown mark", broken,
                            "backprop-grade/1")
    broken = copy.deepcopy(report)
    broken["score"] = -1
    checker.expect_rejected("grade report with a negative score", broken,
                            "backprop-grade/1")
    checker.expect_rejected("answers file with a list of values",
                            {"values": [1, 2]}, "backprop-answers/1")


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    checker = Checker(os.path.abspath(sys.argv[1]), sys.argv[2])
    with tempfile.TemporaryDirectory(prefix="bt-schema-") as directory:
        check_graphs(checker)
        check_non_finite(checker, directory)
        check_grades(checker)
        check_rejections(checker, directory)
    for failure in checker.failures:
        print(failure)
    print(f"{checker.documents} documents validated, "
          f"{len(checker.failures)} failures")
    return 1 if checker.failures else 0


if __name__ == "__main__":
    sys.exit(main())
