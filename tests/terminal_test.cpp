// Tests of the trace on a terminal: --step driven through a pseudo-terminal
// (Enter goes on, q quits), and when colour is used, by running the
// executable with a pseudo-terminal as its controlling terminal.
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <vector>

#include "test_support.hpp"

namespace backprop {
namespace {

using Clock = std::chrono::steady_clock;

// Long enough for a loaded machine; a test that waits this long has failed.
constexpr auto kPatience = std::chrono::seconds(20);

constexpr const char* kModel = "graphs/logistic_regression.expr";

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The executable run with a pseudo-terminal for its standard input, output
// and error, and as its controlling terminal: what a lecturer's terminal
// is. The environment is only what the test gives, so that a NO_COLOR of
// whoever runs the suite changes nothing.
class Terminal {
 public:
  Terminal(const std::vector<std::string>& arguments,
           const std::vector<std::string>& environment) {
    std::vector<std::string> argv_copy = arguments;
    std::vector<std::string> env_copy = environment;
    std::vector<char*> argv;
    for (std::string& argument : argv_copy)
      argv.push_back(argument.data());
    argv.push_back(nullptr);
    std::vector<char*> envp;
    for (std::string& variable : env_copy)
      envp.push_back(variable.data());
    envp.push_back(nullptr);

    struct winsize size {};
    size.ws_row = 50;
    size.ws_col = 200;
    child_ = forkpty(&master_, nullptr, nullptr, &size);
    if (child_ == 0) {
      if (chdir(BACKPROP_SOURCE_DIR) != 0)
        _exit(127);
      execve(argv[0], argv.data(), envp.data());
      _exit(127);
    }
  }

  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  ~Terminal() {
    if (child_ > 0 && !reaped_) {
      kill(child_, SIGKILL);
      waitpid(child_, nullptr, 0);
    }
    if (master_ >= 0)
      close(master_);
  }

  bool started() const { return child_ > 0 && master_ >= 0; }

  // Reads until `text` has been shown; false if it is not within the
  // patience, or the program ends first.
  bool wait_for(const std::string& text) {
    const Clock::time_point deadline = Clock::now() + kPatience;
    while (!contains(screen(), text)) {
      if (!read_some(deadline))
        return false;
    }
    return true;
  }

  // Reads until the program closes the terminal, then its exit code.
  int finish() {
    const Clock::time_point deadline = Clock::now() + kPatience;
    while (read_some(deadline)) {
    }
    if (Clock::now() >= deadline)
      return -1;
    int status = 0;
    waitpid(child_, &status, 0);
    reaped_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  void press(const std::string& keys) {
    ASSERT_EQ(write(master_, keys.data(), keys.size()),
              static_cast<ssize_t>(keys.size()));
  }

  // What the terminal received, with the \r of its line ends taken out.
  std::string screen() const {
    std::string text;
    for (char c : received_) {
      if (c != '\r')
        text.push_back(c);
    }
    return text;
  }

 private:
  // One read, waiting at most until `deadline`; false at the end of the
  // output or past the deadline.
  bool read_some(Clock::time_point deadline) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - Clock::now());
    if (left.count() <= 0)
      return false;
    struct pollfd ready {
      master_, POLLIN, 0
    };
    int polled = poll(&ready, 1, static_cast<int>(left.count()));
    if (polled < 0 && errno == EINTR)
      return true;
    if (polled <= 0)
      return false;
    char buffer[4096];
    ssize_t got = read(master_, buffer, sizeof buffer);
    if (got <= 0)
      return false;  // EIO: the program has closed the terminal
    received_.append(buffer, static_cast<size_t>(got));
    return true;
  }

  pid_t child_ = -1;
  int master_ = -1;
  bool reaped_ = false;
  std::string received_;
};

const std::vector<std::string> kEnvironment{"TERM=xterm", "PATH=/usr/bin:/bin"};

std::vector<std::string> tool(std::vector<std::string> arguments) {
  arguments.insert(arguments.begin(), BACKPROP_EXECUTABLE);
  return arguments;
}

// The lecture's example has 10 nodes, all of which the output depends on:
// 10 forward steps and 10 backward steps.
TEST(TerminalTest, StepPausesAfterTheFirstStepShowingItsNumberOfTheTotal) {
  Terminal terminal(tool({"--step", kModel}), kEnvironment);
  ASSERT_TRUE(terminal.started());
  ASSERT_TRUE(terminal.wait_for("step 1 of 20")) << terminal.screen();
  EXPECT_TRUE(contains(terminal.screen(), "[ 1/20] ")) << terminal.screen();
  EXPECT_FALSE(contains(terminal.screen(), "[ 2/20]"));
  EXPECT_TRUE(contains(terminal.screen(), "Enter for the next, q to quit"));
}

TEST(TerminalTest, StepAdvancesOnEnterAndQuitsOnQ) {
  Terminal terminal(tool({"--step", kModel}), kEnvironment);
  ASSERT_TRUE(terminal.started());
  ASSERT_TRUE(terminal.wait_for("step 1 of 20")) << terminal.screen();
  terminal.press("\r");
  ASSERT_TRUE(terminal.wait_for("step 2 of 20")) << terminal.screen();
  EXPECT_TRUE(contains(terminal.screen(), "[ 2/20] "));
  EXPECT_FALSE(contains(terminal.screen(), "[ 3/20]"));

  terminal.press("q");
  EXPECT_EQ(terminal.finish(), 0);
  const std::string screen = terminal.screen();
  EXPECT_FALSE(contains(screen, "[ 3/20]")) << screen;
  EXPECT_FALSE(contains(screen, "step 3 of 20"));
  EXPECT_FALSE(contains(screen, "Backward pass"));
  EXPECT_FALSE(contains(screen, "Gradients"));
}

TEST(TerminalTest, StepRunsToTheEndWhenEnterIsPressedAtEveryStep) {
  Terminal terminal(tool({"--step", kModel}), kEnvironment);
  ASSERT_TRUE(terminal.started());
  for (int step = 1; step <= 20; ++step) {
    const std::string prompt = "step " + std::to_string(step) + " of 20";
    ASSERT_TRUE(terminal.wait_for(prompt)) << terminal.screen();
    terminal.press("\r");
  }
  EXPECT_EQ(terminal.finish(), 0);
  EXPECT_TRUE(contains(terminal.screen(), "[20/20] "));
  EXPECT_TRUE(contains(terminal.screen(), "Gradients of L_reg"));
}

// Piped into another program, --step numbers the steps but neither waits
// for a key nor writes an escape sequence, though a terminal is there to
// ask: were it to wait, no key comes and the test fails at its deadline.
TEST(TerminalTest, StepDoesNotPauseWhenPiped) {
  const std::string command =
      std::string(BACKPROP_EXECUTABLE) + " --step " + kModel + " | cat";
  Terminal terminal({"/bin/sh", "-c", command}, kEnvironment);
  ASSERT_TRUE(terminal.started());
  EXPECT_EQ(terminal.finish(), 0);
  const std::string screen = terminal.screen();
  EXPECT_TRUE(contains(screen, "[20/20] ")) << screen;
  EXPECT_TRUE(contains(screen, "Gradients of L_reg"));
  EXPECT_FALSE(contains(screen, "\x1b")) << screen;
  EXPECT_FALSE(contains(screen, "step 1 of 20"));
}

TEST(TerminalTest, ColourIsOnByDefaultOnATerminal) {
  Terminal terminal(tool({kModel}), kEnvironment);
  ASSERT_TRUE(terminal.started());
  EXPECT_EQ(terminal.finish(), 0);
  EXPECT_TRUE(contains(terminal.screen(), "\x1b[1;34mx\x1b[0m"))
      << terminal.screen();
}

TEST(TerminalTest, NoColorTurnsColourOff) {
  std::vector<std::string> environment = kEnvironment;
  environment.push_back("NO_COLOR=1");
  Terminal terminal(tool({kModel}), environment);
  ASSERT_TRUE(terminal.started());
  EXPECT_EQ(terminal.finish(), 0);
  EXPECT_TRUE(contains(terminal.screen(), "Gradients of L_reg"));
  EXPECT_FALSE(contains(terminal.screen(), "\x1b")) << terminal.screen();
}

// The step prompt is part of what NO_COLOR quiets: it is neither dimmed
// nor erased by an escape sequence.
TEST(TerminalTest, NoColorLeavesTheStepPromptPlain) {
  std::vector<std::string> environment = kEnvironment;
  environment.push_back("NO_COLOR=1");
  Terminal terminal(tool({"--step", kModel}), environment);
  ASSERT_TRUE(terminal.started());
  ASSERT_TRUE(terminal.wait_for("step 1 of 20")) << terminal.screen();
  terminal.press("\r");
  ASSERT_TRUE(terminal.wait_for("step 2 of 20")) << terminal.screen();
  terminal.press("q");
  EXPECT_EQ(terminal.finish(), 0);
  EXPECT_FALSE(contains(terminal.screen(), "\x1b")) << terminal.screen();
}

TEST(TerminalTest, ColorNeverTurnsColourOffOnATerminal) {
  Terminal terminal(tool({"--color", "never", kModel}), kEnvironment);
  ASSERT_TRUE(terminal.started());
  EXPECT_EQ(terminal.finish(), 0);
  EXPECT_TRUE(contains(terminal.screen(), "Gradients of L_reg"));
  EXPECT_FALSE(contains(terminal.screen(), "\x1b")) << terminal.screen();
}

TEST(TerminalTest, ColorAlwaysWinsOverNoColor) {
  std::vector<std::string> environment = kEnvironment;
  environment.push_back("NO_COLOR=1");
  Terminal terminal(tool({"--color", "always", kModel}), environment);
  ASSERT_TRUE(terminal.started());
  EXPECT_EQ(terminal.finish(), 0);
  EXPECT_TRUE(contains(terminal.screen(), "\x1b[1;34mx\x1b[0m"))
      << terminal.screen();
}

TEST(TerminalTest, DumbTerminalGetsNoColour) {
  Terminal terminal(tool({kModel}), {"TERM=dumb"});
  ASSERT_TRUE(terminal.started());
  EXPECT_EQ(terminal.finish(), 0);
  EXPECT_FALSE(contains(terminal.screen(), "\x1b")) << terminal.screen();
}

// Through a pipe or into a file, colour and step numbers come only when
// asked for.
TEST(TerminalTest, PipedOutputHasNoEscapesUnlessColourIsAlways) {
  testing::Run plain = testing::run_tool({"--step", kModel});
  EXPECT_EQ(plain.exit_code, 0);
  EXPECT_TRUE(contains(plain.out, "[20/20] ")) << plain.out;
  EXPECT_FALSE(contains(plain.out, "\x1b"));

  testing::Run colored = testing::run_tool({"--color", "always", kModel});
  EXPECT_EQ(colored.exit_code, 0);
  EXPECT_TRUE(contains(colored.out, "\x1b[1;35m")) << colored.out;
}

}  // namespace
}  // namespace backprop
