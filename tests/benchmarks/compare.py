#!/usr/bin/env python3
"""Measures backprop-trace against tape_limit, the physical limit of an
interpreter, side by side on freshly generated models.

For each generator (chain, mlp, fanout, random) and size, it runs
tape_limit and backprop-trace alternately, several times each, on the same
file, and prints the median of the per-round ratios of wall time and the
peak resident memory of each. Modes of backprop-trace measured:

  key    --answer-key --format json -o FILE   (values and gradients only)
  json   --format json -o FILE                 (the full trace, streamed)

Usage (from the repository's root, after ./dev build):
  tests/benchmarks/compare.py [--sizes 1e5,1e6] [--rounds 5]
      [--bench-dir ../shared/bench] [--tool build/backprop-trace]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time


def run(command):
    """Runs a command; returns (wall seconds, peak RSS in MB)."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as null:
        process = subprocess.Popen(command, stdout=null, stderr=null)
        _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(command)}")
    return wall, usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1e5,1e6")
    parser.add_argument("--kinds", default="chain,mlp,fanout,random")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--bench-dir", default="../shared/bench")
    parser.add_argument("--tool", default="build/backprop-trace")
    parser.add_argument("--lecture", default="graphs/logistic_regression.expr")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="backprop-bench-")
    limit = os.path.join(work, "tape_limit")
    subprocess.check_call(["g++", "-O2", "-std=c++20", "-o", limit,
                           os.path.join(args.bench_dir, "tape_limit.cpp")])
    out = os.path.join(work, "out.json")
    modes = {
        "key": ["--answer-key", "--format", "json", "-o", out],
        "json": ["--format", "json", "-o", out],
    }

    print(f"{'file':<14} {'tape_limit':>16} {'mode':>5} {'backprop-trace':>18}"
          f" {'time ratio':>10} {'memory ratio':>12} {'extra us/stmt':>13}")
    for size in args.sizes.split(","):
        for kind in args.kinds.split(","):
            path = os.path.join(work, f"{kind}-{size}.expr")
            subprocess.check_call([sys.executable,
                                   os.path.join(args.bench_dir, "gen.py"),
                                   kind, size, "-o", path])
            statements = int(float(size))
            key_median = None
            for mode, flags in modes.items():
                ratios, times, limit_times, memory, limit_memory = \
                    [], [], [], [], []
                for _ in range(args.rounds):
                    t_limit, m_limit = run([limit, path])
                    t_tool, m_tool = run([args.tool, *flags, path])
                    ratios.append(t_tool / t_limit)
                    times.append(t_tool)
                    limit_times.append(t_limit)
                    memory.append(m_tool)
                    limit_memory.append(m_limit)
                tool_time = statistics.median(times)
                extra = ""
                if mode == "key":
                    key_median = tool_time
                elif key_median is not None:
                    extra = f"{(tool_time - key_median) * 1e6 / statements:.2f}"
                print(f"{kind + '-' + size:<14} "
                      f"{statistics.median(limit_times):7.3f}s "
                      f"{statistics.median(limit_memory):5.0f}MB "
                      f"{mode:>5} {tool_time:9.3f}s "
                      f"{statistics.median(memory):5.0f}MB "
                      f"{statistics.median(ratios):10.2f} "
                      f"{max(memory) / max(limit_memory):12.2f} {extra:>13}",
                      flush=True)

    ratios = []
    for _ in range(args.rounds * 2):
        t_limit, _ = run([limit, args.lecture])
        t_tool, _ = run([args.tool, args.lecture])
        ratios.append(t_tool / t_limit)
    print(f"lecture example, full text trace: time ratio "
          f"{statistics.median(ratios):.2f}")


if __name__ == "__main__":
    main()
