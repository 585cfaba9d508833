#!/usr/bin/env python3
"""Measures backprop-trace against tape_limit, the physical limit of an
interpreter, side by side on freshly generated models, and says which of
the performance targets pass.

For each generator (chain, mlp, fanout, random) and size it runs, round
after round, tape_limit and two modes of backprop-trace on the same file,
in an order that alternates between rounds:

  key    --answer-key --format json -o FILE   (values and gradients only)
  json   --format json -o FILE                 (the full trace, streamed)

Each run writes a new file: the one an earlier run wrote is removed first,
outside the time measured.

Every figure is the median over the rounds of a per-round figure: the
ratio of wall times and of peak resident memory to tape_limit's in the same
round, and the JSON trace's extra microseconds per statement over the
answer key in the same round. The targets checked:

  1. answer key, whole process: time <= 2x tape_limit, every file
  2. answer key, peak memory <= 2x tape_limit, every file
  3. full JSON trace to a file: <= 1 us per statement more than the key
  4. the lecture's example, full text trace: time <= 2x tape_limit
  5. linear growth: the key's time ratio at the largest size <= 1.25x the
     ratio at the smallest, per generator
  6. a chain at the largest size runs with the default stack (8 MiB),
     traced in full as text and as JSON

Usage (from the repository's root, after a Release build):
  tests/benchmarks/compare.py [--sizes 1e5,1e6] [--rounds 5]
      [--bench-dir ../shared/bench] [--tool build/backprop-trace]
Exit status: 0 when every target passes, 1 otherwise.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

DEFAULT_STACK = 8 << 20  # bytes; Linux's default for a new process


# A launcher forked from this small program, not from Python: a child's
# peak RSS counts the memory of the process it was forked from, which for
# Python is about 15 MB and would hide the floor of small runs.
LAUNCHER = r"""
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>
#include <chrono>
#include <cstdio>
#include <cstdlib>
int main(int argc, char** argv) {
  // launcher STACK_BYTES COMMAND...: prints wall seconds, peak KB, exit code
  const long stack = std::atol(argv[1]);
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    if (stack > 0) {
      rlimit limit;
      getrlimit(RLIMIT_STACK, &limit);
      limit.rlim_cur = stack;
      setrlimit(RLIMIT_STACK, &limit);
    }
    const int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execvp(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  const std::chrono::duration<double> wall =
      std::chrono::steady_clock::now() - start;
  const int code = WIFEXITED(status) ? WEXITSTATUS(status)
                                     : 128 + WTERMSIG(status);
  std::printf("%.6f %ld %d\n", wall.count(), usage.ru_maxrss, code);
}
"""

launcher = None


def run(command, stack=0, must_succeed=True):
    """Runs a command; returns (wall seconds, peak RSS in MB, exit code),
    or exits if it fails and `must_succeed`."""
    report = subprocess.check_output([launcher, str(stack), *command])
    wall, kilobytes, code = report.split()
    if int(code) != 0 and must_succeed:
        sys.exit(f"failed: {' '.join(command)}")
    return float(wall), int(kilobytes) / 1024, int(code)


def measure(limit, tool, modes, path, rounds):
    """Alternating rounds on one file; returns per-round figures by name."""
    figures = {"limit_s": [], "limit_mb": []}
    for mode in modes:
        figures.update({f"{mode}_s": [], f"{mode}_mb": [],
                        f"{mode}_time": [], f"{mode}_memory": []})
    programs = [("limit", [limit, path])] + \
        [(mode, [tool, *flags, path]) for mode, flags in modes.items()]
    for r in range(rounds):
        # Rotate the order so that no program always runs first.
        shift = r % len(programs)
        seconds, megabytes = {}, {}
        for name, command in programs[shift:] + programs[:shift]:
            remove_output(command)
            seconds[name], megabytes[name], _ = run(command)
        figures["limit_s"].append(seconds["limit"])
        figures["limit_mb"].append(megabytes["limit"])
        for mode in modes:
            figures[f"{mode}_s"].append(seconds[mode])
            figures[f"{mode}_mb"].append(megabytes[mode])
            figures[f"{mode}_time"].append(seconds[mode] / seconds["limit"])
            figures[f"{mode}_memory"].append(
                megabytes[mode] / megabytes["limit"])
        if "json" in modes and "key" in modes:
            figures.setdefault("extra_us", []).append(
                (seconds["json"] - seconds["key"]) * 1e6)
    return {name: statistics.median(values)
            for name, values in figures.items()}


def remove_output(command):
    """Removes the file that `command` writes with -o, if it is there, so
    that every run writes a new file: replacing a file makes the file
    system discard the old one, which here costs about 9 ms for 50 MB and
    would be charged to whichever run came next."""
    if "-o" in command:
        try:
            os.remove(command[command.index("-o") + 1])
        except FileNotFoundError:
            pass


class Verdicts:
    def __init__(self):
        self.lines = []
        self.failed = 0

    def add(self, passed, text):
        self.lines.append(f"{'PASS' if passed else 'FAIL'}  {text}")
        self.failed += not passed


def main():
    parser = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e5,1e6")
    parser.add_argument("--kinds", default="chain,mlp,fanout,random")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bench-dir", default="../shared/bench")
    parser.add_argument("--tool", default="build/backprop-trace")
    parser.add_argument("--lecture",
                        default="graphs/logistic_regression.expr")
    parser.add_argument("--work", help="directory for the inputs and outputs, "
                        "kept afterwards (default: a temporary one, removed "
                        "at the end, since it holds more than a gigabyte)")
    args = parser.parse_args()
    if args.work:
        os.makedirs(args.work, exist_ok=True)
        return compare(args, args.work)
    work = tempfile.mkdtemp(prefix="backprop-bench-")
    try:
        return compare(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def compare(args, work):
    """Measures and prints everything; returns the exit status."""
    global launcher
    launcher = os.path.join(work, "launcher")
    subprocess.run(["g++", "-O2", "-x", "c++", "-o", launcher, "-"],
                   input=LAUNCHER.encode(), check=True)
    limit = os.path.join(work, "tape_limit")
    subprocess.check_call(["g++", "-O2", "-std=c++20", "-o", limit,
                           os.path.join(args.bench_dir, "tape_limit.cpp")])
    modes = {
        "key": ["--answer-key", "--format", "json", "-o",
                os.path.join(work, "key.json")],
        "json": ["--format", "json", "-o", os.path.join(work, "trace.json")],
    }
    sizes = args.sizes.split(",")
    kinds = args.kinds.split(",")
    print(f"{nproc_line()}; {args.rounds} rounds, medians of per-round "
          f"figures\n")
    print(f"{'file':<12} {'tape_limit':>13} | {'key':>13} {'time':>5} "
          f"{'mem':>5} | {'json':>13} {'+us/st':>6}")

    verdicts = Verdicts()
    key_ratio = {}
    paths = {}
    for size in sizes:
        for kind in kinds:
            path = os.path.join(work, f"{kind}-{size}.expr")
            paths[kind, size] = path
            subprocess.check_call([sys.executable,
                                   os.path.join(args.bench_dir, "gen.py"),
                                   kind, size, "-o", path])
            statements = int(float(size))
            m = measure(limit, args.tool, modes, path, args.rounds)
            extra = m["extra_us"] / statements
            key_ratio[kind, size] = m["key_time"]
            name = f"{kind}-{size}"
            print(f"{name:<12} {m['limit_s']:6.3f}s {m['limit_mb']:4.0f}MB | "
                  f"{m['key_s']:6.3f}s {m['key_mb']:4.0f}MB "
                  f"{m['key_time']:5.2f} {m['key_memory']:5.2f} | "
                  f"{m['json_s']:6.3f}s {m['json_mb']:4.0f}MB "
                  f"{extra:6.2f}", flush=True)
            verdicts.add(m["key_time"] <= 2,
                         f"{name}: answer key time {m['key_time']:.2f}x "
                         f"tape_limit (target <= 2x)")
            verdicts.add(m["key_memory"] <= 2,
                         f"{name}: answer key peak memory "
                         f"{m['key_memory']:.2f}x tape_limit (target <= 2x)")
            verdicts.add(extra <= 1,
                         f"{name}: full JSON trace {extra:.2f} us/statement "
                         f"more than the answer key (target <= 1)")

    lecture = measure(limit, args.tool, {"text": []}, args.lecture,
                      args.rounds * 4)
    print(f"\nlecture example ({args.lecture}), full text trace: "
          f"tape_limit {lecture['limit_s'] * 1e3:.1f} ms, backprop-trace "
          f"{lecture['text_s'] * 1e3:.1f} ms, ratio {lecture['text_time']:.2f}")
    verdicts.add(lecture["text_time"] <= 2,
                 f"lecture example, full text trace: time "
                 f"{lecture['text_time']:.2f}x tape_limit (target <= 2x)")

    small, large = sizes[0], sizes[-1]
    if small != large:
        for kind in kinds:
            growth = key_ratio[kind, large] / key_ratio[kind, small]
            verdicts.add(growth <= 1.25,
                         f"{kind}: answer key ratio at {large} is "
                         f"{growth:.2f}x the ratio at {small} "
                         f"(target <= 1.25x)")

    if "chain" in kinds:
        chain = paths["chain", large]
        text_out = os.path.join(work, "out.txt")
        codes = [run(command, DEFAULT_STACK, must_succeed=False)[2]
                 for command in ([args.tool, "-o", text_out, chain],
                                 [args.tool, *modes["json"], chain])]
        verdicts.add(codes == [0, 0],
                     f"chain-{large}: full text and JSON traces with an "
                     f"8 MiB stack exit with {codes[0]} and {codes[1]} "
                     f"(target 0)")

    print("\n" + "\n".join(verdicts.lines))
    print(f"\n{len(verdicts.lines) - verdicts.failed} of "
          f"{len(verdicts.lines)} targets pass")
    return 1 if verdicts.failed else 0


def nproc_line():
    """The machine, as the README's table names it."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"


if __name__ == "__main__":
    sys.exit(main())
