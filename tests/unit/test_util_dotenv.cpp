#include "util/dotenv.hpp"
#include "util/error.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

namespace {

using Entries = std::vector<std::pair<std::string, std::string>>;

std::optional<std::string> no_outer(const std::string&) {
  return std::nullopt;
}

Entries parse(std::string_view text, const util::DotenvLookup& outer = no_outer) {
  return util::parse_dotenv(text, ".env", outer);
}

std::string parse_error(std::string_view text) {
  try {
    parse(text);
  } catch (const util::Error& error) {
    return error.what();
  }
  return "(no error)";
}

}  // namespace

TEST_SUITE_BEGIN("util");

TEST_CASE("util::parse_dotenv plain assignments, comments and blank lines") {
  const Entries entries = parse(
      "# a comment\n"
      "\n"
      "A=1\n"
      "   # indented comment\n"
      "B: two\n"
      "export C=3\n"
      "  D  =   spaced value   \n"
      "E=\n"
      "F=value # inline comment\n"
      "G=a#b\n"
      "H=# not a comment\n"
      "I=   # only a comment\n"
      "J=x\t# tab comment\n"
      "dotted.name_1=ok\n"
      "export=kept\n");
  CHECK(entries == Entries{{"A", "1"},
                           {"B", "two"},
                           {"C", "3"},
                           {"D", "spaced value"},
                           {"E", ""},
                           {"F", "value"},
                           {"G", "a#b"},
                           {"H", "# not a comment"},
                           {"I", ""},
                           {"J", "x"},
                           {"dotted.name_1", "ok"},
                           {"export", "kept"}});
}

TEST_CASE("util::parse_dotenv quotes and escapes") {
  const Entries entries = parse(
      "S='literal $HOME \\n # kept'\n"
      "D=\"tab\\there\\nnewline \\\\ \\\" \\$HOME\"\n"
      "M=\"first\n"
      "second\"\n"
      "SM='one\n"
      "two'\n"
      "W=\"C:\\Users\\me\"\n"
      "Q=\"has # hash\"   # and a comment\n"
      "E1=''\n"
      "E2=\"\"\n"
      "R=\"cr\\r\"\n"
      "U=unquoted \"inner\" quotes\n");
  CHECK(entries == Entries{{"S", "literal $HOME \\n # kept"},
                           {"D", "tab\there\nnewline \\ \" $HOME"},
                           {"M", "first\nsecond"},
                           {"SM", "one\ntwo"},
                           {"W", "C:\\Users\\me"},
                           {"Q", "has # hash"},
                           {"E1", ""},
                           {"E2", ""},
                           {"R", "cr\r"},
                           {"U", "unquoted \"inner\" quotes"}});
}

TEST_CASE("util::parse_dotenv expands variables from the file, then outside, else empty") {
  const std::map<std::string, std::string> outer{{"HOME", "/home/me"}, {"A", "outer-a"}};
  const auto lookup = [&outer](const std::string& name) -> std::optional<std::string> {
    const auto found = outer.find(name);
    return found == outer.end() ? std::nullopt : std::optional<std::string>(found->second);
  };
  const Entries entries = parse(
      "A=file-a\n"
      "B=${A}/x\n"
      "C=$A-$HOME\n"
      "D=\"$HOME/${A}\"\n"
      "E='$A'\n"
      "F=$MISSING.${MISSING}!\n"
      "G=\\$A\n"
      "H=cost $ 5 and ${} and ${unclosed\n"
      "I=$LATER\n"
      "LATER=later\n"
      "J=${LATER}${A}\n",
      lookup);
  CHECK(entries == Entries{{"A", "file-a"},
                           {"B", "file-a/x"},
                           {"C", "file-a-/home/me"},
                           {"D", "/home/me/file-a"},
                           {"E", "$A"},
                           {"F", ".!"},
                           {"G", "$A"},
                           {"H", "cost $ 5 and ${} and ${unclosed"},
                           {"I", ""},
                           {"LATER", "later"},
                           {"J", "laterfile-a"}});
}

TEST_CASE("util::parse_dotenv later duplicates win but keep the first position") {
  const Entries entries = parse("A=1\nB=2\nA=3\nC=$A\n");
  CHECK(entries == Entries{{"A", "3"}, {"B", "2"}, {"C", "3"}});
}

TEST_CASE("util::parse_dotenv CRLF, byte order mark and YAML separators") {
  const Entries entries = parse(
      "\xEF\xBB\xBF"
      "A=1\r\nB=\"x\r\ny\"\r\n---\r\nC='z' \r\n");
  CHECK(entries == Entries{{"A", "1"}, {"B", "x\ny"}, {"C", "z"}});
  CHECK(parse("A=1").size() == 1);
  CHECK(parse("").empty());
  CHECK(parse("\n\n# only comments\n").empty());
}

TEST_CASE("util::parse_dotenv syntax errors name the file and line") {
  CHECK(parse_error("A=1\n\ngarbage\n") == ".env:3: expected KEY=VALUE, got \"garbage\"");
  CHECK(parse_error("export FOO\n") == ".env:1: expected KEY=VALUE, got \"export FOO\"");
  CHECK(parse_error("A=1\nBAD-KEY=2\n") ==
        ".env:2: invalid variable name \"BAD-KEY\" (use letters, digits, '_' and '.')");
  CHECK(parse_error("MY KEY=2\n") ==
        ".env:1: invalid variable name \"MY KEY\" (use letters, digits, '_' and '.')");
  CHECK(parse_error("=value\n") == ".env:1: missing variable name before '='");
  CHECK(parse_error("A=1\nB='open\nC=3\n") == ".env:2: unterminated single-quoted value");
  CHECK(parse_error("A=\"open\\\"\n") == ".env:1: unterminated double-quoted value");
  CHECK(parse_error("A=1\n\nB=\"x\" y\n") == ".env:3: unexpected text after closing quote: \"y\"");
  CHECK(parse_error("B=\"multi\nline\"oops\n") ==
        ".env:2: unexpected text after closing quote: \"oops\"");
}

TEST_CASE("util::read_dotenv_file reads a file and names it in errors") {
  std::random_device random;
  const auto dir = std::filesystem::temp_directory_path() /
                   ("sbfn-test-dotenv-" + std::to_string(random()) + std::to_string(random()));
  std::filesystem::create_directories(dir);
  const auto path = dir / "my.env";
  {
    std::ofstream out(path, std::ios::binary);
    out << "A=1\nB='two'\n";
  }
  CHECK(util::read_dotenv_file(path, no_outer) == Entries{{"A", "1"}, {"B", "two"}});

  {
    std::ofstream out(path, std::ios::binary);
    out << "A=1\nnope\n";
  }
  CHECK_THROWS_WITH_AS(util::read_dotenv_file(path, no_outer),
                       (path.string() + ":2: expected KEY=VALUE, got \"nope\"").c_str(),
                       util::Error);
  CHECK_THROWS_WITH_AS(
      util::read_dotenv_file(dir / "missing.env", no_outer),
      ("failed to open env file: " + (dir / "missing.env").string() + ": No such file or directory")
          .c_str(),
      util::Error);
  CHECK_THROWS_WITH_AS(util::read_dotenv_file(dir, no_outer),
                       ("failed to open env file: " + dir.string() + ": is a directory").c_str(),
                       util::Error);
  std::filesystem::remove_all(dir);
}

TEST_SUITE_END();
