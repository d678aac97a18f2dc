import sqlite3

from helpers import run_cli

from weiquan_desktop import __version__


def test_a_gui_start_reads_its_options_as_the_whole_parser_does():
    """The GUI's start skips building every command's parser; what it reads must be what the whole parser
    reads, and anything else (a command, --help, --version, an error) goes to the whole parser."""
    from weiquan_desktop.cli import build_parser, gui_start

    for argv in (
        [],
        ["--data-dir", "D:/站点数据"],
        ["--data-dir=x", "--database", "postgresql://desk@server/weiquan", "--user", "wang"],
        ["--quit-after-start", "--data-dir", "demo"],  # a folder named like a command is still a folder
        ["--qu"],  # argparse's abbreviations, unambiguous in both
    ):
        fast = gui_start(argv)
        assert fast is not None, argv
        assert {**vars(fast), "command": None} == vars(build_parser().parse_args(argv)), argv
    for argv in (
        ["demo"],
        ["--version"],
        ["-h"],
        ["--data-dir"],
        ["--d", "x"],  # --data-dir or --database
        ["--data-dir", "x", "check"],
        ["--bogus"],
        ["--quit-after-start=yes"],
    ):
        assert gui_start(argv) is None, argv


def test_version():
    result = run_cli("--version")
    assert result.returncode == 0
    assert __version__ in result.stdout


def test_demo_then_check(tmp_path):
    data = tmp_path / "station"
    result = run_cli("demo", "--data-dir", str(data), "--records", "400", "--seed", "3")
    assert result.returncode == 0, result.stderr
    assert "400" in result.stdout
    conn = sqlite3.connect(data / "weiquan.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("SELECT COUNT(*) FROM record").fetchone()[0] == 400
    assert conn.execute("SELECT COUNT(DISTINCT kind) FROM record").fetchone()[0] == 4
    conn.close()
    check = run_cli("check", "--data-dir", str(data))
    assert check.returncode == 0, check.stderr
    assert "审计日志" in check.stdout and "未发现问题" in check.stdout


def test_data_dir_from_the_environment(tmp_path):
    data = tmp_path / "from-env"
    result = run_cli("demo", "--records", "5", env={"WEIQUAN_DATA_DIR": str(data)})
    assert result.returncode == 0, result.stderr
    assert (data / "weiquan.sqlite3").is_file()


def test_wrong_usage_exits_2(tmp_path):
    assert run_cli("no-such-command").returncode == 2
    assert run_cli("demo", "--records", "many", "--data-dir", str(tmp_path)).returncode == 2


def test_check_reports_a_broken_audit_chain_and_names_the_row(tmp_path):
    data = tmp_path / "tampered"
    assert run_cli("demo", "--data-dir", str(data), "--records", "10").returncode == 0
    conn = sqlite3.connect(data / "weiquan.sqlite3")
    conn.execute("DROP TRIGGER audit_log_no_update")
    conn.execute("UPDATE audit_log SET actor = '某人' WHERE id = 1")
    conn.commit()
    conn.close()
    for args in (("check",), ("audit", "verify")):
        result = run_cli(*args, "--data-dir", str(data))
        assert result.returncode == 1
        assert "第 1 条" in (result.stdout + result.stderr)
        assert "Traceback" not in result.stderr


def test_failure_is_one_paragraph_without_traceback(tmp_path):
    data = tmp_path / "bad"
    data.mkdir()
    (data / "weiquan.sqlite3").write_bytes(b"\0garbage" * 500)
    result = run_cli("check", "--data-dir", str(data))
    assert result.returncode == 1
    assert "已损坏" in result.stderr
    assert "Traceback" not in result.stderr
    assert (data / "weiquan.sqlite3").read_bytes() == b"\0garbage" * 500
