"""Every CLI message reaches a pipe whatever the Windows code page: an English Windows (cp1252) could not
encode Chinese and a Chinese one (cp936) not 𠮷 or ¥, and the command failed after its work was done."""

from helpers import run_cli

from weiquan_desktop.console import stream_encoding


def test_the_encoding_chosen_for_each_code_page():
    assert stream_encoding("cp1252") == "utf-8"
    assert stream_encoding("cp936") == "gb18030"  # what a Chinese Windows reads, plus every other character
    assert stream_encoding("GBK") == "gb18030"
    assert stream_encoding("ascii") == "utf-8"
    assert stream_encoding("utf-8") == "utf-8"
    assert stream_encoding(None) == "utf-8"


def test_chinese_and_rare_characters_reach_a_pipe_on_an_english_and_a_chinese_code_page(tmp_path):
    data = str(tmp_path / "数据")
    name = "𠮷祥超市¥消费维权服务站"
    assert run_cli("demo", "--records", "3", "--data-dir", data).returncode == 0
    for code_page in ("cp1252", "cp936", None):  # None: this machine's own
        env = {"PYTHONIOENCODING": code_page} if code_page else {}
        result = run_cli(
            "station", "set", "--data-dir", data, "--name", name, "--address", "南昌市𠮷祥路1号", env=env
        )
        assert result.returncode == 0, result.stderr
        shown = run_cli("station", "show", "--data-dir", data, env=env)
        assert shown.returncode == 0, shown.stderr
        assert name in shown.stdout  # on cp936 written as GB18030: GBK as it was, 𠮷 as well
        bad = run_cli(
            "station", "set", "--data-dir", data, "--code", "坏", env=env
        )  # an error message in Chinese
        assert bad.returncode == 1 and "错误" in bad.stderr and "Traceback" not in bad.stderr
