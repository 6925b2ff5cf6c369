"""`scrape clean` as a terminal user meets it: files, folders, stdin, -o, formats, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import main
from tests.conftest import SEEDS

SEED = sorted(SEEDS.glob("*.txt"))[0]


def run(*args: str, input: bytes | None = None, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), input=input, env=env)


@pytest.fixture
def bad(tmp_path: Path) -> Path:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02garbage\x00" * 20)
    (tmp_path / "picture.html").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "boilerplate.txt").write_text(
        "Connect with us\n\nLeave a Reply\n\nاترك تعليقاً\n\nزر الذهاب إلى الأعلى\n", encoding="utf-8")
    (tmp_path / "empty_folder").mkdir()
    return tmp_path


@pytest.mark.parametrize("name, message", [
    ("empty.txt", "empty input"),
    ("binary.txt", "binary input"),
    ("picture.html", "PNG image"),
    ("boilerplate.txt", "no article"),
    ("empty_folder", "no .txt or .html files"),
])
def test_bad_input_is_one_line_exit_1_and_writes_nothing(bad: Path, name: str, message: str,
                                                         tmp_path_factory) -> None:
    out = tmp_path_factory.mktemp("out")
    result = run("clean", str(bad / name), "-o", str(out))
    assert result.exit_code == 1
    errors = [line for line in result.stderr.splitlines() if message in line]
    assert len(errors) == 1 and name in errors[0]
    assert "Traceback" not in result.output
    assert not list(out.glob("*.txt")) and not (out / "records.jsonl").exists()


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run("clean", str(tmp_path / "nope.txt"), str(SEED))
    assert result.exit_code == 2
    assert "nope.txt: no such file or folder" in result.stderr
    assert result.stdout == ""


def test_good_inputs_go_on_after_a_bad_one(bad: Path) -> None:
    result = run("clean", str(bad / "empty.txt"), str(SEED))
    assert result.exit_code == 1
    assert result.stdout.startswith("زعيم كوريا الشمالية يصف بوتين")


def test_windows_1256_file_decodes(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(text.encode("cp1256", errors="replace"))
    expected = run("clean", str(SEED)).stdout
    result = run("clean", str(legacy))
    assert result.exit_code == 0
    # cp1256 has no curly quotes' twins for every character; compare the Arabic lines it can hold
    assert result.stdout.splitlines()[2] == expected.splitlines()[2]


def test_utf8_bom_and_crlf(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8")
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert run("clean", str(path)).stdout == run("clean", str(SEED)).stdout


def test_stdin_dash() -> None:
    result = run("clean", "-", input=SEED.read_bytes())
    assert result.exit_code == 0
    assert result.stdout == run("clean", str(SEED)).stdout


def test_folder_to_output_dir_is_idempotent(tmp_path: Path) -> None:
    out = tmp_path / "records"
    first = run("clean", str(SEEDS), "-o", str(out))
    assert first.exit_code == 0, first.output
    names = sorted(p.name for p in out.glob("*.txt"))
    assert len(names) == 5
    assert [n[:4] for n in names] == ["000_", "001_", "002_", "003_", "004_"]
    index = [json.loads(line) for line in (out / "records.jsonl").read_text(encoding="utf-8").splitlines()]
    assert sorted(e["file"] for e in index) == names
    assert all(e["title"] and e["text_sha256"] for e in index)
    second = run("clean", str(SEEDS), "-o", str(out))
    assert second.exit_code == 0
    assert sorted(p.name for p in out.glob("*.txt")) == names
    assert len((out / "records.jsonl").read_text(encoding="utf-8").splitlines()) == 5
    assert "0 written, 5 already there" in second.stderr


def test_json_and_jsonl_formats() -> None:
    one = json.loads(run("clean", str(SEED), "--format", "json").stdout)
    assert one["title"].startswith("زعيم كوريا") and one["language"] == "ar"
    assert one["text"] == run("clean", str(SEED)).stdout
    lines = run("clean", str(SEEDS), "--format", "jsonl").stdout.splitlines()
    assert len(lines) == 5 and all(json.loads(line)["paragraphs"] for line in lines)
    many = json.loads(run("clean", str(SEEDS), "-f", "json").stdout)
    assert isinstance(many, list) and len(many) == 5


def test_text_records_are_separated_by_form_feed() -> None:
    out = run("clean", str(SEEDS)).stdout
    assert out.count("\f\n") == 4


def test_environment_configures_like_options() -> None:
    result = run("clean", str(SEED), env={"SCRAPE_CLEAN_FORMAT": "jsonl"})
    assert json.loads(result.stdout)["title"].startswith("زعيم كوريا")


def test_invalid_rules_folder_is_exit_2_naming_file_and_key(tmp_path: Path) -> None:
    (tmp_path / "lexicon.tsv").write_text("lang\tstring\tline_regex\trisk\tcomponent\tsource\n",
                                          encoding="utf-8")
    (tmp_path / "site.toml").write_text('[extract]\nbody = ["div.content"]\ntitel = "x"\n',
                                        encoding="utf-8")
    result = run("clean", str(SEED), "--rules", str(tmp_path))
    assert result.exit_code == 2
    assert "site.toml" in result.stderr and "extract.titel: unknown key" in result.stderr
    result = run("clean", str(SEED), env={"SCRAPE_RULES": str(tmp_path)})
    assert result.exit_code == 2 and "site.toml" in result.stderr


def test_a_stray_byte_is_replaced_with_one_warning_line(tmp_path: Path) -> None:
    data = SEED.read_bytes()
    page = tmp_path / "stray.txt"
    at = data.index(b"\n", len(data) // 2)  # inside the article, not in the headline
    page.write_bytes(data[:at] + b"\xff" + data[at:])
    result = run("clean", str(page))
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        f"scrape: warning: {page}: 1 undecodable byte sequence in utf-8 replaced with U+FFFD"]
    assert "\ufffd" in result.stdout
    assert result.stdout.splitlines()[0] == run("clean", str(SEED)).stdout.splitlines()[0]
