"""Every command given bad input answers with one line and exit code 1 or 2, never a
traceback; unknown countries are refused by every command that takes one; help texts show
choices, not Python types.

Commands run in-process through the same entry point as the `forewarn` script
(`forewarn.cli.app(...)`), on a fresh data directory with the schema created. The consoles are
made wide, as a terminal window may be, so that a message is judged by its content and not by
where Rich would wrap it at 80 columns."""

from __future__ import annotations

import sys

import pytest

from forewarn.cli import app

BAD = [
    # (arguments, words the message must contain)
    (["assess", "suggest", "QQQ"], "unknown country 'QQQ'"),
    (["assess", "suggest", "Haiti"], "did you mean HTI"),
    (["assess", "export", "--country", "QQQ"], "unknown country"),
    (["assess", "export", "--format", "xml"], "not one of"),
    (["assess", "consistency", "RF99"], "RF99"),
    (["assess", "import", "{tmp}/missing.yaml"], "missing.yaml"),
    (["assess", "catalog-load", "{tmp}/missing.yaml"], "missing.yaml"),
    (["catalog", "check", "{tmp}/missing.yaml"], "missing.yaml"),
    (["evidence", "custody", "99999"], "99999"),
    (["evidence", "proposals", "99999"], "99999"),
    (["evidence", "dossier", "99999"], "99999"),
    (["evidence", "import", "{tmp}/missing.csv"], "missing.csv"),
    (["forecast", "explain", "XYZ"], "unknown country 'XYZ'"),
    (["forecast", "explain", "SDN", "--top", "many"], "--top"),
    (["monitor", "signals", "--start", "2025-13-01", "--end", "2025-12-31"], "2025-13-01"),
    (["monitor", "signals", "--start", "2025-02-01", "--end", "2025-01-01"], "before"),
    (["monitor", "alert", "99999", "acknowledge"], "no alert 99999"),
    (["monitor", "alert", "1", "explode"], "acknowledge, dismiss"),
    (["monitor", "alerts", "--status", "bogus"], "not one of"),
    (["monitor", "alerts", "--day", "yesterday"], "not a date"),
    (["monitor", "models"], "no trained model"),
    (["monitor", "classify", "--input", "{tmp}/missing.csv", "--output", "{tmp}/o.jsonl"],
     "missing.csv"),
    (["monitor", "ingest-folder", "{tmp}/missing"], "missing"),
    (["monitor", "feed-add", "https://example.org/feed", "--country", "QQQ"], "unknown country"),
    (["monitor", "rule-add", "r", "incitement", "--countries", "SDN,QQQ"], "unknown country"),
    (["reports", "import", "{tmp}/missing.json"], "missing.json"),
    (["respond", "plan", "ZZZ"], "unknown country 'ZZZ'"),
    (["respond", "plan", "SDN", "--phase", "bogus"], "latent_risk"),
    (["respond", "measure", "add", "QQQ", "--tool", "un_targeted_sanctions", "--date",
      "2020-01-01", "--actor", "UN"], "unknown country"),
    (["respond", "veto", "add", "QQQ", "--date", "2020-01-01", "--member", "RUS"],
     "unknown country"),
    (["respond", "veto", "add", "SDN", "--date", "2020-02-30", "--member", "RUS"], "2020-02-30"),
    (["respond", "veto", "deadline", "soon"], "soon"),
    (["user", "add", "someone", "--role", "emperor"], "emperor"),
    (["user", "disable", "nobody"], "nobody"),
    (["user", "set-role", "nobody", "admin"], "nobody"),
    (["user", "reset-password", "nobody", "--password", "long enough password"], "nobody"),
    (["user", "token", "nobody"], "nobody"),
    (["db", "upgrade", "no_such_revision"], "database migration"),
    (["serve", "--port", "eighty"], "--port"),
    (["no-such-command"], "no-such-command"),
]
# Files that exist but are not what the command reads: the first line names the file and says
# nothing was changed; the problems found in it may follow, one per line.
BAD_FILES = [
    (["assess", "import", "{tmp}/bad.yaml"], "bad.yaml"),
    (["catalog", "check", "{tmp}/bad.yaml"], "bad.yaml"),
    (["evidence", "import", "{tmp}/bad.csv"], "bad.csv"),
    (["reports", "import", "{tmp}/bad.csv"], "bad.csv"),
]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A fresh installation: settings on a private directory, schema created."""
    from forewarn.settings import get_settings

    path = tmp_path_factory.mktemp("cli")
    mp = pytest.MonkeyPatch()
    mp.setenv("FOREWARN_DATA_DIR", str(path))
    mp.delenv("FOREWARN_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    _call(["db", "init"])
    (path / "bad.yaml").write_text("assessments: [unclosed\n  - {iso3: SDN\n", "utf-8")
    (path / "bad.csv").write_text("not,the,right\ncolumns,at,all\n", "utf-8")
    yield path
    mp.undo()
    get_settings.cache_clear()


def _call(args: list[str]) -> int:
    try:
        app(args, prog_name="forewarn")
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else 1
    return 0


@pytest.fixture
def wide_consoles(monkeypatch):
    for name, module in list(sys.modules.items()):
        console = getattr(module, "console", None)
        if name.startswith("forewarn") and hasattr(console, "width"):
            monkeypatch.setattr(console, "width", 400)


@pytest.mark.parametrize(("args", "words"), BAD, ids=[" ".join(a[:3]) for a, _ in BAD])
def test_bad_input_gives_one_line_and_exit_1_or_2(args, words, data_dir, capsys,
                                                   wide_consoles):
    args = [a.replace("{tmp}", str(data_dir)) for a in args]
    code = _call(args)
    out, err = capsys.readouterr()
    said = (err or out).strip()
    assert code in (1, 2), (code, out, err)
    assert "Traceback" not in out + err
    assert len(said.splitlines()) == 1, said
    assert words.lower() in said.lower(), said


@pytest.mark.parametrize(("args", "name"), BAD_FILES, ids=[" ".join(a[:2]) for a, _ in BAD_FILES])
def test_bad_files_are_named_without_traceback(args, name, data_dir, capsys, wide_consoles):
    code = _call([a.replace("{tmp}", str(data_dir)) for a in args])
    out, err = capsys.readouterr()
    said = (err or out).strip()
    assert code in (1, 2) and "Traceback" not in out + err, (code, said)
    assert name in said.splitlines()[0], said


def test_help_has_no_type_noise(capsys):
    code = _call(["monitor", "alerts", "--help"])
    out = capsys.readouterr().out
    assert code == 0 and "--status" in out
    for noise in ("<bool>", "<str>", "<int>", "TEXT", "BOOLEAN"):
        assert noise not in out
    _call(["assess", "export", "--help"])
    assert "--format" in capsys.readouterr().out
